#include "cli/requests.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

using nlohmann::json;

// A ModelDeployment in `phase` at step 0 of [pause 1h, 50 %, pause {}].
DeploymentView viewIn(const std::string& phase, json extra_status = json::object()) {
  json object = json::parse(R"({
    "metadata": {"name": "churn", "namespace": "ml", "generation": 2},
    "spec": {"model": {"name": "churn", "version": "2", "uri": "file:///m"},
             "strategy": {"steps": [{"pause": {"duration": "1h"}}, {"setWeight": 50}, {"pause": {}}]}},
    "status": {"observedGeneration": 2, "stableRevision": "a", "canaryRevision": "b"}
  })");
  object["status"]["phase"] = phase;
  if (phase == "Succeeded") object["status"].erase("canaryRevision");
  object["status"].update(extra_status);
  return deploymentView(object);
}

json requestsOf(const json& patch) { return patch.at("status").at("requests"); }

struct Case {
  std::string what;
  Request request;
  DeploymentView view;
  json want;        // the requests written, or null when refused
  std::string why;  // part of the refusal
};

TEST(RequestPatchTest, WritesOnlyStatusRequestsOrSaysWhyNot) {
  const std::vector<Case> cases = {
      {"promote a step", Request::kPromoteStep, viewIn("Progressing"), {{"promote", "step"}}, ""},
      {"promote at an indefinite pause",
       Request::kPromoteStep,
       viewIn("Paused", {{"currentStep", 2}}),
       {{"promote", "step"}},
       ""},
      {"promote full", Request::kPromoteFull, viewIn("Paused"), {{"promote", "full"}}, ""},
      {"promote while promoting", Request::kPromoteStep, viewIn("Promoting"), nullptr,
       "already promoting"},
      {"promote with nothing rolling", Request::kPromoteFull, viewIn("Succeeded"), nullptr,
       "no rollout is running (phase Succeeded)"},
      {"abort", Request::kAbort, viewIn("Progressing"), {{"abort", true}}, ""},
      {"abort a promotion", Request::kAbort, viewIn("Promoting"), {{"abort", true}}, ""},
      {"abort a failed rollout", Request::kAbort, viewIn("Failed"), nullptr,
       "no rollout is running (phase Failed); retry restarts the failed revision"},
      {"retry a failed rollout", Request::kRetry, viewIn("Failed"), {{"retry", true}}, ""},
      {"retry a running rollout", Request::kRetry, viewIn("Progressing"), nullptr,
       "only a failed rollout can be retried (phase Progressing)"},
      {"pause", Request::kPause, viewIn("Progressing"), {{"paused", true}}, ""},
      {"pause twice", Request::kPause, viewIn("Paused", {{"pausedByUser", true}}), nullptr,
       "already paused by request"},
      {"pause withdraws a pending resume",
       Request::kPause,
       viewIn("Paused", {{"pausedByUser", true}, {"requests", {{"paused", false}}}}),
       {{"paused", nullptr}},
       ""},
      {"resume",
       Request::kResume,
       viewIn("Paused", {{"pausedByUser", true}}),
       {{"paused", false}},
       ""},
      {"resume withdraws a pending pause",
       Request::kResume,
       viewIn("Progressing", {{"requests", {{"paused", true}}}}),
       {{"paused", nullptr}},
       ""},
      {"resume what is not paused", Request::kResume, viewIn("Progressing"), nullptr,
       "not paused by request"},
      {"resume at an indefinite pause", Request::kResume, viewIn("Paused", {{"currentStep", 2}}),
       nullptr, "indefinite pause step, which promote ends"},
      {"pause before the controller saw the spec", Request::kPause,
       viewIn("Succeeded", {{"observedGeneration", 1}}), nullptr,
       "the controller has not yet seen generation 2"},
  };
  for (const auto& c : cases) {
    auto patch = requestPatch(c.request, c.view);
    if (c.want.is_null()) {
      ASSERT_FALSE(patch.has_value()) << c.what << ": " << patch->dump();
      EXPECT_EQ(patch.error().code, ErrorCode::kFailedPrecondition) << c.what;
      EXPECT_NE(patch.error().message.find(c.why), std::string::npos)
          << c.what << ": " << patch.error().message;
      EXPECT_EQ(patch.error().message.rfind(requestName(c.request) + " ml/churn: ", 0), 0u)
          << c.what << ": " << patch.error().message;
    } else {
      ASSERT_TRUE(patch.has_value()) << c.what << ": " << patch.error().message;
      EXPECT_EQ(patch->size(), 1u) << c.what << ": only status";
      EXPECT_EQ(patch->at("status").size(), 1u) << c.what << ": only status.requests";
      EXPECT_EQ(requestsOf(*patch), c.want) << c.what;
    }
  }
}

TEST(RequestedTextTest, NamesTheObjectAndTheRequest) {
  EXPECT_EQ(requestedText(Request::kPromoteFull, viewIn("Progressing")),
            "modeldeployment.aviary.dev/churn (namespace ml): promote --full requested");
}

}  // namespace
}  // namespace aviary::cli
