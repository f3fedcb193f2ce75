#include "cli/render.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace aviary::cli {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Timestamp at(const char* text) { return *parseRfc3339(text); }

const Timestamp kNow = at("2026-12-01T12:00:00Z");

// A canary at its third step (60 %), one gate passing, one failing, one without data.
json rolloutObject() {
  return json::parse(R"({
    "metadata": {"name": "churn", "namespace": "ml", "generation": 3, "resourceVersion": "42",
                 "creationTimestamp": "2026-12-01T10:00:00Z"},
    "spec": {
      "model": {"name": "churn", "version": "2", "uri": "file:///models/churn/v2/model.json"},
      "strategy": {"steps": [{"setWeight": 30}, {"pause": {"duration": "2s"}}, {"setWeight": 60},
                             {"pause": {}}]},
      "analysis": {"interval": "5s", "failureLimit": 2, "metrics": [
        {"name": "error-rate", "builtin": "errorRate", "max": 5},
        {"name": "latency-p99", "builtin": "latencyP99", "max": 50},
        {"name": "fairness", "builtin": "positiveRateDisparity", "min": 0.8, "groupBy": "region"}]}
    },
    "status": {
      "phase": "Progressing", "observedGeneration": 3, "message": "step 3/4, 60% to bbbbbbbbbb",
      "stableRevision": "aaaaaaaaaa", "canaryRevision": "bbbbbbbbbb", "currentStep": 2,
      "canaryWeight": 60, "failedChecks": 1,
      "stepStartedAt": "2026-12-01T11:59:50Z", "lastAnalysisAt": "2026-12-01T11:59:58Z",
      "analysis": [
        {"name": "error-rate", "value": 0.12, "result": "Pass", "at": "2026-12-01T11:59:58Z"},
        {"name": "latency-p99", "value": 61.5, "result": "Fail", "at": "2026-12-01T11:59:58Z",
         "message": "61.5 is above the maximum 50"},
        {"name": "fairness", "result": "NoData", "at": "2026-12-01T11:59:58Z",
         "message": "no samples"}],
      "conditions": [
        {"type": "Ready", "status": "False", "reason": "Progressing", "message": "",
         "lastTransitionTime": "2026-12-01T11:00:00Z", "observedGeneration": 3},
        {"type": "Reconciling", "status": "True", "reason": "Analysing", "message": "",
         "lastTransitionTime": "2026-12-01T11:00:00Z", "observedGeneration": 3}],
      "history": [{"revision": "aaaaaaaaaa", "outcome": "Promoted", "reason": "InitialDeploy",
                   "at": "2026-12-01T10:00:05Z"}]
    }
  })");
}

DeploymentView settledView() {
  return deploymentView(json::parse(R"({
    "metadata": {"name": "iris", "namespace": "vision", "generation": 1,
                 "creationTimestamp": "2026-12-01T11:59:15Z"},
    "spec": {"model": {"name": "iris", "version": "1", "uri": "file:///m"}},
    "status": {"phase": "Succeeded", "observedGeneration": 1, "stableRevision": "cccccccccc",
               "canaryWeight": 0}
  })"));
}

TEST(FormatAgeTest, FollowsKubectlsAgeColumn) {
  const std::vector<std::pair<Duration, std::string>> cases = {
      {seconds{0}, "0s"},          {seconds{45}, "45s"},    {seconds{119}, "119s"},
      {seconds{120}, "2m"},        {seconds{200}, "3m20s"}, {minutes{15}, "15m"},
      {minutes{179}, "179m"},      {minutes{185}, "3h5m"},  {hours{3}, "3h"},
      {hours{47}, "47h"},          {hours{48}, "2d"},       {hours{76}, "3d4h"},
      {hours{24 * 30}, "30d"},     {hours{24 * 730}, "2y"}, {hours{24 * 740}, "2y10d"},
      {hours{24 * 365 * 9}, "9y"}, {seconds{-5}, "0s"},
  };
  for (const auto& [age, want] : cases) EXPECT_EQ(formatAge(age), want) << age.count();
}

TEST(WeightBarTest, FillsTheCanarysShare) {
  EXPECT_EQ(weightBar(0, 10), "[··········]");
  EXPECT_EQ(weightBar(30, 10), "[███·······]");
  EXPECT_EQ(weightBar(100, 10), "[██████████]");
  EXPECT_EQ(weightBar(1, 10), "[█·········]");  // any traffic shows
  EXPECT_EQ(weightBar(150, 4), "[████]");
}

TEST(SparklineTest, ScalesFromTheSmallestToTheLargestValue) {
  EXPECT_EQ(sparkline({}), "");
  EXPECT_EQ(sparkline({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(sparkline({0.1, 0.3, std::nullopt, 0.12}), "▁█·▂");
  EXPECT_EQ(sparkline({2.0, 2.0, 2.0}), "▄▄▄");
  EXPECT_EQ(sparkline({1.0, std::numeric_limits<double>::infinity(), 2.0}), "▁██");
}

TEST(GateFormatTest, ValuesAndBoundsCarryTheBuiltinsUnit) {
  api::MetricSpec errors;
  errors.builtin = api::BuiltinMetric::kErrorRate;
  errors.max = 5;
  api::MetricSpec latency;
  latency.builtin = api::BuiltinMetric::kLatencyP99;
  latency.max = 50;
  api::MetricSpec fairness;
  fairness.builtin = api::BuiltinMetric::kPositiveRateDisparity;
  fairness.min = 0.8;
  fairness.max = 1.25;
  api::MetricSpec custom;
  custom.prometheus = api::PrometheusQuery{"q", {}};
  custom.min = 5;
  EXPECT_EQ(formatValue(errors, 0.1234), "0.123 %");
  EXPECT_EQ(formatValue(latency, 1234.56), "1234.6 ms");
  EXPECT_EQ(formatValue(latency, std::numeric_limits<double>::infinity()), "+Inf ms");
  EXPECT_EQ(formatValue(custom, 7.0), "7");
  EXPECT_EQ(formatValue(custom, std::nullopt), "-");
  EXPECT_EQ(formatThreshold(errors), "<= 5 %");
  EXPECT_EQ(formatThreshold(latency), "<= 50 ms");
  EXPECT_EQ(formatThreshold(fairness), "0.8 .. 1.25");
  EXPECT_EQ(formatThreshold(custom), ">= 5");
}

TEST(GateLinesTest, OneLinePerGateWithSparklineAndWhyItDidNotPass) {
  const DeploymentView view = deploymentView(rolloutObject());
  GateHistory history;
  api::ModelDeploymentStatus earlier;
  earlier.canary_revision = "bbbbbbbbbb";
  for (auto [value, time] : std::vector<std::pair<std::optional<double>, const char*>>{
           {0.1, "2026-12-01T11:59:43Z"},
           {0.3, "2026-12-01T11:59:48Z"},
           {std::nullopt, "2026-12-01T11:59:53Z"}}) {
    earlier.analysis = {{"error-rate", value, api::CheckResult::kPass, "", at(time)}};
    history.observe(earlier);
  }
  history.observe(view.status);
  EXPECT_EQ(gateLines(view.spec.analysis, view.status.analysis, history, {}),
            (std::vector<std::string>{
                "GATE         VALUE    THRESHOLD  RESULT   RECENT",
                "error-rate   0.12 %   <= 5 %     PASS     ▁█·▂",
                "latency-p99  61.5 ms  <= 50 ms   FAIL     ▄  61.5 is above the maximum 50",
                "fairness     -        >= 0.8     NO DATA  ·  no samples",
            }));
}

TEST(GateLinesTest, ColoursTheResultsOnlyWhenAsked) {
  const DeploymentView view = deploymentView(rolloutObject());
  auto lines = gateLines(view.spec.analysis, view.status.analysis, GateHistory{}, {.color = true});
  EXPECT_NE(lines[1].find("\x1b[1;32mPASS\x1b[0m"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("\x1b[1;31mFAIL\x1b[0m"), std::string::npos) << lines[2];
}

TEST(RenderStatusTest, PaintsWhatNeedsAPersonRed) {
  const DeploymentView view = deploymentView(json::parse(R"({
    "metadata": {"name": "iris", "namespace": "vision", "generation": 1,
                 "creationTimestamp": "2026-12-01T11:59:15Z"},
    "spec": {"model": {"name": "iris", "version": "1", "uri": "file:///m"}},
    "status": {"phase": "Succeeded", "observedGeneration": 1, "stableRevision": "cccccccccc",
               "conditions": [
                 {"type": "Ready", "status": "True", "reason": "Succeeded"},
                 {"type": "DriftDetected", "status": "True", "reason": "DriftAboveMax"},
                 {"type": "Stalled", "status": "False", "reason": "Succeeded"}]}
  })"));
  const std::string frame = renderStatus(view, GateHistory{}, {}, kNow, {.color = true});
  EXPECT_NE(frame.find("\x1b[31mDriftDetected=True (DriftAboveMax)\x1b[0m"), std::string::npos)
      << frame;
  EXPECT_NE(frame.find("conditions Ready=True (Succeeded)  "), std::string::npos) << frame;
  EXPECT_NE(frame.find("  Stalled=False (Succeeded)"), std::string::npos) << frame;
}

TEST(RenderTableTest, AlignsColumnsLikeKubectl) {
  const std::vector<DeploymentView> views = {deploymentView(rolloutObject()), settledView()};
  EXPECT_EQ(renderTable(views, false, kNow),
            "NAME    PHASE         STEP   WEIGHT   STABLE       CANARY       AGE\n"
            "churn   Progressing   3/4    60%      aaaaaaaaaa   bbbbbbbbbb   120m\n"
            "iris    Succeeded     -      0%       cccccccccc   -            45s\n");
  EXPECT_EQ(renderTable(views, true, kNow),
            "NAMESPACE   NAME    PHASE         STEP   WEIGHT   STABLE       CANARY       AGE\n"
            "ml          churn   Progressing   3/4    60%      aaaaaaaaaa   bbbbbbbbbb   120m\n"
            "vision      iris    Succeeded     -      0%       cccccccccc   -            45s\n");
}

TEST(RenderTableTest, AnObjectNotYetSeenByTheControllerHasDashes) {
  const auto view = deploymentView(json::parse(R"({"metadata": {"name": "new"}, "spec": {}})"));
  EXPECT_EQ(renderTable({view}, false, kNow),
            "NAME   PHASE   STEP   WEIGHT   STABLE   CANARY   AGE\n"
            "new    -       -      -        -        -        -\n");
}

TEST(RenderHistoryTest, ListsEndedRolloutsOldestFirst) {
  json object = rolloutObject();
  object["status"]["history"].push_back({{"revision", "bbbbbbbbbb"},
                                         {"outcome", "RolledBack"},
                                         {"reason", "FailedChecks"},
                                         {"at", "2026-12-01T11:58:01Z"}});
  EXPECT_EQ(renderHistory(deploymentView(object), kNow),
            "REVISION     OUTCOME      AT                     AGE    REASON\n"
            "aaaaaaaaaa   Promoted     2026-12-01T10:00:05Z   119m   InitialDeploy\n"
            "bbbbbbbbbb   RolledBack   2026-12-01T11:58:01Z   119s   FailedChecks\n");
}

TEST(RenderStatusTest, ShowsPhaseStepsWeightGatesConditionsEventsAndHistory) {
  const DeploymentView view = deploymentView(rolloutObject());
  GateHistory history;
  history.observe(view.status);
  const std::vector<EventLine> events = {
      {at("2026-12-01T11:59:50Z"), "Normal", "StepAdvanced", "step 3/4", 1},
      {at("2026-12-01T11:59:58Z"), "Warning", "AnalysisFailed", "failed check 1/2: latency-p99", 3},
  };
  EXPECT_EQ(renderStatus(view, history, events, kNow, {}),
            "ModelDeployment ml/churn  model churn 2\n"
            "  phase      Progressing   step 3/4, 60% to bbbbbbbbbb\n"
            "  stable     aaaaaaaaaa\n"
            "  canary     bbbbbbbbbb\n"
            "  steps      ✓ 30%  ✓ pause 2s  ▶ 60%  pause (promote)\n"
            "  weight     [████████████████████████················]  canary 60%  stable 40%\n"
            "  analysis   every 5s, next round in 3s, failed checks 1 of 2 allowed, no data: hold\n"
            "    GATE         VALUE    THRESHOLD  RESULT   RECENT\n"
            "    error-rate   0.12 %   <= 5 %     PASS     ▄\n"
            "    latency-p99  61.5 ms  <= 50 ms   FAIL     ▄  61.5 is above the maximum 50\n"
            "    fairness     -        >= 0.8     NO DATA  ·  no samples\n"
            "  conditions Ready=False (Progressing)  Reconciling=True (Analysing)\n"
            "  events\n"
            "    10s ago  Normal   StepAdvanced    step 3/4\n"
            "    2s ago   Warning  AnalysisFailed  failed check 1/2: latency-p99 (x3)\n"
            "  history\n"
            "    119m ago  aaaaaaaaaa  Promoted  InitialDeploy\n");
}

TEST(RenderStatusTest, SaysWhenTheControllerHasNotSeenTheSpecYet) {
  json object = rolloutObject();
  object["metadata"]["generation"] = 4;
  const std::string frame = renderStatus(deploymentView(object), GateHistory{}, {}, kNow, {});
  EXPECT_EQ(frame.substr(0, frame.find('\n')),
            "ModelDeployment ml/churn  model churn 2  (generation 4 not yet observed)");
}

TEST(RenderStatusTest, APausedRolloutSaysWhoPausedIt) {
  json object = rolloutObject();
  object["status"]["phase"] = "Paused";
  object["status"]["pausedByUser"] = true;
  const std::string frame = renderStatus(deploymentView(object), GateHistory{}, {}, kNow, {});
  EXPECT_NE(frame.find("  phase      Paused (by request)  step 3/4"), std::string::npos) << frame;
}

TEST(StatusLineTest, KeyChangesWithTheStateAndTextSaysIt) {
  const DeploymentView view = deploymentView(rolloutObject());
  const StatusLine line = statusLine(view);
  EXPECT_EQ(line.key,
            "Progressing|3/4|60|aaaaaaaaaa|bbbbbbbbbb||1|observed|error-rate=Pass|"
            "latency-p99=Fail|fairness=NoData");
  EXPECT_EQ(line.text,
            "Progressing step 3/4 weight 60% stable aaaaaaaaaa canary bbbbbbbbbb | error-rate "
            "0.12 % (<= 5 %) Pass | latency-p99 61.5 ms (<= 50 ms) Fail | fairness - (>= 0.8) "
            "NoData | failed checks 1/2 | step 3/4, 60% to bbbbbbbbbb");
  json next_value = rolloutObject();
  next_value["status"]["analysis"][0]["value"] = 0.2;  // a new value alone is no new state
  EXPECT_EQ(statusLine(deploymentView(next_value)).key, line.key);
  json next_step = rolloutObject();
  next_step["status"]["currentStep"] = 3;
  EXPECT_NE(statusLine(deploymentView(next_step)).key, line.key);
}

TEST(FitToWidthTest, CutsVisibleColumnsAndClosesAColour) {
  EXPECT_EQ(fitToWidth("abcdef", 4), "abcd");
  EXPECT_EQ(fitToWidth("abc", 4), "abc");
  EXPECT_EQ(fitToWidth("▁▂▃▄", 2), "▁▂");
  EXPECT_EQ(fitToWidth("\x1b[1;32mPASS\x1b[0m and more", 2), "\x1b[1;32mPA\x1b[0m");
  EXPECT_EQ(fitToWidth("\x1b[2mab\x1b[0mcd", 3), "\x1b[2mab\x1b[0mc");
  EXPECT_EQ(fitToWidth("abcdef", 0), "abcdef");
}

}  // namespace
}  // namespace aviary::cli
