#include "router/factory.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_kube.h"
#include "tests/fakes/fake_router.h"

namespace aviary::router {
namespace {

using api::TrafficProvider;

RouteTarget targetFor(TrafficProvider provider) {
  RouteTarget target{.ns = "ml",
                     .name = "churn",
                     .stable_service = "churn-stable",
                     .canary_service = "churn-canary",
                     .traffic = {}};
  target.traffic.provider = provider;
  target.traffic.gateway_api = api::GatewayApiTraffic{.http_route = "churn"};
  return target;
}

TEST(RouterFactoryTest, GivesTheSameRouterForAProviderEveryTime) {
  RouterFactory factory(std::make_shared<testing::FakeKube>());
  for (TrafficProvider provider : {TrafficProvider::kReplicas, TrafficProvider::kGatewayApi}) {
    auto first = factory.router(provider);
    auto second = factory.router(provider);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    EXPECT_NE(*first, nullptr);
    EXPECT_EQ(*first, *second);
  }
  EXPECT_NE(*factory.router(TrafficProvider::kReplicas),
            *factory.router(TrafficProvider::kGatewayApi));
}

TEST(RouterFactoryTest, EachProviderGetsItsOwnBehaviour) {
  auto kube = std::make_shared<testing::FakeKube>();
  RouterFactory factory(kube);
  // replicas: no route object at all.
  auto replicas = factory.router(TrafficProvider::kReplicas);
  ASSERT_TRUE(replicas.has_value());
  auto state = (*replicas)->observe(targetFor(TrafficProvider::kReplicas));
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->weight, std::nullopt);
  // gatewayAPI: reads the HTTPRoute through the KubeClient it was given.
  auto gateway = factory.router(TrafficProvider::kGatewayApi);
  ASSERT_TRUE(gateway.has_value());
  auto missing = (*gateway)->observe(targetFor(TrafficProvider::kGatewayApi));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(RouterFactoryTest, IstioAndNginxAreUnimplementedNotAFallback) {
  RouterFactory factory(std::make_shared<testing::FakeKube>());
  for (auto [provider, name] :
       {std::pair{TrafficProvider::kIstio, "istio"}, std::pair{TrafficProvider::kNginx, "nginx"}}) {
    auto router = factory.router(provider);
    ASSERT_FALSE(router.has_value()) << name;
    EXPECT_EQ(router.error().code, ErrorCode::kUnimplemented);
    EXPECT_NE(router.error().message.find(std::string("traffic provider ") + name +
                                          " is not supported by this controller yet"),
              std::string::npos)
        << router.error().message;
  }
}

TEST(RouterFactoryTest, ServesExactlyTheRoutersItWasGiven) {
  auto fake = std::make_unique<testing::FakeRouter>();
  Router* given = fake.get();
  std::map<TrafficProvider, Router::Ptr> routers;
  routers[TrafficProvider::kIstio] = std::move(fake);
  RouterFactory factory(std::move(routers));

  auto istio = factory.router(TrafficProvider::kIstio);
  ASSERT_TRUE(istio.has_value());
  EXPECT_EQ(*istio, given);
  auto replicas = factory.router(TrafficProvider::kReplicas);
  ASSERT_FALSE(replicas.has_value());
  EXPECT_EQ(replicas.error().code, ErrorCode::kUnimplemented);
  EXPECT_NE(replicas.error().message.find("(supported: istio)"), std::string::npos)
      << replicas.error().message;
}

}  // namespace
}  // namespace aviary::router
