#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "http/router.h"
#include "http/server.h"
#include "sidecar/app/config.h"
#include "sidecar/server/accounting.h"
#include "sidecar/server/audit_log.h"
#include "sidecar/server/model_host.h"
#include "sidecar/server/oip_service.h"
#include "sidecar/server/sidecar_metrics.h"

namespace aviary::sidecar {

// The whole sidecar, wired from a SidecarConfig: listeners, OIP service, metrics, audit log and
// the background model load. main() adds only signals; tests run it in-process on port 0.
class SidecarApp {
 public:
  explicit SidecarApp(SidecarConfig config);
  ~SidecarApp();

  // Starts listening (liveness answers at once) and loads the model in the background;
  // readiness follows the load. Fails when a listener cannot bind.
  Status start();

  // Graceful stop: readiness turns 503, then after `shutdown_delay` the listeners stop
  // accepting, in-flight requests finish (up to `drain_timeout`), and the loader is joined.
  void shutdown();

  uint16_t port() const;
  std::optional<uint16_t> metricsPort() const;
  const ModelHost& host() const { return host_; }
  // Recomputes drift and group rates now (tests; the app also does it every accounting_interval).
  void publishAccounting();

 private:
  void load();
  void loadReference(std::size_t features);  // those of the model being loaded
  void publishLoop();

  SidecarConfig config_;
  ModelHost host_;
  SidecarMetrics metrics_;
  AuditLog audit_;
  std::shared_ptr<Accounting> accounting_;  // null without --reference and --group-input
  OipService service_;
  http::Router router_;
  http::Router metrics_router_;
  http::Server::Ptr server_;
  http::Server::Ptr metrics_server_;
  std::thread loader_;
  std::thread publisher_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  bool stopped_ = false;
};

}  // namespace aviary::sidecar
