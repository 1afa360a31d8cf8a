// pam_idguard's memory of which users fail closed: what it keeps and forgets, what it reads back,
// and the directories and entries it refuses to trust.
#if defined(IDGUARD_PAM_CLIENT)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
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
    root_ = std::filesystem::temp_directory_path() /
            ("idguard-failmode-" + std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directory(root_);
    chmod(root_.c_str(), 0755);
    dir_ = root_ / "cache";
    std::filesystem::create_directory(dir_);
    chmod(dir_.c_str(), 0700);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  FailModeCache Cache(std::chrono::seconds max_age = std::chrono::hours(1)) const {
    return FailModeCache(dir_.string(), max_age);
  }
  std::string Entry(const std::string& user) const {
    return (dir_ / ("pam-sshd." + user)).string();
  }

  std::filesystem::path root_;
  std::filesystem::path dir_;
};

TEST_F(PamFailModeCacheTest, KeepsClosedPairsAndForgetsThemWhenAnAnswerSaysOpen) {
  const FailModeCache cache = Cache();
  std::string problem;
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_EQ(problem, "") << "a pair not kept is not a problem";

  EXPECT_EQ(cache.Record("pam-sshd", "alice", FailMode::closed), std::nullopt);
  EXPECT_EQ(cache.Record("pam-sshd", "bob", FailMode::open), std::nullopt);
  const auto alice = cache.ClosedSince("pam-sshd", "alice", problem);
  ASSERT_TRUE(alice) << problem;
  EXPECT_LT(*alice, std::chrono::seconds(60));
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "bob", problem)) << "open leaves it to fail=";
  EXPECT_FALSE(cache.ClosedSince("pam-login", "alice", problem)) << "another service";
  // Only closed pairs take room: bob has no entry, and nothing half-written is left.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);

  EXPECT_EQ(cache.Record("pam-sshd", "alice", FailMode::open), std::nullopt);
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_EQ(problem, "");
  EXPECT_FALSE(std::filesystem::exists(Entry("alice")));
}

TEST_F(PamFailModeCacheTest, EntryNamesNeverLeaveTheDirectoryOrCollide) {
  EXPECT_EQ(FailModeEntryName("pam-sshd", "alice"), "pam-sshd.alice");
  EXPECT_EQ(FailModeEntryName("pam-sshd", "../../etc/passwd"),
            "pam-sshd.%2E%2E%2F%2E%2E%2Fetc%2Fpasswd");
  // The separator is encoded inside the parts, so no two pairs share a name.
  EXPECT_NE(FailModeEntryName("a.b", "c"), FailModeEntryName("a", "b.c"));
  EXPECT_EQ(FailModeEntryName("pam-sshd", std::string(246, 'x')).size(), 255U);
  EXPECT_EQ(FailModeEntryName("pam-sshd", std::string(247, 'x')), "");
  EXPECT_NE(Cache().Record("pam-sshd", std::string(300, 'x'), FailMode::closed), std::nullopt);
}

TEST_F(PamFailModeCacheTest, OldEntriesAndEntriesFromTheFutureAreIgnored) {
  const FailModeCache cache = Cache(std::chrono::hours(1));
  ASSERT_EQ(cache.Record("pam-sshd", "alice", FailMode::closed), std::nullopt);
  const std::time_t now = time(nullptr);
  const utimbuf two_hours_ago{now - 7200, now - 7200};
  ASSERT_EQ(utime(Entry("alice").c_str(), &two_hours_ago), 0);
  std::string problem;
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_EQ(problem, "");
  EXPECT_TRUE(Cache(std::chrono::hours(3)).ClosedSince("pam-sshd", "alice", problem));
  // Just written: the file system's stamp may be a second ahead of time().
  const utimbuf stamped_ahead{now + 1, now + 1};
  ASSERT_EQ(utime(Entry("alice").c_str(), &stamped_ahead), 0);
  const auto just_written = Cache(std::chrono::hours(1)).ClosedSince("pam-sshd", "alice", problem);
  ASSERT_TRUE(just_written) << problem;
  EXPECT_EQ(*just_written, std::chrono::seconds(0));
  const utimbuf tomorrow{now + 86400, now + 86400};
  ASSERT_EQ(utime(Entry("alice").c_str(), &tomorrow), 0);
  EXPECT_FALSE(Cache(std::chrono::hours(100)).ClosedSince("pam-sshd", "alice", problem));
}

TEST_F(PamFailModeCacheTest, RefusesDirectoriesOthersCouldChangeOrRead) {
  const FailModeCache cache = Cache();
  ASSERT_EQ(cache.Record("pam-sshd", "alice", FailMode::closed), std::nullopt);
  std::string problem;
  for (const mode_t mode : {0777, 0750, 0705}) {
    chmod(dir_.c_str(), mode);
    EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem)) << std::oct << mode;
    EXPECT_NE(problem.find("with no permissions for others"), std::string::npos) << problem;
    EXPECT_NE(cache.Record("pam-sshd", "alice", FailMode::open), std::nullopt);
  }
  chmod(dir_.c_str(), 0700);
  ASSERT_TRUE(cache.ClosedSince("pam-sshd", "alice", problem)) << problem;

  // A parent others may write to could have the directory swapped; a sticky one (as /tmp)
  // cannot.
  chmod(root_.c_str(), 0777);
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("may be changed by users other than root"), std::string::npos) << problem;
  chmod(root_.c_str(), 01777);
  EXPECT_TRUE(cache.ClosedSince("pam-sshd", "alice", problem)) << problem;
  chmod(root_.c_str(), 0755);

  // The directory itself may not be a link.
  const std::filesystem::path link = root_ / "link";
  std::filesystem::create_directory_symlink(dir_, link);
  const FailModeCache through_link(link.string(), std::chrono::hours(1));
  EXPECT_FALSE(through_link.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("fail_cache"), std::string::npos) << problem;

  const FailModeCache missing((root_ / "absent").string(), std::chrono::hours(1));
  EXPECT_FALSE(missing.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("No such file"), std::string::npos) << problem;
}

TEST_F(PamFailModeCacheTest, RefusesEntriesThatAreNotPlainFilesOfItsOwn) {
  const FailModeCache cache = Cache();
  ASSERT_EQ(cache.Record("pam-sshd", "alice", FailMode::closed), std::nullopt);
  std::string problem;
  chmod(Entry("alice").c_str(), 0666);
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("is not a file that only uid"), std::string::npos) << problem;

  // A link planted in place of an entry is not followed.
  std::filesystem::remove(Entry("alice"));
  std::ofstream(root_ / "elsewhere") << "closed\n";
  std::filesystem::create_symlink(root_ / "elsewhere", Entry("alice"));
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("cannot read"), std::string::npos) << problem;

  // A FIFO does not stall the login.
  std::filesystem::remove(Entry("alice"));
  ASSERT_EQ(mkfifo(Entry("alice").c_str(), 0600), 0);
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("is not a file that only uid"), std::string::npos) << problem;

  std::filesystem::remove(Entry("alice"));
  std::ofstream(Entry("alice")) << "maybe\n";
  chmod(Entry("alice").c_str(), 0600);
  EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
  EXPECT_NE(problem.find("does not say closed"), std::string::npos) << problem;

  if (geteuid() == 0) {  // only root can give a file away
    ASSERT_EQ(cache.Record("pam-sshd", "alice", FailMode::closed), std::nullopt);
    ASSERT_EQ(chown(Entry("alice").c_str(), 65534, 65534), 0);
    EXPECT_FALSE(cache.ClosedSince("pam-sshd", "alice", problem));
    EXPECT_NE(problem.find("is not a file that only uid"), std::string::npos) << problem;
  }
}

}  // namespace
}  // namespace idguard::pam
#endif
