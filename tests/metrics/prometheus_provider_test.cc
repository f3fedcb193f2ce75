#include "metrics/prometheus_provider.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/support/replay_server.h"

namespace aviary::metrics {
namespace {

namespace fs = std::filesystem;
using testing::ReplayResponse;
using testing::ReplayServer;

std::string vector(const std::string& samples) {
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + samples + "]}}";
}

std::string sample(const std::string& labels, const std::string& value) {
  return R"({"metric":)" + labels + R"(,"value":[1764590000.123,")" + value + R"("]})";
}

std::shared_ptr<PrometheusProvider> providerFor(const std::string& address,
                                                PrometheusOptions options = {}) {
  options.address = address;
  auto provider = PrometheusProvider::create(options);
  EXPECT_TRUE(provider.has_value()) << provider.error().message;
  return provider.value_or(nullptr);
}

// A loopback port that accepts connections (the kernel's backlog) and never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(fd_, 16);
    socklen_t length = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A loopback port nothing listens on.
std::string closedPortUrl() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
}

TEST(PrometheusProviderTest, SendsTheQueryUrlEncodedAndReadsTheOneSample) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, vector(sample(R"({"revision":"1a2b"})", "0.25"))));
  const std::string query = R"(sum(rate(x{revision="1a2b",code!~"2.."}[30s])) / 2 + 1)";
  auto got = providerFor(server.url())->query(query);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_DOUBLE_EQ(**got, 0.25);
  const auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/api/v1/query?query=" + http::urlEncode(query));
  EXPECT_EQ(seen.target.find_first_of(" \"{}+[]"), std::string::npos) << seen.target;
  EXPECT_EQ(seen.header("Authorization"), "");
}

TEST(PrometheusProviderTest, AnEmptyVectorIsNoData) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, vector("")));
  auto got = providerFor(server.url())->query("absent_metric");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_FALSE(got->has_value());
}

TEST(PrometheusProviderTest, ReadsSpecialAndOrdinaryFloatValues) {
  const std::pair<std::string, double> cases[] = {
      {"NaN", std::nan("")},
      {"+Inf", INFINITY},
      {"-Inf", -INFINITY},
      {"0", 0.0},
      {"-3.5", -3.5},
      {"1e+06", 1e6},
      {"12.345678901234", 12.345678901234},
  };
  ReplayServer server;
  for (const auto& [text, value] : cases) {
    server.enqueue(ReplayResponse::json(200, vector(sample("{}", text))));
  }
  auto provider = providerFor(server.url());
  for (const auto& [text, value] : cases) {
    auto got = provider->query("q");
    ASSERT_TRUE(got.has_value() && got->has_value()) << text;
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(**got)) << text;
    } else {
      EXPECT_EQ(**got, value) << text;
    }
  }
}

TEST(PrometheusProviderTest, MoreThanOneSeriesIsInvalidArgumentNamingThem) {
  ReplayServer server;
  server.enqueue(
      ReplayResponse::json(200, vector(sample(R"({"__name__":"up","pod":"churn-a"})", "1") + "," +
                                       sample(R"({"__name__":"up","pod":"churn-b"})", "0"))));
  auto got = providerFor(server.url())->query("up");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find("2 series"), std::string::npos) << got.error().message;
  EXPECT_NE(
      got.error().message.find(R"({__name__="up",pod="churn-a"}, {__name__="up",pod="churn-b"})"),
      std::string::npos)
      << got.error().message;
}

TEST(PrometheusProviderTest, AScalarIsItsValue) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1764590000,"42.5"]}})"));
  auto got = providerFor(server.url())->query("scalar(vector(42.5))");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, 42.5);
}

TEST(PrometheusProviderTest, AMatrixOrAStringIsInvalidArgument) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(
      200,
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}})"));
  server.enqueue(ReplayResponse::json(
      200, R"({"status":"success","data":{"resultType":"string","result":[1764590000,"hello"]}})"));
  auto provider = providerFor(server.url());
  for (const std::string type : {"matrix", "string"}) {
    auto got = provider->query("q");
    ASSERT_FALSE(got.has_value()) << type;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument) << type;
    EXPECT_NE(got.error().message.find("returned a " + type), std::string::npos)
        << got.error().message;
  }
}

TEST(PrometheusProviderTest, ARejectedQueryIsInvalidArgumentWithPrometheusMessage) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(
      400,
      R"({"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected <by>"})"));
  server.enqueue(ReplayResponse::json(
      422,
      R"({"status":"error","errorType":"execution","error":"many-to-many matching not allowed"})"));
  auto provider = providerFor(server.url());
  for (const std::string expected : {"bad_data: 1:5: parse error: unexpected <by>",
                                     "execution: many-to-many matching not allowed"}) {
    auto got = provider->query("sum by by (x)");
    ASSERT_FALSE(got.has_value()) << expected;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find(expected), std::string::npos) << got.error().message;
  }
}

TEST(PrometheusProviderTest, ServerFailuresAreErrorsNeverValues) {
  struct Case {
    ReplayResponse response;
    ErrorCode code;
    std::string says;
  };
  const Case cases[] = {
      {ReplayResponse::json(
           503, R"({"status":"error","errorType":"unavailable","error":"TSDB not ready"})"),
       ErrorCode::kUnavailable, "TSDB not ready"},
      {ReplayResponse::json(
           503,
           R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})"),
       ErrorCode::kDeadlineExceeded, "query timed out"},
      {ReplayResponse::json(500, R"({"status":"error","errorType":"internal","error":"boom"})"),
       ErrorCode::kInternal, "internal: boom"},
      {ReplayResponse::json(502, "<html>Bad Gateway</html>"), ErrorCode::kUnavailable,
       "HTTP 502: <html>Bad Gateway</html>"},
      {ReplayResponse::json(401, "Unauthorized"), ErrorCode::kUnauthenticated, "HTTP 401"},
      {ReplayResponse::json(403, "Forbidden"), ErrorCode::kPermissionDenied, "HTTP 403"},
      {ReplayResponse::json(404, "404 page not found"), ErrorCode::kNotFound, "HTTP 404"},
      {ReplayResponse::json(429, "slow down"), ErrorCode::kResourceExhausted, "HTTP 429"},
      {ReplayResponse::json(200, "<html>a login page</html>"), ErrorCode::kInvalidArgument,
       "not a Prometheus API answer"},
      {ReplayResponse::json(
           200,
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}})"),
       ErrorCode::kInvalidArgument, "\"abc\" is not a number"},
      {ReplayResponse::json(
           200, R"({"status":"success","data":{"resultType":"vector","result":[1,2]}})"),
       ErrorCode::kInvalidArgument, "reading the Prometheus answer"},
      {ReplayResponse::json(
           200,
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}})"),
       ErrorCode::kInvalidArgument, "not [time, value]"},
  };
  ReplayServer server;
  for (const auto& c : cases) server.enqueue(c.response);
  auto provider = providerFor(server.url());
  for (const auto& c : cases) {
    auto got = provider->query("up");
    ASSERT_FALSE(got.has_value()) << c.says;
    EXPECT_EQ(got.error().code, c.code) << got.error().message;
    EXPECT_NE(got.error().message.find(c.says), std::string::npos) << got.error().message;
    EXPECT_NE(got.error().message.find(server.url()), std::string::npos) << got.error().message;
  }
}

TEST(PrometheusProviderTest, AnUnreachablePrometheusIsUnavailable) {
  auto got = providerFor(closedPortUrl())->query("up");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable) << got.error().message;
}

TEST(PrometheusProviderTest, APrometheusThatDoesNotAnswerTimesOut) {
  SilentListener silent;
  PrometheusOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto got = providerFor(silent.url(), options)->query("up");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kDeadlineExceeded) << got.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));
}

class PrometheusAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aviary-prom-auth-" + std::to_string(::getpid()) + "-" +
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

TEST_F(PrometheusAuthTest, SendsTheBearerTokenAndPicksUpARotatedOne) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, vector("")));
  server.enqueue(ReplayResponse::json(200, vector("")));
  PrometheusOptions options;
  options.bearer_token_file = write("token", "first-token\n");
  auto provider = providerFor(server.url(), options);
  ASSERT_TRUE(provider->query("up").has_value());
  write("token", "the-rotated-token\n");
  ASSERT_TRUE(provider->query("up").has_value());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer first-token");
  EXPECT_EQ(seen[1].header("Authorization"), "Bearer the-rotated-token");
}

TEST_F(PrometheusAuthTest, SendsBasicAuthFromTheUserAndThePasswordFile) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, vector("")));
  PrometheusOptions options;
  options.basic_auth_username = "aviary";
  options.basic_auth_password_file = write("password", "open sesame\n");
  ASSERT_TRUE(providerFor(server.url(), options)->query("up").has_value());
  // base64("aviary:open sesame")
  EXPECT_EQ(server.requests().at(0).header("Authorization"), "Basic YXZpYXJ5Om9wZW4gc2VzYW1l");
}

TEST_F(PrometheusAuthTest, AMissingTokenFileIsAnErrorAndNothingIsSent) {
  ReplayServer server;
  PrometheusOptions options;
  options.bearer_token_file = (dir_ / "absent").string();
  auto got = providerFor(server.url(), options)->query("up");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(server.requests().empty());
}

TEST(PrometheusProviderTest, KeepsTheAddressPathPrefix) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, vector("")));
  ASSERT_TRUE(providerFor(server.url() + "/prometheus/")->query("up").has_value());
  EXPECT_EQ(server.requests().at(0).target, "/prometheus/api/v1/query?query=up");
}

TEST(PrometheusProviderTest, CreateRejectsOptionsThatCannotWork) {
  const auto with = [](auto change) {
    PrometheusOptions options;
    options.address = "http://prometheus:9090";
    change(options);
    return options;
  };
  const std::pair<PrometheusOptions, std::string> cases[] = {
      {with([](auto& o) { o.address = ""; }), "no Prometheus address"},
      {with([](auto& o) { o.address = "prometheus:9090"; }), "http:// or https://"},
      {with([](auto& o) {
         o.bearer_token_file = "/t";
         o.basic_auth_username = "u";
         o.basic_auth_password_file = "/p";
       }),
       "not both"},
      {with([](auto& o) { o.basic_auth_username = "u"; }), "needs both"},
      {with([](auto& o) { o.timeout = Duration::zero(); }), "timeout"},
      {with([](auto& o) { o.tls.ca_file = "/nonexistent/ca.pem"; }), "ca"},
  };
  for (const auto& [options, says] : cases) {
    auto got = PrometheusProvider::create(options);
    ASSERT_FALSE(got.has_value()) << says;
    EXPECT_NE(got.error().message.find(says), std::string::npos) << got.error().message;
  }
}

}  // namespace
}  // namespace aviary::metrics
