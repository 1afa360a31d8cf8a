#include "idguard/core/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace idguard {
namespace {

TEST(ThreadNameTest, AThreadTakesTheNameItIsGiven) {
  std::string seen;
  std::thread named([&] {
    NameThisThread("idg-test-name");
    seen = CurrentThreadName();
  });
  named.join();
  EXPECT_EQ(seen, "idg-test-name");
}

TEST(ThreadNameTest, ANameLongerThanTheSystemKeepsIsCutToFifteenCharacters) {
  std::string seen;
  std::thread named([&] {
    NameThisThread("idg-a-name-far-longer-than-fifteen");
    seen = CurrentThreadName();
  });
  named.join();
  EXPECT_EQ(seen, "idg-a-name-far-");
}

TEST(ThreadNameTest, NamingOneThreadLeavesTheOthersAlone) {
  const std::string before = CurrentThreadName();
  std::thread named([] { NameThisThread("idg-other"); });
  named.join();
  EXPECT_EQ(CurrentThreadName(), before);
}

}  // namespace
}  // namespace idguard
