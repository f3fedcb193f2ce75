#include "api/validate.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/api/full_objects.h"

namespace aviary::api {
namespace {

using testing::fullSpec;

TEST(ValidateTest, AFullSpecIsValid) { EXPECT_TRUE(validate(fullSpec()).empty()); }

TEST(ValidateTest, EveryRuntimeTheSidecarHasIsValid) {
  for (const auto runtime : kRuntimes) {
    auto spec = fullSpec();
    spec.model.runtime = std::string(runtime);
    EXPECT_TRUE(validate(spec).empty()) << runtime;
  }
}

struct Case {
  const char* name;
  std::function<void(ModelDeploymentSpec&)> change;
  std::vector<std::string> want;  // "path: message", in order
};

class ValidateCaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateCaseTest, ReportsEachProblemWithItsPath) {
  auto spec = fullSpec();
  GetParam().change(spec);
  std::vector<std::string> got;
  for (const auto& error : validate(spec)) got.push_back(error.toString());
  EXPECT_EQ(got, GetParam().want);
}

const Case kCases[] = {
    {"ModelNameWithSlash",
     [](auto& s) { s.model.name = "a/b"; },
     {"spec.model.name: must be 1..63 letters, digits, '-', '_' or '.', got \"a/b\""}},
    {"UnknownUriScheme",
     [](auto& s) { s.model.uri = "s3://b/m"; },
     {"spec.model.uri: must start with file://, http:// or https://, got \"s3://b/m\""}},
    {"UnknownRuntime",
     [](auto& s) { s.model.runtime = "onnx"; },
     {"spec.model.runtime: must be one of xgboost, lightgbm, got \"onnx\""}},
    {"ShortDigest",
     [](auto& s) { s.model.sha256 = "abc"; },
     {"spec.model.sha256: must be 64 hexadecimal digits"}},
    {"ZeroReplicas", [](auto& s) { s.replicas = 0; }, {"spec.replicas: must be 1..1000, got 0"}},
    {"ProviderWithoutItsConfig",
     [](auto& s) {
       s.traffic.provider = TrafficProvider::kIstio;
       s.traffic.istio.reset();
     },
     {"spec.traffic.istio: is required when provider is istio"}},
    {"ProviderConfigWithEmptyName",
     [](auto& s) { s.traffic.gateway_api->http_route = ""; },
     {"spec.traffic.gatewayAPI.httpRoute: must not be empty"}},
    {"WeightOverHundred",
     [](auto& s) { s.strategy.steps = {Step{.set_weight = 140, .pause = {}}}; },
     {"spec.strategy.steps[0].setWeight: must be 0..100, got 140"}},
    {"StepWithBothKinds",
     [](auto& s) { s.strategy.steps[0].pause = PauseStep{std::chrono::seconds(5)}; },
     {"spec.strategy.steps[0]: must set exactly one of setWeight or pause"}},
    {"EmptyStep",
     [](auto& s) { s.strategy.steps[1].pause.reset(); },
     {"spec.strategy.steps[1]: must set exactly one of setWeight or pause"}},
    {"ZeroPause",
     [](auto& s) { s.strategy.steps[1].pause->duration = Duration{0}; },
     {"spec.strategy.steps[1].pause.duration: must be positive (omit it to wait for a promote)"}},
    {"ZeroShadow",
     [](auto& s) { s.strategy.shadow->duration = Duration{0}; },
     {"spec.strategy.shadow.duration: must be positive"}},
    {"ShadowWithReplicasProvider",
     [](auto& s) { s.traffic.provider = TrafficProvider::kReplicas; },
     {"spec.strategy.shadow: needs a mesh provider (gatewayAPI, istio or nginx): the replicas "
      "provider splits traffic by pod count and cannot mirror it"}},
    {"ScaleDownDelayOverAnHour",
     [](auto& s) { s.strategy.scale_down_delay = std::chrono::hours(2); },
     {"spec.strategy.scaleDownDelay: must be 0s..1h"}},
    {"NegativeScaleDownDelay",
     [](auto& s) { s.strategy.scale_down_delay = -std::chrono::seconds(1); },
     {"spec.strategy.scaleDownDelay: must be 0s..1h"}},
    {"SubSecondInterval",
     [](auto& s) { s.analysis.interval = Duration{500}; },
     {"spec.analysis.interval: must be at least 1s"}},
    {"ZeroFailureLimit",
     [](auto& s) { s.analysis.failure_limit = 0; },
     {"spec.analysis.failureLimit: must be 1..100, got 0"}},
    {"MetricWithoutBounds",
     [](auto& s) {
       s.analysis.metrics[0].max.reset();
       s.analysis.metrics[0].min.reset();
     },
     {"spec.analysis.metrics[0]: must set max or min (or both)"}},
    {"MetricWithBothSources",
     [](auto& s) {
       s.analysis.metrics[0].prometheus = PrometheusQuery{"up", std::nullopt};
     },
     {"spec.analysis.metrics[0]: must set exactly one of builtin or prometheus"}},
    {"MinAboveMax",
     [](auto& s) { s.analysis.metrics[1].min = 2; },
     {"spec.analysis.metrics[1]: min must not exceed max"}},
    {"DisparityWithoutGroup",
     [](auto& s) { s.analysis.metrics[1].group_by.reset(); },
     {"spec.analysis.metrics[1].groupBy: is required for builtin positiveRateDisparity"}},
    {"DisparityOnAnotherInputThanTheGroupInput",
     [](auto& s) { s.analysis.metrics[1].group_by = "plan"; },
     {"spec.analysis.metrics[1].groupBy: must name spec.model.groupInput (region), the one input "
      "the sidecar groups by, got \"plan\""}},
    {"DisparityWithoutAGroupInput",
     [](auto& s) { s.model.group_input.reset(); },
     {"spec.analysis.metrics[1].groupBy: must name spec.model.groupInput (unset), the one input "
      "the sidecar groups by, got \"region\""}},
    {"DriftWithoutAReference",
     [](auto& s) { s.model.reference.reset(); },
     {"spec.analysis.metrics[2].builtin: featureDriftKS and featureDriftPSI need "
      "spec.model.reference (the training profile the sidecar compares inputs with)",
      "spec.monitoring.drift.metric: needs spec.model.reference (the training profile the "
      "sidecar compares inputs with)"}},
    {"DriftMonitorOnLatency",
     [](auto& s) { s.monitoring.drift->metric = BuiltinMetric::kLatencyP99; },
     {"spec.monitoring.drift.metric: must be featureDriftKS or featureDriftPSI, got "
      "\"latencyP99\""}},
    {"DriftMonitorMaxNotAboveZero",
     [](auto& s) { s.monitoring.drift->max = 0; },
     {"spec.monitoring.drift.max: must be a number above 0"}},
    {"DriftMonitorForTooLong",
     [](auto& s) { s.monitoring.drift->sustain = std::chrono::hours(24 * 8); },
     {"spec.monitoring.drift.for: must be 0s..168h, got 192h"}},
    {"DriftMonitorIntervalTooShort",
     [](auto& s) { s.monitoring.drift->interval = std::chrono::seconds(1); },
     {"spec.monitoring.drift.interval: must be 5s..1h, got 1s"}},
    {"DriftWebhookNotHttp",
     [](auto& s) { s.monitoring.drift->webhook->url = "ftp://retrain.example/hook"; },
     {"spec.monitoring.drift.webhook.url: must be an http:// or https:// URL of at most 2048 "
      "characters"}},
    {"DriftWebhookSecretWithoutKey",
     [](auto& s) { s.monitoring.drift->webhook->secret_ref->key = ""; },
     {"spec.monitoring.drift.webhook.secretRef.key: must be a data key (1..253 characters)"}},
    {"ShadowAgreementIsNotAvailable",
     [](auto& s) { s.analysis.metrics[0].builtin = BuiltinMetric::kShadowAgreement; },
     {"spec.analysis.metrics[0].builtin: shadowAgreement is not available yet: the sidecar does "
      "not compare the canary's answers with the stable's; gate the shadow stage on errorRate, "
      "latencyP99 or drift instead"}},
    {"GroupOnLatency",
     [](auto& s) { s.analysis.metrics[0].group_by = "region"; },
     {"spec.analysis.metrics[0].groupBy: applies only to builtin positiveRateDisparity"}},
    {"FeatureOnLatency",
     [](auto& s) { s.analysis.metrics[0].feature = "age"; },
     {"spec.analysis.metrics[0].feature: applies only to builtin featureDriftKS or "
      "featureDriftPSI"}},
    {"DuplicateMetricNames",
     [](auto& s) { s.analysis.metrics[1].name = "latency-p99"; },
     {"spec.analysis.metrics[1].name: duplicates another metric's name \"latency-p99\""}},
    {"InfiniteBound",
     [](auto& s) { s.analysis.metrics[0].max = std::numeric_limits<double>::infinity(); },
     {"spec.analysis.metrics[0].max: must be a finite number"}},
    {"TinyDeadline",
     [](auto& s) { s.progress_deadline_seconds = 1; },
     {"spec.progressDeadlineSeconds: must be 10..86400, got 1"}},
    {"DatasetUriWithoutScheme",
     [](auto& s) { s.model.provenance->dataset->uri = "datasets/churn"; },
     {"spec.model.provenance.dataset.uri: must be a URI (scheme://...), got \"datasets/churn\""}},
    {"DatasetUriWithSpace",
     [](auto& s) { s.model.provenance->dataset->uri = "s3://a b"; },
     {"spec.model.provenance.dataset.uri: must be a URI (scheme://...), got \"s3://a b\""}},
    {"DatasetUriTooLong",
     [](auto& s) { s.model.provenance->dataset->uri = "s3://" + std::string(2044, 'x'); },
     {"spec.model.provenance.dataset.uri: must be at most 2048 characters"}},
    {"DatasetShortDigest",
     [](auto& s) { s.model.provenance->dataset->sha256 = "abc"; },
     {"spec.model.provenance.dataset.sha256: must be 64 hexadecimal digits"}},
    {"CodeCommitNotHex",
     [](auto& s) { s.model.provenance->code_commit = "main"; },
     {"spec.model.provenance.codeCommit: must be 7..64 hexadecimal digits (a commit id)"}},
    {"EmptyOwner",
     [](auto& s) { s.model.provenance->owner = ""; },
     {"spec.model.provenance.owner: must not be empty (omit it instead)"}},
    {"IntendedUseTooLong",
     [](auto& s) { s.model.provenance->intended_use = std::string(4097, 'x'); },
     {"spec.model.provenance.intendedUse: must be at most 4096 characters, got 4097"}},
    {"TrainingRunTooLong",
     [](auto& s) { s.model.provenance->training_run = std::string(2049, 'x'); },
     {"spec.model.provenance.trainingRun: must be at most 2048 characters, got 2049"}},
    {"LabelKeyWithSpace",
     [](auto& s) {
       s.model.provenance->labels = {{"a b", "c"}};
     },
     {"spec.model.provenance.labels: key \"a b\" must be 1..63 letters, digits, '-', '_', '.' "
      "or '/', starting with a letter or digit"}},
    {"LabelValueTooLong",
     [](auto& s) {
       s.model.provenance->labels = {{"team", std::string(257, 'x')}};
     },
     {"spec.model.provenance.labels.team: must be at most 256 characters"}},
    {"TooManyLabels",
     [](auto& s) {
       s.model.provenance->labels.clear();
       for (int i = 0; i < 33; ++i) s.model.provenance->labels["k" + std::to_string(i)] = "v";
     },
     {"spec.model.provenance.labels: must have at most 32 entries, got 33"}},
    {"SeveralProblemsAtOnce",
     [](auto& s) {
       s.replicas = -1;
       s.strategy.steps[0].set_weight = -5;
     },
     {"spec.replicas: must be 1..1000, got -1",
      "spec.strategy.steps[0].setWeight: must be 0..100, got -5"}},
};

INSTANTIATE_TEST_SUITE_P(Rules, ValidateCaseTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace aviary::api
