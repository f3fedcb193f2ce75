#include "controller/audit_log.h"

#include <gtest/gtest.h>

namespace aviary::controller {
namespace {

governance::AuditRecord promoted() {
  return {.key = "ml/churn",
          .revision = "1a2b3c4d5e",
          .decision = "Promoted",
          .reason = "revision 1a2b3c4 is stable",
          .values = {},
          .user = "system:serviceaccount:ml:deployer",
          .at = Timestamp{} + std::chrono::seconds(1'800'000'000)};
}

TEST(AuditLineTest, StartsWithTheSchemaSoThatLogPipelinesCanSelectIt) {
  EXPECT_TRUE(auditLine(promoted()).starts_with(R"({"audit":"aviary.dev/v1",)"))
      << auditLine(promoted());
}

TEST(AuditLineTest, IsTheRecordsAuditJsonOnOneLine) {
  const std::string line = auditLine(promoted());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(line), governance::auditJson(promoted()));
}

}  // namespace
}  // namespace aviary::controller
