#include "idguard/core/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace idguard {
namespace {

// The name a new thread reads back after naming itself `name`.
std::string NameSeenAfterNaming(const std::string& name) {
  std::string seen;
  std::thread named([&] {
    NameThisThread(name);
    seen = CurrentThreadName();
  });
  named.join();
  return seen;
}

TEST(ThreadNameTest, AThreadTakesTheNameItIsGiven) {
  EXPECT_EQ(NameSeenAfterNaming("idg-test-name"), "idg-test-name");
}

TEST(ThreadNameTest, ANameLongerThanTheSystemKeepsIsCutToFifteenCharacters) {
  EXPECT_EQ(NameSeenAfterNaming("idg-a-name-far-longer-than-fifteen"), "idg-a-name-far-");
}

TEST(ThreadNameTest, NamingOneThreadLeavesTheOthersAlone) {
  const std::string before = CurrentThreadName();
  std::thread named([] { NameThisThread("idg-other"); });
  named.join();
  EXPECT_EQ(CurrentThreadName(), before);
}

}  // namespace
}  // namespace idguard
