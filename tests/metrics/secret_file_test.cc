#include "metrics/secret_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace aviary::metrics {
namespace {

namespace fs = std::filesystem;

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aviary-secret-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::trunc) << content;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(SecretFileTest, ReadsTheFileWithoutTrailingWhitespace) {
  SecretFile secret(write("token", "s3cret\n"));
  auto got = secret.read();
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, "s3cret");
}

TEST_F(SecretFileTest, ReReadsTheFileWhenItChanges) {
  const std::string path = write("token", "first");
  SecretFile secret(path);
  ASSERT_EQ(secret.read().value(), "first");
  write("token", "second-and-longer");
  EXPECT_EQ(secret.read().value(), "second-and-longer");
  // Same size, later modification time: still picked up.
  write("token", "third-and-lengthy");
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
  EXPECT_EQ(secret.read().value(), "third-and-lengthy");
}

TEST_F(SecretFileTest, KeepsTheLastContentWhileARotationRemovesTheFile) {
  const std::string path = write("token", "kept");
  SecretFile secret(path);
  ASSERT_EQ(secret.read().value(), "kept");
  fs::remove(path);
  EXPECT_EQ(secret.read().value(), "kept");
}

TEST_F(SecretFileTest, AFileNeverReadIsUnauthenticatedNamingIt) {
  SecretFile secret((dir_ / "missing").string());
  auto got = secret.read();
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(got.error().message.find("missing"), std::string::npos) << got.error().message;
}

}  // namespace
}  // namespace aviary::metrics
