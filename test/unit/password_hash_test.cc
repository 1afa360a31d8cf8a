#include "idguard/core/password_hash.h"

#include <gtest/gtest.h>

#include <set>

namespace idguard {
namespace {

// Small parameters keep the test fast; the format and checks are the same.
constexpr ScryptParameters kFast{10, 8, 1};

TEST(PasswordHashTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("scrypt$10$8$1$", 0), 0U);
  EXPECT_TRUE(VerifyPassword("correct horse", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse ", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
}

TEST(PasswordHashTest, SaltsEveryHash) {
  auto first = HashPassword("same", kFast);
  auto second = HashPassword("same", kFast);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(VerifyPassword("same", *second));
}

TEST(PasswordHashTest, MalformedStoredHashesNeverVerify) {
  auto hash = HashPassword("pw", kFast);
  ASSERT_TRUE(hash.ok());
  for (const std::string& stored :
       {std::string(""), std::string("pw"), std::string("bcrypt$10$8$1$a$b"),
        std::string("scrypt$40$8$1$AAAA$AAAA"), hash->substr(0, hash->size() - 2), *hash + "$extra",
        hash->substr(0, hash->rfind('$')) + "$!!!!"}) {
    EXPECT_FALSE(VerifyPassword("pw", stored)) << stored;
  }
}

TEST(PasswordHashTest, TemporaryPasswordsUseTheUnambiguousAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto password = GenerateTemporaryPassword();
    ASSERT_TRUE(password.ok());
    EXPECT_EQ(password->size(), 16U);
    EXPECT_EQ(password->find_first_of("0O1lI"), std::string::npos) << *password;
    seen.insert(*password);
  }
  EXPECT_EQ(seen.size(), 50U);
}

}  // namespace
}  // namespace idguard
