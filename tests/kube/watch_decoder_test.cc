#include "kube/watch_decoder.h"

#include <gtest/gtest.h>

namespace aviary::kube {
namespace {

const std::string kStream =
    R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"10"}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"11"}}})"
    "\n"
    R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"15"}}})"
    "\n"
    R"({"type":"DELETED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"16"}}})"
    "\n";

std::vector<WatchEvent> decodeSplitEvery(std::size_t piece) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  for (std::size_t at = 0; at < kStream.size(); at += piece) {
    auto status = decoder.feed(std::string_view(kStream).substr(at, piece), events);
    EXPECT_TRUE(status.has_value()) << status.error().message;
  }
  EXPECT_FALSE(decoder.hasPartialLine());
  return events;
}

TEST(WatchDecoderTest, DecodesTheSameEventsHoweverTheStreamIsSplit) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{64}, kStream.size()}) {
    auto events = decodeSplitEvery(piece);
    ASSERT_EQ(events.size(), 4u) << "piece " << piece;
    EXPECT_EQ(events[0].type, WatchEvent::Type::kAdded);
    EXPECT_EQ(events[1].type, WatchEvent::Type::kModified);
    EXPECT_EQ(events[2].type, WatchEvent::Type::kBookmark);
    EXPECT_EQ(events[2].object["metadata"]["resourceVersion"], "15");
    EXPECT_EQ(events[3].type, WatchEvent::Type::kDeleted);
    EXPECT_EQ(events[3].object["metadata"]["resourceVersion"], "16");
  }
}

TEST(WatchDecoderTest, HoldsAnUnfinishedLineUntilItsEnd) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  ASSERT_TRUE(decoder.feed(R"({"type":"ADDED","obj)", events).has_value());
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(decoder.hasPartialLine());
  ASSERT_TRUE(decoder.feed("ect\":{\"metadata\":{}}}\r\n", events).has_value());
  EXPECT_EQ(events.size(), 1u);
}

TEST(WatchDecoderTest, AnExpiredVersionErrorEventIsGone) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  auto status = decoder.feed(
      R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})"
      "\n"
      R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (20)","reason":"Expired","code":410}})json"
      "\n",
      events);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kGone);
  EXPECT_NE(status.error().message.find("too old resource version"), std::string::npos);
  EXPECT_EQ(events.size(), 1u) << "events before the error are still delivered";
}

TEST(WatchDecoderTest, RejectsLinesThatAreNotWatchEvents) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  EXPECT_FALSE(decoder.feed("not json\n", events).has_value());
  WatchDecoder other;
  EXPECT_FALSE(other
                   .feed(R"({"type":"WAT","object":{}})"
                         "\n",
                         events)
                   .has_value());
}

TEST(WatchDecoderTest, ALineBeyondTheLimitIsAnErrorNotUnboundedMemory) {
  WatchDecoder decoder(/*max_line_bytes=*/64);
  std::vector<WatchEvent> events;
  ASSERT_TRUE(decoder.feed(std::string(40, 'x'), events).has_value());
  auto status = decoder.feed(std::string(40, 'x'), events);  // still no newline: 80 bytes
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kResourceExhausted);
  EXPECT_FALSE(decoder.hasPartialLine()) << "the partial line is let go";
  const std::string whole_line(100, 'y');
  EXPECT_FALSE(WatchDecoder(64).feed(whole_line + "\n", events).has_value());
}

TEST(WatchDecoderTest, ALineWithinTheLimitDecodes) {
  const std::string line = R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})";
  WatchDecoder decoder(line.size());
  std::vector<WatchEvent> events;
  ASSERT_TRUE(decoder.feed(line.substr(0, 10), events).has_value());
  ASSERT_TRUE(decoder.feed(line.substr(10) + "\n", events).has_value());
  EXPECT_EQ(events.size(), 1u);
}

}  // namespace
}  // namespace aviary::kube
