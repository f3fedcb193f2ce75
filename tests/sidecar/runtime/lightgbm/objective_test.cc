#include "sidecar/runtime/lightgbm/objective.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace aviary::sidecar::lightgbm {
namespace {

struct Known {
  const char* text;
  const char* name;
  Transform transform;
  double sigmoid;
  int num_class;
};

class ParseObjectiveTest : public ::testing::TestWithParam<Known> {};

TEST_P(ParseObjectiveTest, KnowsTheTransformOfWhatLightgbmWrites) {
  const auto objective = parseObjective(GetParam().text);
  ASSERT_TRUE(objective.has_value()) << objective.error().message;
  EXPECT_EQ(objective->name, GetParam().name);
  EXPECT_EQ(objective->transform, GetParam().transform);
  EXPECT_EQ(objective->sigmoid, GetParam().sigmoid);
  EXPECT_EQ(objective->num_class, GetParam().num_class);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseObjectiveTest,
    ::testing::Values(Known{"regression", "regression", Transform::kIdentity, 1, 1},
                      Known{"regression sqrt", "regression", Transform::kSignedSquare, 1, 1},
                      Known{"regression_l1 sqrt", "regression_l1", Transform::kSignedSquare, 1, 1},
                      Known{"huber", "huber", Transform::kIdentity, 1, 1},
                      // LightGBM switches sqrt off for huber and ignores it for the exp family.
                      Known{"huber sqrt", "huber", Transform::kIdentity, 1, 1},
                      Known{"fair", "fair", Transform::kIdentity, 1, 1},
                      Known{"quantile", "quantile", Transform::kIdentity, 1, 1},
                      Known{"mape", "mape", Transform::kIdentity, 1, 1},
                      Known{"poisson", "poisson", Transform::kExp, 1, 1},
                      Known{"gamma", "gamma", Transform::kExp, 1, 1},
                      Known{"tweedie sqrt", "tweedie", Transform::kExp, 1, 1},
                      Known{"binary sigmoid:1", "binary", Transform::kSigmoid, 1, 1},
                      Known{"binary sigmoid:0.7", "binary", Transform::kSigmoid, 0.7, 1},
                      Known{"cross_entropy", "cross_entropy", Transform::kSigmoid, 1, 1},
                      Known{"cross_entropy_lambda", "cross_entropy_lambda", Transform::kLog1pExp, 1,
                            1},
                      Known{"multiclass num_class:4", "multiclass", Transform::kSoftmax, 1, 4},
                      Known{"multiclassova num_class:3 sigmoid:2", "multiclassova",
                            Transform::kSigmoidEach, 2, 3},
                      Known{"lambdarank", "lambdarank", Transform::kIdentity, 1, 1},
                      Known{"rank_xendcg", "rank_xendcg", Transform::kIdentity, 1, 1}));

struct Unknown {
  const char* text;
  const char* error;
};

class ParseObjectiveRefusesTest : public ::testing::TestWithParam<Unknown> {};

TEST_P(ParseObjectiveRefusesTest, NamingWhatIsUnsupported) {
  const auto objective = parseObjective(GetParam().text);
  ASSERT_FALSE(objective.has_value());
  EXPECT_EQ(objective.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(objective.error().message.find(GetParam().error), std::string::npos)
      << objective.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseObjectiveRefusesTest,
    ::testing::Values(Unknown{"", "empty"}, Unknown{"survival", "\"survival\" is not supported"},
                      Unknown{"binary", "needs sigmoid"},
                      Unknown{"binary sigmoid:0", "needs sigmoid"},
                      Unknown{"binary sigmoid:x", "not a number"},
                      Unknown{"binary sigmoid:1 scale:2", "unsupported parameter \"scale:2\""},
                      Unknown{"regression alpha:0.5", "unsupported parameter"},
                      Unknown{"poisson sigmoid:1", "unsupported parameter"},
                      Unknown{"multiclass", "needs num_class"},
                      Unknown{"multiclass num_class:x", "not a number"},
                      Unknown{"multiclassova num_class:3", "needs sigmoid"}));

TEST(ParseLightgbmDecimalTest, AddsTheFractionToTheIntegerPartAsLightgbmDoes) {
  // LightGBM reads "1.14" as 1 + 14/100, one ulp away from the correctly rounded 1.14.
  const auto value = parseLightgbmDecimal("1.14");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, 1.0 + 14.0 / 100.0);
  EXPECT_NE(*value, 1.14);
}

TEST(ParseLightgbmDecimalTest, ReadsSignsExponentsAndWords) {
  EXPECT_EQ(*parseLightgbmDecimal("0.7"), 0.7);
  EXPECT_EQ(*parseLightgbmDecimal("-2.5"), -2.5);
  EXPECT_EQ(*parseLightgbmDecimal("+3"), 3.0);
  EXPECT_EQ(*parseLightgbmDecimal("1e-05"), 1.0 / 100000.0);
  EXPECT_EQ(*parseLightgbmDecimal("2.5e+60"), 2.5 * (1e50 * 1e8 * 10.0 * 10.0));
  EXPECT_EQ(*parseLightgbmDecimal("inf"), 1e308);
  EXPECT_EQ(*parseLightgbmDecimal("-Infinity"), -1e308);
  EXPECT_TRUE(std::isnan(*parseLightgbmDecimal("nan")));
  EXPECT_FALSE(parseLightgbmDecimal("").has_value());
  EXPECT_FALSE(parseLightgbmDecimal("1.5x").has_value());
  EXPECT_FALSE(parseLightgbmDecimal("one").has_value());
}

std::vector<double> converted(const char* objective_text, std::vector<double> scores) {
  const auto objective = parseObjective(objective_text);
  EXPECT_TRUE(objective.has_value());
  convertOutput(*objective, scores);
  return scores;
}

TEST(ConvertOutputTest, ComputesEachTransformInDouble) {
  EXPECT_EQ(converted("regression", {-1.5}), (std::vector<double>{-1.5}));
  EXPECT_EQ(converted("regression sqrt", {-1.5}), (std::vector<double>{-2.25}));
  EXPECT_EQ(converted("regression sqrt", {3.0}), (std::vector<double>{9.0}));
  EXPECT_EQ(converted("poisson", {0.25}), (std::vector<double>{std::exp(0.25)}));
  EXPECT_EQ(converted("binary sigmoid:2", {0.3}),
            (std::vector<double>{1.0 / (1.0 + std::exp(-2.0 * 0.3))}));
  EXPECT_EQ(converted("cross_entropy_lambda", {0.3}),
            (std::vector<double>{std::log1p(std::exp(0.3))}));
  const auto ova = converted("multiclassova num_class:2 sigmoid:1", {0.0, 1.0});
  EXPECT_EQ(ova, (std::vector<double>{0.5, 1.0 / (1.0 + std::exp(-1.0))}));
}

TEST(ConvertOutputTest, SoftmaxSubtractsTheLargestScoreFirst) {
  const auto p = converted("multiclass num_class:3", {1000.0, 999.0, -1e300});
  const double sum = 1.0 + std::exp(-1.0) + 0.0;
  EXPECT_EQ(p, (std::vector<double>{1.0 / sum, std::exp(-1.0) / sum, 0.0}));
}

TEST(NoObjectiveTest, ReturnsRawScoresForEveryTreePerIteration) {
  const Objective none = noObjective(2);
  EXPECT_EQ(none.name, "none");
  EXPECT_EQ(none.num_class, 2);
  std::vector<double> scores{-3.0, 4.0};
  convertOutput(none, scores);
  EXPECT_EQ(scores, (std::vector<double>{-3.0, 4.0}));
}

}  // namespace
}  // namespace aviary::sidecar::lightgbm
