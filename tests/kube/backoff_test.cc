#include "kube/backoff.h"

#include <gtest/gtest.h>

#include "kube/rate_limiter.h"
#include "tests/fakes/fake_clock.h"

namespace aviary::kube {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesFromTheBaseUpToTheCap) {
  BackoffPolicy policy{milliseconds{5}, milliseconds{1000}, 2.0};
  EXPECT_EQ(backoffDelay(policy, 0), milliseconds{0});
  EXPECT_EQ(backoffDelay(policy, 1), milliseconds{5});
  EXPECT_EQ(backoffDelay(policy, 2), milliseconds{10});
  EXPECT_EQ(backoffDelay(policy, 8), milliseconds{640});
  EXPECT_EQ(backoffDelay(policy, 9), milliseconds{1000});
  EXPECT_EQ(backoffDelay(policy, 5000), milliseconds{1000}) << "no overflow";
}

TEST(BackoffTest, CountsFailuresUntilReset) {
  Backoff backoff({milliseconds{800}, milliseconds{30000}, 2.0});
  EXPECT_EQ(backoff.next(), milliseconds{800});
  EXPECT_EQ(backoff.next(), milliseconds{1600});
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds{800});
}

TEST(TokenBucketTest, AllowsTheBurstThenSpacesCallsAtTheRate) {
  auto clock = std::make_shared<testing::FakeMonotonicClock>();
  TokenBucket bucket(10, 3, clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.reserve(), milliseconds{0});
  EXPECT_EQ(bucket.reserve(), milliseconds{100});
  EXPECT_EQ(bucket.reserve(), milliseconds{200}) << "queued behind the previous caller";
  clock->advance(milliseconds{1000});
  EXPECT_EQ(bucket.reserve(), milliseconds{0});
}

TEST(TokenBucketTest, ZeroQpsMeansUnlimited) {
  TokenBucket bucket(0, 1, std::make_shared<testing::FakeMonotonicClock>());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(bucket.reserve(), milliseconds{0});
}

}  // namespace
}  // namespace aviary::kube
