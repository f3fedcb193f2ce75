#include "sidecar/runtime/xgboost/objective.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aviary::sidecar::xgboost {
namespace {

TEST(ObjectiveTest, RefusesAnObjectiveWhoseTransformIsUnknown) {
  for (const char* name : {"survival:aft", "reg:unknown", ""}) {
    auto objective = objectiveNamed(name);
    ASSERT_FALSE(objective.has_value()) << name;
    EXPECT_NE(objective.error().message.find(std::string("\"") + name + "\""), std::string::npos);
  }
}

TEST(ObjectiveTest, InterceptsGoThroughTheInverseLinkInFloat) {
  const Objective logistic = *objectiveNamed("binary:logistic");
  EXPECT_EQ(*interceptMargins(logistic, std::vector<float>{0.5f}, {3, 2, 0}),
            std::vector<float>{0.0f});
  EXPECT_EQ(*interceptMargins(logistic, std::vector<float>{0.25f}, {1, 7, 6}),
            std::vector<float>{-logf(1.0f / 0.25f - 1.0f)});
  const Objective poisson = *objectiveNamed("count:poisson");
  EXPECT_EQ(*interceptMargins(poisson, std::vector<float>{2.0f, 3.0f}, {2, 1, 4}),
            (std::vector<float>{logf(2.0f), logf(3.0f)}));
  const Objective softprob = *objectiveNamed("multi:softprob");
  EXPECT_EQ(*interceptMargins(softprob, std::vector<float>{0.5f, 0.5f}, {1, 7, 6}),
            (std::vector<float>{0.5f, 0.5f}));
}

TEST(ObjectiveTest, TheLogisticInterceptIsClampedSince32AndRefusedOutsideItsRangeBefore) {
  const Objective logistic = *objectiveNamed("reg:logistic");
  EXPECT_FALSE(interceptMargins(logistic, std::vector<float>{0.0f}, {2, 1, 4}).has_value());
  EXPECT_FALSE(interceptMargins(logistic, std::vector<float>{1.0f}, {3, 1, 0}).has_value());
  auto clamped = interceptMargins(logistic, std::vector<float>{0.0f}, {3, 2, 0});
  ASSERT_TRUE(clamped.has_value());
  EXPECT_EQ(*clamped, std::vector<float>{-logf(1.0f / 1e-6f - 1.0f)});
  EXPECT_FALSE(interceptMargins(logistic, std::vector<float>{1.5f}, {3, 2, 0}).has_value());
  const Objective gamma = *objectiveNamed("reg:gamma");
  EXPECT_FALSE(interceptMargins(gamma, std::vector<float>{0.0f}, {3, 2, 0}).has_value());
}

TEST(ObjectiveTest, TransformsAsXGBoostDoes) {
  const std::vector<float> margins{-1.0f, 0.0f, 2.0f, 0.0f};
  std::vector<float> values(4);
  transform(*objectiveNamed("binary:logistic"), margins, 1, values);
  EXPECT_EQ(values[0], 1.0f / (expf(1.0f) + 1.0f));
  EXPECT_EQ(values[1], 0.5f);
  transform(*objectiveNamed("binary:hinge"), margins, 1, values);
  EXPECT_EQ(values, (std::vector<float>{0.0f, 0.0f, 1.0f, 0.0f}));
  transform(*objectiveNamed("reg:tweedie"), margins, 1, values);
  EXPECT_EQ(values[2], expf(2.0f));
  transform(*objectiveNamed("multi:softprob"), margins, 2, values);
  EXPECT_FLOAT_EQ(values[0] + values[1], 1.0f);
  EXPECT_GT(values[2], values[3]);
  std::vector<float> classes(2);
  const Objective softmax = *objectiveNamed("multi:softmax");
  EXPECT_EQ(valueOutputs(softmax, 2), 1u);
  transform(softmax, std::vector<float>{1.0f, 3.0f, 2.0f, 2.0f}, 2, classes);
  EXPECT_EQ(classes, (std::vector<float>{1.0f, 0.0f}));  // ties take the first
}

}  // namespace
}  // namespace aviary::sidecar::xgboost
