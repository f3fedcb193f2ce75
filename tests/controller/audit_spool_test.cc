#include "controller/audit_spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace aviary::controller {
namespace {

namespace fs = std::filesystem;

class AuditSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aviary-audit-spool-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  AuditSpool::Opened open() {
    auto opened = AuditSpool::open(dir_);
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }
  void put(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string contentOf(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir_)) out.push_back(entry.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

std::vector<std::string> linesOf(const std::vector<AuditSpool::Record>& records) {
  std::vector<std::string> lines;
  for (const auto& record : records) lines.push_back(record.line);
  return lines;
}

TEST_F(AuditSpoolTest, NamesFilesByZeroPaddedSequenceSoThatTheySortInOrder) {
  EXPECT_EQ(AuditSpool::fileName(1), "00000000000000000001.json");
  EXPECT_EQ(AuditSpool::fileName(42), "00000000000000000042.json");
  EXPECT_LT(AuditSpool::fileName(9), AuditSpool::fileName(10));
}

TEST_F(AuditSpoolTest, CreatesItsDirectoryAndStartsEmptyAtSequenceOne) {
  auto opened = open();
  ASSERT_TRUE(opened.spool);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_TRUE(opened.pending.empty());
  EXPECT_TRUE(opened.unreadable.empty());
  EXPECT_EQ(opened.spool->write(R"({"id":"a"})"), 1u);
}

TEST_F(AuditSpoolTest, WritesEachRecordToAFileOfItsOwnWithNothingTemporaryLeft) {
  auto opened = open();
  ASSERT_EQ(opened.spool->write(R"({"id":"a"})"), 1u);
  ASSERT_EQ(opened.spool->write(R"({"id":"b"})"), 2u);
  EXPECT_EQ(names(), (std::vector<std::string>{AuditSpool::fileName(1), AuditSpool::fileName(2)}));
  EXPECT_EQ(contentOf(AuditSpool::fileName(1)), R"({"id":"a"})");
  EXPECT_EQ(contentOf(AuditSpool::fileName(2)), R"({"id":"b"})");
}

TEST_F(AuditSpoolTest, AReopenedSpoolHandsBackWhatIsLeftInOrderAndContinuesTheSequence) {
  {
    auto opened = open();
    for (const char* id : {"a", "b", "c"}) {
      ASSERT_TRUE(opened.spool->write(std::string(R"({"id":")") + id + "\"}"));
    }
    ASSERT_TRUE(opened.spool->remove(1));
  }
  auto reopened = open();
  EXPECT_EQ(linesOf(reopened.pending),
            (std::vector<std::string>{R"({"id":"b"})", R"({"id":"c"})"}));
  EXPECT_EQ(reopened.pending.front().sequence, 2u);
  EXPECT_EQ(reopened.spool->write(R"({"id":"d"})"), 4u);
}

TEST_F(AuditSpoolTest, OrdersBySequenceNotByWhenTheFilesWereMade) {
  fs::create_directories(dir_);
  put(AuditSpool::fileName(10), R"({"id":"ten"})");
  put(AuditSpool::fileName(9), R"({"id":"nine"})");
  put(AuditSpool::fileName(100), R"({"id":"hundred"})");
  auto opened = open();
  EXPECT_EQ(
      linesOf(opened.pending),
      (std::vector<std::string>{R"({"id":"nine"})", R"({"id":"ten"})", R"({"id":"hundred"})"}));
  EXPECT_EQ(opened.spool->write("{}"), 101u);
}

TEST_F(AuditSpoolTest, AFileThatCannotBeReadBackIsReportedAndRemoved) {
  fs::create_directories(dir_);
  put(AuditSpool::fileName(1), R"({"id":"a"})");
  put(AuditSpool::fileName(2), "{\"id\":\"trunc");
  fs::create_directories(dir_ / AuditSpool::fileName(3));  // a name it cannot read as a file
  put(AuditSpool::fileName(4), R"(["not", "an", "object"])");
  auto opened = open();
  EXPECT_EQ(linesOf(opened.pending), (std::vector<std::string>{R"({"id":"a"})"}));
  ASSERT_EQ(opened.unreadable.size(), 3u);
  EXPECT_EQ(opened.unreadable[0].file, AuditSpool::fileName(2));
  EXPECT_EQ(opened.unreadable[1].file, AuditSpool::fileName(3));
  EXPECT_EQ(opened.unreadable[2].file, AuditSpool::fileName(4));
  EXPECT_EQ(names(), (std::vector<std::string>{AuditSpool::fileName(1)}));
  // The numbers of the removed files are not handed out again.
  EXPECT_EQ(opened.spool->write("{}"), 5u);
}

TEST_F(AuditSpoolTest, RemovesWhatAWriteCutShortLeftAndLeavesOtherFilesAlone) {
  fs::create_directories(dir_);
  put(".tmp-" + AuditSpool::fileName(7), R"({"id":"half)");
  put("README", "not a record");
  put("42.json", R"({"id":"short name"})");
  auto opened = open();
  EXPECT_TRUE(opened.pending.empty());
  EXPECT_TRUE(opened.unreadable.empty());
  EXPECT_EQ(names(), (std::vector<std::string>{"42.json", "README"}));
  EXPECT_EQ(opened.spool->write("{}"), 1u);
}

TEST_F(AuditSpoolTest, RemovingARecordThatIsGoneSucceeds) {
  auto opened = open();
  ASSERT_EQ(opened.spool->write("{}"), 1u);
  EXPECT_TRUE(opened.spool->remove(1));
  EXPECT_TRUE(names().empty());
  EXPECT_TRUE(opened.spool->remove(1));
}

TEST_F(AuditSpoolTest, AWriteThatCannotLandIsAnErrorAndTakesNoName) {
  auto opened = open();
  fs::remove_all(dir_);
  auto written = opened.spool->write("{}");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable);
  fs::create_directories(dir_);
  EXPECT_EQ(opened.spool->write("{}"), 1u);
}

TEST_F(AuditSpoolTest, ADirectoryThatCannotBeMadeIsAnError) {
  fs::create_directories(dir_.parent_path());
  { std::ofstream(dir_) << "a file, not a directory"; }
  auto opened = AuditSpool::open(dir_ / "spool");
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(dir_.string()), std::string::npos);
  fs::remove(dir_);
}

}  // namespace
}  // namespace aviary::controller
