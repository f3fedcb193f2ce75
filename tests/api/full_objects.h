#pragma once

#include "api/spec.h"
#include "api/status.h"
#include "common/time_format.h"

// Objects with every optional field set, so that their JSON shows every field the API knows.
namespace aviary::api::testing {

inline Timestamp at(const char* rfc3339) { return *parseRfc3339(rfc3339); }

inline ModelDeploymentSpec fullSpec() {
  using std::chrono::minutes;
  using std::chrono::seconds;
  ModelDeploymentSpec spec;
  spec.model = {.name = "churn",
                .version = "2026-11-20",
                .uri = "https://models.example/churn/model.json",
                .runtime = "xgboost",
                .sha256 = std::string(64, 'a'),
                .reference = "file:///models/churn/profile.json",
                .group_input = "region",
                .provenance = Provenance{
                    .dataset = DatasetRef{"s3://datasets/churn/2026-11", std::string(64, 'c')},
                    .training_run = "https://mlflow.example/#/runs/4f2a",
                    .code_commit = "0123456789abcdef0123456789abcdef01234567",
                    .owner = "risk-models@example.com",
                    .intended_use = "Ranking retention offers; not for credit decisions.",
                    .labels = {{"team", "risk"}, {"regulation", "eu-ai-act/limited"}}}};
  spec.replicas = 3;
  spec.pod_template = {{"spec", {{"nodeSelector", {{"pool", "cpu"}}}}}};
  spec.traffic = {.provider = TrafficProvider::kGatewayApi,
                  .gateway_api = GatewayApiTraffic{"churn"},
                  .istio = IstioTraffic{"churn-vs", {"primary"}},
                  .nginx = NginxTraffic{"churn-ingress"}};
  spec.strategy.steps = {Step{.set_weight = 10, .pause = std::nullopt},
                         Step{.set_weight = std::nullopt, .pause = PauseStep{minutes(1)}},
                         Step{.set_weight = std::nullopt, .pause = PauseStep{std::nullopt}}};
  spec.strategy.shadow = ShadowSpec{minutes(5)};
  spec.strategy.canary_scale = CanaryScale::kMatchTrafficWeight;
  spec.strategy.scale_down_delay = seconds(45);
  spec.analysis.interval = seconds(15);
  spec.analysis.failure_limit = 3;
  spec.analysis.no_data = NoDataPolicy::kFail;
  spec.analysis.metrics = {
      MetricSpec{.name = "latency-p99",
                 .builtin = BuiltinMetric::kLatencyP99,
                 .prometheus = std::nullopt,
                 .min = std::nullopt,
                 .max = 50,
                 .group_by = std::nullopt,
                 .feature = std::nullopt},
      MetricSpec{.name = "fairness",
                 .builtin = BuiltinMetric::kPositiveRateDisparity,
                 .prometheus = std::nullopt,
                 .min = 0.8,
                 .max = 1.25,
                 .group_by = "region",
                 .feature = std::nullopt},
      MetricSpec{.name = "drift-age",
                 .builtin = BuiltinMetric::kFeatureDriftKs,
                 .prometheus = std::nullopt,
                 .min = std::nullopt,
                 .max = 0.1,
                 .group_by = std::nullopt,
                 .feature = "age"},
      MetricSpec{
          .name = "revenue",
          .builtin = std::nullopt,
          .prometheus = PrometheusQuery{"sum(rate(orders_total{revision=\"{{canary}}\"}[1m]))",
                                        "http://prometheus:9090"},
          .min = 5,
          .max = std::nullopt,
          .group_by = std::nullopt,
          .feature = std::nullopt},
  };
  spec.progress_deadline_seconds = 300;
  spec.monitoring.drift =
      DriftMonitor{.metric = BuiltinMetric::kFeatureDriftPsi,
                   .max = 0.25,
                   .sustain = minutes(20),
                   .interval = seconds(30),
                   .webhook = DriftWebhook{"https://retrain.example/hooks/churn",
                                           SecretKeyRef{"churn-retrain-hook", "hmac-key"}}};
  return spec;
}

inline ModelDeploymentStatus fullStatus() {
  ModelDeploymentStatus status;
  status.phase = Phase::kProgressing;
  status.message = "step 2/3, 10% to 1a2b3c4d5e";
  status.observed_generation = 4;
  status.stable_revision = "7c9f00aa11";
  status.canary_revision = "1a2b3c4d5e";
  status.current_step = 1;
  status.canary_weight = 10;
  status.failed_checks = 1;
  status.paused_by_user = true;
  status.shadowing = true;
  status.rollout_started_at = at("2026-11-25T09:00:00Z");
  status.step_started_at = at("2026-11-25T09:01:00.500Z");
  status.last_analysis_at = at("2026-11-25T09:02:00Z");
  status.canary_unready_since = at("2026-11-25T09:01:30Z");
  status.holding_since = at("2026-11-25T09:02:00Z");
  status.traffic_left_canary_at = at("2026-11-25T09:03:00Z");
  status.analysis = {
      MetricResult{"latency-p99", 12.5, CheckResult::kPass, "", at("2026-11-25T09:02:00Z")},
      MetricResult{"drift", std::nullopt, CheckResult::kNoData, "no samples",
                   at("2026-11-25T09:02:00Z")}};
  status.conditions = {
      Condition{"Ready", "False", "Progressing", "rollout running", at("2026-11-25T09:00:00Z"), 4},
      Condition{"Reconciling", "True", "Analysing", "step 2/3", at("2026-11-25T09:00:00Z"), 4}};
  status.history = {
      HistoryEntry{"7c9f00aa11", Outcome::kPromoted, "AnalysisPassed", at("2026-11-24T10:00:00Z")}};
  status.requests = {
      .promote = PromoteRequest::kFull, .abort = true, .retry = true, .paused = false};
  status.drift = DriftStatus{.revision = "7c9f00aa11",
                             .above_since = at("2026-11-25T08:00:00Z"),
                             .detected_at = at("2026-11-25T08:20:00Z"),
                             .notified = true};
  return status;
}

}  // namespace aviary::api::testing
