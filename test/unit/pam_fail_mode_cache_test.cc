// pam_idguard's fail modes per application and user: what it keeps, what it reads back, and the
// directories and entries it refuses to trust.
#if defined(IDGUARD_PAM_CLIENT)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>

#include "fail_mode_cache.h"

namespace idguard::pam {
namespace {

class PamFailModeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("idguard-failmode-" + std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directory(dir_);
    chmod(dir_.c_str(), 0700);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FailModeCache Cache(std::chrono::seconds max_age = std::chrono::hours(1)) const {
    return FailModeCache(dir_.string(), max_age);
  }

  std::filesystem::path dir_;
};

TEST_F(PamFailModeCacheTest, KeepsTheLatestModePerApplicationAndUser) {
  const FailModeCache cache = Cache();
  std::string problem;
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_EQ(problem, "") << "no entry is not a problem";

  EXPECT_EQ(cache.Store("pam-sshd", "alice", FailMode::closed), std::nullopt);
  EXPECT_EQ(cache.Store("pam-sshd", "bob", FailMode::open), std::nullopt);
  auto alice = cache.Lookup("pam-sshd", "alice", problem);
  ASSERT_TRUE(alice) << problem;
  EXPECT_EQ(alice->mode, FailMode::closed);
  EXPECT_LT(alice->age, std::chrono::seconds(60));
  EXPECT_EQ(cache.Lookup("pam-sshd", "bob", problem)->mode, FailMode::open);
  EXPECT_FALSE(cache.Lookup("pam-login", "alice", problem)) << "another service, another entry";

  EXPECT_EQ(cache.Store("pam-sshd", "alice", FailMode::open), std::nullopt);
  EXPECT_EQ(cache.Lookup("pam-sshd", "alice", problem)->mode, FailMode::open);
  // Only the entries themselves are left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 2);
}

TEST_F(PamFailModeCacheTest, EntryNamesNeverLeaveTheDirectoryOrCollide) {
  EXPECT_EQ(FailModeEntryName("pam-sshd", "alice"), "pam-sshd.alice");
  EXPECT_EQ(FailModeEntryName("pam-sshd", "../../etc/passwd"),
            "pam-sshd.%2E%2E%2F%2E%2E%2Fetc%2Fpasswd");
  // The separator is encoded inside the parts, so no two pairs share a name.
  EXPECT_NE(FailModeEntryName("a.b", "c"), FailModeEntryName("a", "b.c"));
  EXPECT_EQ(FailModeEntryName("pam-sshd", std::string(300, 'x')), "");
  EXPECT_NE(Cache().Store("pam-sshd", std::string(300, 'x'), FailMode::open), std::nullopt);
}

TEST_F(PamFailModeCacheTest, OldEntriesAreIgnored) {
  const FailModeCache cache = Cache(std::chrono::hours(1));
  ASSERT_EQ(cache.Store("pam-sshd", "alice", FailMode::closed), std::nullopt);
  const std::string entry = (dir_ / "pam-sshd.alice").string();
  const utimbuf two_hours_ago{time(nullptr) - 7200, time(nullptr) - 7200};
  ASSERT_EQ(utime(entry.c_str(), &two_hours_ago), 0);
  std::string problem;
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_EQ(problem, "");
  EXPECT_TRUE(Cache(std::chrono::hours(3)).Lookup("pam-sshd", "alice", problem));
}

TEST_F(PamFailModeCacheTest, RefusesDirectoriesAndEntriesOthersCouldWrite) {
  const FailModeCache cache = Cache();
  ASSERT_EQ(cache.Store("pam-sshd", "alice", FailMode::closed), std::nullopt);
  std::string problem;

  chmod(dir_.c_str(), 0777);
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("writable by it alone"), std::string::npos) << problem;
  EXPECT_NE(cache.Store("pam-sshd", "alice", FailMode::open), std::nullopt);
  chmod(dir_.c_str(), 0700);

  const std::string entry = (dir_ / "pam-sshd.alice").string();
  chmod(entry.c_str(), 0666);
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("is not a file that only uid"), std::string::npos) << problem;

  // A link planted in place of an entry is not followed.
  std::filesystem::remove(entry);
  std::ofstream(dir_ / "elsewhere") << "open\n";
  std::filesystem::create_symlink(dir_ / "elsewhere", entry);
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("cannot read"), std::string::npos) << problem;

  std::filesystem::remove(entry);
  std::ofstream(entry) << "maybe\n";
  chmod(entry.c_str(), 0600);
  EXPECT_FALSE(cache.Lookup("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("neither open nor closed"), std::string::npos) << problem;

  const FailModeCache missing((dir_ / "absent").string(), std::chrono::hours(1));
  EXPECT_FALSE(missing.Lookup("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("No such file"), std::string::npos) << problem;
}

}  // namespace
}  // namespace idguard::pam
#endif
