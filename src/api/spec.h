#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.h"

// The desired state of a ModelDeployment. crds/aviary.dev_modeldeployments.yaml is the schema;
// fields here are its JSON names in snake_case (json.h reads and writes them, in spec_json.cc and
// status_json.cc; tests/api/crd_schema_test.cc checks that every schema property and every
// serialised field match).
namespace aviary::api {

// The model runtimes the sidecar has (its --runtime flag); the CRD enum lists the same.
inline constexpr std::array<std::string_view, 2> kRuntimes = {"xgboost", "lightgbm"};

// The data a model was trained on.
struct DatasetRef {
  std::string uri;                    // scheme://... (s3://, gs://, https://, file://, ...)
  std::optional<std::string> sha256;  // hex digest of the dataset (or of its manifest)
  friend bool operator==(const DatasetRef&, const DatasetRef&) = default;
};

// Where a model came from and what it is for: shown on its model card and in the audit trail.
// Only dataset.sha256 and code_commit describe the artifact itself and are part of the revision
// (api/revision.h); the rest is metadata about people and use that may change without a rollout.
struct Provenance {
  std::optional<DatasetRef> dataset;
  std::optional<std::string> training_run;  // run id or URL in the training system
  std::optional<std::string> code_commit;   // commit of the training code, 7..64 hex digits
  std::optional<std::string> owner;         // team or person answerable for the model
  std::optional<std::string> intended_use;  // free text
  std::map<std::string, std::string> labels;
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// The model a revision serves. Any change here (or in the pod template) is a new revision, except
// in the parts of provenance that do not describe the artifact (see Provenance).
struct ModelSpec {
  std::string name;                        // served over OIP v2 as /v2/models/{name}
  std::string version;                     // free-form label, e.g. "2026-11-20"
  std::string uri;                         // file://, http:// or https://
  std::string runtime = "xgboost";         // see kRuntimes
  std::optional<std::string> sha256;       // hex digest the artifact must match
  std::optional<std::string> reference;    // training profile for drift gates
  std::optional<std::string> group_input;  // input whose value names the fairness group
  std::optional<Provenance> provenance;

  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

enum class TrafficProvider { kReplicas, kGatewayApi, kIstio, kNginx };

struct GatewayApiTraffic {
  std::string http_route;  // HTTPRoute in the ModelDeployment's namespace; aviary edits its
                           // backendRefs' weights
  friend bool operator==(const GatewayApiTraffic&, const GatewayApiTraffic&) = default;
};
struct IstioTraffic {
  std::string virtual_service;
  std::vector<std::string> routes;  // named HTTP routes to edit; empty = every route
  friend bool operator==(const IstioTraffic&, const IstioTraffic&) = default;
};
struct NginxTraffic {
  std::string ingress;  // the stable Ingress; aviary owns a canary Ingress beside it
  friend bool operator==(const NginxTraffic&, const NginxTraffic&) = default;
};

struct TrafficSpec {
  TrafficProvider provider = TrafficProvider::kReplicas;
  std::optional<GatewayApiTraffic> gateway_api;
  std::optional<IstioTraffic> istio;
  std::optional<NginxTraffic> nginx;
  friend bool operator==(const TrafficSpec&, const TrafficSpec&) = default;
};

// One strategy step: exactly one of setWeight or pause is set (validate() checks).
struct PauseStep {
  std::optional<Duration> duration;  // absent = wait for a manual promote
  friend bool operator==(const PauseStep&, const PauseStep&) = default;
};
struct Step {
  std::optional<std::int32_t> set_weight;  // percent of traffic to the canary, 0..100
  std::optional<PauseStep> pause;
  friend bool operator==(const Step&, const Step&) = default;
};

struct ShadowSpec {
  Duration duration{0};  // mirror traffic to the canary for this long before the first step
  friend bool operator==(const ShadowSpec&, const ShadowSpec&) = default;
};

// How many pods the canary runs under a mesh provider (the `replicas` provider always matches
// the weight: its pods are the weight).
enum class CanaryScale {
  kFull,                // spec.replicas from the start: the canary can take all traffic at once
  kMatchTrafficWeight,  // its share of the weight it is about to get, ready before it gets it
};

struct StrategySpec {
  std::vector<Step> steps;
  std::optional<ShadowSpec> shadow;
  CanaryScale canary_scale = CanaryScale::kFull;
  // After a promotion or a rollback has moved a mesh's traffic off the canary, its pods keep
  // running this long so that proxies still applying the old weight do not hit terminating pods.
  Duration scale_down_delay = std::chrono::seconds(30);
  friend bool operator==(const StrategySpec&, const StrategySpec&) = default;
};

// Built-in gates are PromQL over the sidecar's metric names (DESIGN.md, "Sidecar metrics").
enum class BuiltinMetric {
  kErrorRate,              // percent of non-2xx responses
  kLatencyP99,             // milliseconds
  kLatencyP50,             // milliseconds
  kFeatureDriftKs,         // max KS statistic over features
  kFeatureDriftPsi,        // max PSI over features
  kPositiveRateDisparity,  // min group rate / max group rate (four-fifths rule)
  kShadowAgreement,        // ratio of matching predictions, 0..1
};

struct PrometheusQuery {
  std::string query;  // may use {{canary}}, {{stable}}, {{namespace}}, {{name}}, {{interval}}
  std::optional<std::string> address;  // overrides the controller's default Prometheus
  friend bool operator==(const PrometheusQuery&, const PrometheusQuery&) = default;
};

// One gate: a value compared with min and/or max (at least one is set).
struct MetricSpec {
  std::string name;
  std::optional<BuiltinMetric> builtin;
  std::optional<PrometheusQuery> prometheus;  // exactly one of builtin and prometheus
  std::optional<double> min;
  std::optional<double> max;
  std::optional<std::string> group_by;  // for positiveRateDisparity
  std::optional<std::string> feature;   // for featureDrift*: one feature instead of the max
  friend bool operator==(const MetricSpec&, const MetricSpec&) = default;
};

enum class NoDataPolicy { kHold, kFail };

struct AnalysisSpec {
  Duration interval = std::chrono::seconds(30);
  std::int32_t failure_limit = 2;  // failed checks that trigger a rollback
  NoDataPolicy no_data = NoDataPolicy::kHold;
  std::vector<MetricSpec> metrics;
  friend bool operator==(const AnalysisSpec&, const AnalysisSpec&) = default;
};

// Where the retraining trigger posts: `url` receives one JSON POST per drift episode. With
// `secret_ref`, the body is signed: header X-Aviary-Signature is "sha256=" + hex HMAC-SHA256 of the
// body under the Secret's key.
struct SecretKeyRef {
  std::string name;  // a Secret in the ModelDeployment's namespace
  std::string key;   // the data key holding the HMAC key
  friend bool operator==(const SecretKeyRef&, const SecretKeyRef&) = default;
};
struct DriftWebhook {
  std::string url;  // http:// or https://
  std::optional<SecretKeyRef> secret_ref;
  friend bool operator==(const DriftWebhook&, const DriftWebhook&) = default;
};

// The retraining trigger: while the stable revision's drift (metric, over its pods, as the gates
// read it) stays above `max` for `sustain`, an episode is on: a DriftDetected condition, an Event
// and one webhook call; it ends when drift falls back to `max` or below.
struct DriftMonitor {
  BuiltinMetric metric = BuiltinMetric::kFeatureDriftKs;  // featureDriftKS or featureDriftPSI
  double max = 0;
  Duration sustain = std::chrono::minutes(30);  // JSON "for"
  Duration interval = std::chrono::minutes(1);  // time between two readings
  std::optional<DriftWebhook> webhook;
  friend bool operator==(const DriftMonitor&, const DriftMonitor&) = default;
};

// Watching the stable revision between rollouts. Not part of the revision: changing it never
// starts a rollout.
struct MonitoringSpec {
  std::optional<DriftMonitor> drift;
  friend bool operator==(const MonitoringSpec&, const MonitoringSpec&) = default;
};

struct ModelDeploymentSpec {
  ModelSpec model;
  std::int32_t replicas = 1;
  nlohmann::json pod_template =
      nlohmann::json::object();  // JSON "template": PodTemplateSpec, may be {}
  TrafficSpec traffic;
  StrategySpec strategy;
  AnalysisSpec analysis;
  std::int32_t progress_deadline_seconds = 600;
  MonitoringSpec monitoring;
  friend bool operator==(const ModelDeploymentSpec&, const ModelDeploymentSpec&) = default;
};

}  // namespace aviary::api
