#pragma once

#include <atomic>
#include <memory>

#include "http/server.h"

namespace aviary::http {

// Server over Boost.Beast and Asio: one io_context run by `threads` workers, one strand per
// connection, handlers called inline on the worker that read the request.
class BeastServer final : public Server {
 public:
  BeastServer(ServerOptions options, Handler handler);
  ~BeastServer() override;

  Status start() override;
  void drain(std::chrono::milliseconds grace) override;
  uint16_t port() const override;

  struct State;  // shared with connections, which may outlive a drain's deadline

 private:
  std::shared_ptr<State> state_;  // workers hold a reference while they run
};

}  // namespace aviary::http
