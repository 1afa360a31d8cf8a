#include "idguard/core/digest.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace idguard {
namespace {

// Known answers from FIPS 180-2 (appendix B.1 and A.1).
constexpr const char* kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kAbcSha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

TEST(DigestTest, HexDigestsMatchTheStandardsKnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), kAbcSha256);
  EXPECT_EQ(Sha1Hex("abc"), kAbcSha1);
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The digest context is reused between calls: nothing of one input leaks into the next.
  EXPECT_EQ(Sha256Hex("abd"), Sha256Hex("abd"));
  EXPECT_NE(Sha256Hex("abd"), kAbcSha256);
  EXPECT_EQ(Sha256Hex("abc"), kAbcSha256);
}

TEST(DigestTest, ThreadsHashingAtOnceEachGetTheirOwnAnswers) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        if (Sha256Hex("abc") != kAbcSha256 || Sha1Hex("abc") != kAbcSha1) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace idguard
