#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "http/router.h"
#include "sidecar/server/audit_log.h"
#include "sidecar/server/model_host.h"
#include "sidecar/server/observer.h"
#include "sidecar/server/sidecar_metrics.h"

namespace aviary::sidecar {

struct OipOptions {
  std::string group_input;    // request input naming each row's group (fairness); may be empty
  bool serve_metrics = true;  // also answer GET /metrics on this router
};

// The Open Inference Protocol v2 REST endpoints for the one model of a ModelHost:
// - GET /v2/health/live: 200 while the process runs.
// - GET /v2/health/ready: 200 when the model is ready and not draining, else 503.
// - GET /v2: server metadata.
// - GET /v2/models/{name}[/versions/{v}]: model metadata; 503 with the reason when not ready.
// - GET /v2/models/{name}[/versions/{v}]/ready: model readiness.
// - POST /v2/models/{name}[/versions/{v}]/infer: inference.
// Errors are {"error": "..."}: 400 bad JSON, shape or datatype (naming the input and what was
// expected), 404 unknown model or version, 413 body over the limit (the server's), 503 not ready.
class OipService {
 public:
  OipService(ModelHost& host, SidecarMetrics& metrics, const AuditLog& audit,
             std::vector<InferenceObserver::Ptr> observers, OipOptions options);

  void registerRoutes(http::Router& router);
  // From now on readiness answers 503 (load balancers stop sending); inference still works.
  void startDraining() { draining_.store(true); }
  bool ready() const { return host_.state() == ModelState::kReady && !draining_.load(); }

  http::Response infer(const http::Request& request, const http::PathParams& params);

 private:
  http::Response live() const;
  http::Response serverReady() const;
  http::Response serverMetadata() const;
  http::Response modelMetadata(const http::PathParams& params) const;
  http::Response modelReady(const http::PathParams& params) const;
  http::Response metricsText() const;

  // 404 when {name} or {version} is not the served model, else nothing.
  std::optional<http::Response> checkModel(const http::PathParams& params) const;
  http::Response notReady() const;
  struct Outcome;
  Outcome runInference(const http::Request& request) const;

  ModelHost& host_;
  SidecarMetrics& metrics_;
  const AuditLog& audit_;
  std::vector<InferenceObserver::Ptr> observers_;
  OipOptions options_;
  std::atomic<bool> draining_{false};
};

}  // namespace aviary::sidecar
