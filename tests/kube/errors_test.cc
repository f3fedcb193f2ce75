#include "kube/errors.h"

#include <gtest/gtest.h>

#include <utility>

namespace aviary::kube {
namespace {

TEST(DecodeStatusErrorTest, TakesTheCodeFromTheStatusReason) {
  struct Row {
    int http;
    const char* reason;
    ErrorCode want;
  };
  const Row rows[] = {
      {404, "NotFound", ErrorCode::kNotFound},
      {409, "AlreadyExists", ErrorCode::kAlreadyExists},
      {409, "Conflict", ErrorCode::kConflict},
      {410, "Expired", ErrorCode::kGone},
      {410, "Gone", ErrorCode::kGone},
      {403, "Forbidden", ErrorCode::kPermissionDenied},
      {422, "Invalid", ErrorCode::kInvalidArgument},
      {429, "TooManyRequests", ErrorCode::kResourceExhausted},
      {503, "ServiceUnavailable", ErrorCode::kUnavailable},
      {401, "Unauthorized", ErrorCode::kUnauthenticated},
      {504, "Timeout", ErrorCode::kDeadlineExceeded},
  };
  for (const auto& row : rows) {
    std::string body =
        R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":")" +
        std::string(row.reason) + R"(","code":)" + std::to_string(row.http) + "}";
    Error error = decodeStatusError(row.http, body);
    EXPECT_EQ(error.code, row.want) << row.reason;
    EXPECT_EQ(error.message, "m");
  }
}

TEST(DecodeStatusErrorTest, FallsBackToTheHttpStatusWithoutAStatusBody) {
  EXPECT_EQ(decodeStatusError(404, "404 page not found").code, ErrorCode::kNotFound);
  EXPECT_EQ(decodeStatusError(502, "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(decodeStatusError(410, R"({"kind":"Status","code":410})").code, ErrorCode::kGone);
  EXPECT_NE(decodeStatusError(502, "bad gateway").message.find("502"), std::string::npos);
}

TEST(DecodeStatusErrorTest, InvalidListsCausesNotAlreadyInTheMessage) {
  const char* body = R"({"kind":"Status","reason":"Invalid","code":422,
    "message":"ModelDeployment.aviary.dev \"churn\" is invalid: spec.replicas: Invalid value: -1",
    "details":{"causes":[
      {"reason":"FieldValueInvalid","message":"Invalid value: -1","field":"spec.replicas"},
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.model.uri"}]}})";
  Error error = decodeStatusError(422, body);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("spec.replicas: Invalid value: -1"), std::string::npos);
  EXPECT_NE(error.message.find("spec.model.uri: Required value"), std::string::npos);
}

TEST(ParseRetryAfterTest, ReadsWholeSecondsOnly) {
  EXPECT_EQ(parseRetryAfter("3"), std::chrono::seconds{3});
  EXPECT_EQ(parseRetryAfter(" 0"), std::chrono::seconds{0});
  EXPECT_EQ(parseRetryAfter(""), std::nullopt);
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-1"), std::nullopt);
}

TEST(IsRetryableTest, OnlyTransientServerFailuresAreRetried) {
  const std::pair<ErrorCode, bool> cases[] = {
      {ErrorCode::kUnavailable, true},       {ErrorCode::kDeadlineExceeded, true},
      {ErrorCode::kResourceExhausted, true}, {ErrorCode::kInternal, true},
      {ErrorCode::kConflict, false},         {ErrorCode::kNotFound, false},
      {ErrorCode::kAlreadyExists, false},    {ErrorCode::kGone, false},
      {ErrorCode::kInvalidArgument, false},  {ErrorCode::kPermissionDenied, false},
      {ErrorCode::kUnauthenticated, false},  {ErrorCode::kFailedPrecondition, false},
      {ErrorCode::kCancelled, false},        {ErrorCode::kDataLoss, false},
      {ErrorCode::kUnimplemented, false},
  };
  for (const auto& [code, retryable] : cases) {
    EXPECT_EQ(isRetryable(Error{code, "x"}), retryable) << codeName(code);
  }
}

TEST(IsRetryableTest, ReadsTheServersAnswers) {
  EXPECT_TRUE(isRetryable(decodeStatusError(503, "")));
  EXPECT_TRUE(isRetryable(decodeStatusError(429, "")));
  EXPECT_TRUE(isRetryable(
      decodeStatusError(500, R"({"kind":"Status","reason":"InternalError","message":"etcd"})")));
  EXPECT_FALSE(isRetryable(
      decodeStatusError(409, R"({"kind":"Status","reason":"Conflict","message":"stale"})")));
}

TEST(DecodeStatusErrorTest, CutsALongBodyOnACharacterBoundary) {
  const std::string body = std::string(199, 'x') + "\xC3\xBC and more";  // ü spans bytes 199-200
  const Error error = decodeStatusError(502, body);
  EXPECT_EQ(error.message, "HTTP 502: " + std::string(199, 'x'));
}

TEST(IsTooLargeResourceVersionTest, ReadsTheServersTimeoutStatus) {
  const Error error = decodeStatusError(
      504, R"({"kind":"Status","status":"Failure","message":"Too large resource version: 100, )"
           R"(current: 50","reason":"Timeout","details":{"causes":[{"reason":)"
           R"("ResourceVersionTooLarge","message":"Too large resource version"}]},"code":504})");
  EXPECT_TRUE(isTooLargeResourceVersion(error));
  EXPECT_FALSE(isTooLargeResourceVersion(decodeStatusError(504, "")));
  EXPECT_FALSE(isTooLargeResourceVersion(Error{ErrorCode::kGone, "too old resource version"}));
}

}  // namespace
}  // namespace aviary::kube
