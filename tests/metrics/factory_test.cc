#include "metrics/factory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace aviary::metrics {
namespace {

// A provider that only remembers the options it was made with.
class RecordedProvider final : public Provider {
 public:
  explicit RecordedProvider(PrometheusOptions options) : options(std::move(options)) {}
  Result<std::optional<double>> query(const std::string&) override {
    return fail(ErrorCode::kUnimplemented, "not queried in these tests");
  }
  const PrometheusOptions options;
};

struct Made {
  std::atomic<int> count{0};
  ProviderRegistry::Maker maker() {
    return [this](const PrometheusOptions& options) -> Result<Provider::Ptr> {
      ++count;
      if (options.address.find("bad") != std::string::npos) {
        return fail(ErrorCode::kInvalidArgument, "bad address " + options.address);
      }
      return std::make_shared<RecordedProvider>(options);
    };
  }
};

const RecordedProvider& recorded(const Provider::Ptr& provider) {
  return dynamic_cast<const RecordedProvider&>(*provider);
}

PrometheusOptions defaults(std::string address) {
  PrometheusOptions options;
  options.address = std::move(address);
  options.timeout = std::chrono::seconds(3);
  options.bearer_token_file = "/var/run/secrets/prometheus/token";
  options.tls.ca_file = "/etc/aviary/prometheus-ca.pem";
  return options;
}

TEST(ProviderRegistryTest, NoDefaultAndNoOverrideIsFailedPrecondition) {
  Made made;
  ProviderRegistry registry(defaults(""), made.maker());
  for (const std::optional<std::string>& address :
       {std::optional<std::string>(), std::optional<std::string>("")}) {
    auto got = registry.providerFor(address);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(got.error().message, "no Prometheus address: set --prometheus-url");
  }
  EXPECT_EQ(made.count, 0);
}

TEST(ProviderRegistryTest, TheDefaultIsMadeOnceAndShared) {
  Made made;
  ProviderRegistry registry(defaults("http://prometheus:9090"), made.maker());
  auto first = registry.providerFor(std::nullopt);
  auto second = registry.providerFor(std::nullopt);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(made.count, 1);
  EXPECT_EQ(recorded(*first).options.address, "http://prometheus:9090");
}

TEST(ProviderRegistryTest, AnOverrideGetsItsOwnProviderWithTheSameAuthAndTls) {
  Made made;
  ProviderRegistry registry(defaults("http://prometheus:9090"), made.maker());
  auto fallback = registry.providerFor(std::nullopt);
  auto other = registry.providerFor("https://thanos.monitoring:10902/");
  auto again = registry.providerFor("https://thanos.monitoring:10902");
  ASSERT_TRUE(fallback.has_value() && other.has_value() && again.has_value());
  EXPECT_NE(fallback->get(), other->get());
  EXPECT_EQ(other->get(), again->get());
  const PrometheusOptions& options = recorded(*other).options;
  EXPECT_EQ(options.address, "https://thanos.monitoring:10902");
  EXPECT_EQ(options.timeout, std::chrono::seconds(3));
  EXPECT_EQ(options.bearer_token_file, "/var/run/secrets/prometheus/token");
  EXPECT_EQ(options.tls.ca_file, "/etc/aviary/prometheus-ca.pem");
  EXPECT_EQ(made.count, 2);
}

TEST(ProviderRegistryTest, AnOverrideWorksWithoutADefault) {
  Made made;
  ProviderRegistry registry(defaults(""), made.maker());
  auto got = registry.providerFor("http://prometheus.team-a:9090");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(recorded(*got).options.address, "http://prometheus.team-a:9090");
}

TEST(ProviderRegistryTest, AFailedCreationIsReturnedAndRetriedNextTime) {
  Made made;
  ProviderRegistry registry(defaults(""), made.maker());
  for (int i = 0; i < 2; ++i) {
    auto got = registry.providerFor("http://bad:9090");
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(made.count, 2);
}

TEST(ProviderRegistryTest, KeepsAtMostTheBoundDroppingTheOldest) {
  Made made;
  ProviderRegistry registry(defaults(""), made.maker());
  const auto address = [](std::size_t i) { return "http://p" + std::to_string(i) + ":9090"; };
  auto oldest = registry.providerFor(address(0)).value();
  for (std::size_t i = 1; i <= ProviderRegistry::kMaxProviders; ++i) {
    ASSERT_TRUE(registry.providerFor(address(i)).has_value());
  }
  const int made_before = made.count;
  auto newest = registry.providerFor(address(ProviderRegistry::kMaxProviders)).value();
  EXPECT_EQ(made.count, made_before) << "the newest is still kept";
  auto remade = registry.providerFor(address(0)).value();
  EXPECT_EQ(made.count, made_before + 1) << "the oldest was dropped and is made again";
  EXPECT_NE(remade.get(), oldest.get());
}

TEST(ProviderRegistryTest, WorkersShareOneProviderPerAddress) {
  Made made;
  ProviderRegistry registry(defaults("http://prometheus:9090"), made.maker());
  std::vector<std::thread> workers;
  std::vector<Provider*> seen(8);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    workers.emplace_back([&, i] {
      for (int n = 0; n < 100; ++n) seen[i] = registry.providerFor(std::nullopt)->get();
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(std::set<Provider*>(seen.begin(), seen.end()).size(), 1u);
  EXPECT_EQ(made.count, 1);
}

TEST(ProviderRegistryTest, MakesRealPrometheusProvidersByDefault) {
  PrometheusOptions options;
  options.address = "http://127.0.0.1:9";
  ProviderRegistry registry(options);
  auto got = registry.providerFor(std::nullopt);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  auto* prometheus = dynamic_cast<PrometheusProvider*>(got->get());
  ASSERT_NE(prometheus, nullptr);
  EXPECT_EQ(prometheus->address(), "http://127.0.0.1:9");
}

}  // namespace
}  // namespace aviary::metrics
