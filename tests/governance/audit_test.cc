#include "governance/audit.h"

#include <gtest/gtest.h>

#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

using testing::at;

AuditRecord stepAdvanced() {
  return {.key = "ml/churn",
          .revision = "1a2b3c4d5e",
          .decision = "StepAdvanced",
          .reason = "step 1/4: weight 25%",
          .values = {{"p99", 41.5, api::CheckResult::kPass, "", at("2026-12-01T10:00:30Z")},
                     {"errors", std::nullopt, api::CheckResult::kNoData, "no series",
                      at("2026-12-01T10:00:30Z")}},
          .user = "",
          .at = at("2026-12-01T10:00:31Z")};
}

TEST(AuditJsonTest, HasTheStableSchema) {
  const auto json = auditJson(stepAdvanced());
  EXPECT_EQ(json, nlohmann::json::parse(R"({
    "audit": "aviary.dev/v1", "id": ")" +
                                        auditId(stepAdvanced()) + R"(",
    "key": "ml/churn", "revision": "1a2b3c4d5e", "decision": "StepAdvanced",
    "reason": "step 1/4: weight 25%",
    "values": {"p99": {"value": 41.5, "result": "Pass"},
               "errors": {"value": null, "result": "NoData"}},
    "user": "", "at": "2026-12-01T10:00:31Z"})"));
}

TEST(AuditIdTest, IsTheSameForTheSameDecisionAndDiffersForAnother) {
  const auto base = stepAdvanced();
  EXPECT_EQ(auditId(base), auditId(stepAdvanced()));
  EXPECT_EQ(auditId(base).size(), 16u);
  auto values_only = base;
  values_only.values.clear();
  EXPECT_EQ(auditId(values_only), auditId(base)) << "values are what was seen, not which decision";
  for (auto change : std::vector<std::function<void(AuditRecord&)>>{
           [](auto& r) { r.key = "ml/other"; },
           [](auto& r) { r.revision = "ffffffffff"; },
           [](auto& r) { r.decision = "Promoted"; },
           [](auto& r) { r.reason = "step 2/4: weight 50%"; },
           [](auto& r) { r.at += std::chrono::seconds(1); },
       }) {
    auto changed = base;
    change(changed);
    EXPECT_NE(auditId(changed), auditId(base));
  }
}

TEST(AuditIdTest, FieldBoundariesCount) {
  auto a = stepAdvanced();
  auto b = stepAdvanced();
  a.key = "ml/churn";
  a.revision = "x";
  b.key = "ml/churnx";
  b.revision = "";
  EXPECT_NE(auditId(a), auditId(b));
}

}  // namespace
}  // namespace aviary::governance
