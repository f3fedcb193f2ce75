#include "http/beast_server.h"

#include <fmt/format.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace aviary::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Session;

}  // namespace

// Members are declared so that destruction tears down the acceptor, then the io_context (which
// destroys connections still queued on it), while the registry those connections leave is alive.
struct BeastServer::State {
  ServerOptions options;
  Handler handler;

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<bool> draining{false};
  bool started = false;
  bool drained = false;
  uint16_t port = 0;
  std::vector<std::thread> workers;

  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
};

namespace {

using State = BeastServer::State;

// A body is read in pieces as large as the read buffer's free space, and the parser moves each
// piece out as it goes, so a buffer left at Beast's first size (512 bytes) reads an 80 KB
// inference request in ~157 reads, each a syscall, a timer re-arm and an epoll round. A connection
// starts with kInitialReadBuffer, enough for a small request in one read, and grows to the largest
// body it has carried (up to kMaxReadBuffer), so a client that sends large batches gets them in
// one or two reads from its second request on.
constexpr std::size_t kInitialReadBuffer = 16 * 1024;
constexpr std::size_t kMaxReadBuffer = 256 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, State* state) : stream_(std::move(socket)), state_(state) {
    buffer_.reserve(kInitialReadBuffer);
  }

  ~Session() {
    std::lock_guard lock(state_->mu);
    state_->sessions.erase(this);
    state_->cv.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(state_->mu);
      state_->sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readRequest(); });
  }

  // Closes the connection now if it waits for a request; a request being handled is answered
  // first (readRequest and onWrite see `draining` and close after it).
  void stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void readRequest() {
    busy_ = false;
    if (state_->draining.load(std::memory_order_relaxed)) {
      close();
      return;
    }
    parser_.emplace();
    parser_->body_limit(state_->options.max_body_bytes);
    stream_.expires_after(state_->options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == bhttp::error::body_limit) {
      busy_ = true;
      reply(errorResponse(413, fmt::format("request body exceeds the limit of {} bytes",
                                           state_->options.max_body_bytes)),
            /*keep_alive=*/false, 11);
      return;
    }
    if (ec) {
      close();  // end of stream, idle timeout, reset, or a malformed request
      return;
    }
    busy_ = true;
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    const std::string_view target(message.target().data(), message.target().size());
    if (std::size_t q = target.find('?'); q != std::string_view::npos) {
      request.path = std::string(target.substr(0, q));
      request.query = std::string(target.substr(q + 1));
    } else {
      request.path = std::string(target);
    }
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    if (request.body.size() > buffer_.capacity()) {
      buffer_.reserve(std::min(request.body.size(), kMaxReadBuffer));
    }
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();

    Response response;
    try {
      response = state_->handler(request);
    } catch (const std::exception& e) {
      response = errorResponse(500, fmt::format("internal error: {}", e.what()));
    } catch (...) {
      response = errorResponse(500, "internal error");
    }
    reply(std::move(response), keep_alive, version);
  }

  void reply(Response response, bool keep_alive, unsigned version) {
    response_.emplace();
    response_->version(version);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive && !state_->draining.load(std::memory_order_relaxed));
    response_->prepare_payload();
    stream_.expires_after(state_->options.idle_timeout);
    bhttp::async_write(stream_, *response_,
                       beast::bind_front_handler(&Session::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t /*bytes*/) {
    const bool close_after = !response_->keep_alive();
    response_.reset();
    if (ec || close_after) {
      close();
      return;
    }
    readRequest();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  State* state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  bool busy_ = false;  // a request is being handled or answered; touched only on the strand
};

void acceptLoop(State* state) {
  state->acceptor.async_accept(net::make_strand(state->ioc),
                               [state](beast::error_code ec, tcp::socket socket) {
                                 if (!state->acceptor.is_open() || state->draining.load()) return;
                                 if (!ec) {
                                   beast::error_code ignored;
                                   socket.set_option(tcp::no_delay(true), ignored);
                                   std::make_shared<Session>(std::move(socket), state)->start();
                                 }
                                 acceptLoop(state);
                               });
}

}  // namespace

BeastServer::BeastServer(ServerOptions options, Handler handler)
    : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
}

BeastServer::~BeastServer() { drain(std::chrono::seconds(5)); }

Status BeastServer::start() {
  State& s = *state_;
  if (s.started) return fail(ErrorCode::kFailedPrecondition, "server already started");
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(s.options.address, ec);
  if (ec)
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("bad listen address '{}'", s.options.address));
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::kUnavailable, fmt::format("listening on {}:{}: {}", s.options.address,
                                                     s.options.port, ec.message()));
  }
  s.port = s.acceptor.local_endpoint().port();
  s.started = true;
  acceptLoop(&s);
  const int threads = s.options.threads > 0 ? s.options.threads : 1;
  for (int i = 0; i < threads; ++i) {
    s.workers.emplace_back([state = state_] { state->ioc.run(); });
  }
  return {};
}

void BeastServer::drain(std::chrono::milliseconds grace) {
  State& s = *state_;
  if (!s.started || s.drained) return;
  s.drained = true;
  s.draining.store(true);
  // Close the listening socket on its strand and wait for it: after drain() starts, no new
  // connection may be accepted, not even into the kernel's backlog.
  std::promise<void> closed;
  net::post(s.acceptor.get_executor(), [state = &s, &closed] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(s.mu);
    for (auto& [raw, weak] : s.sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->stop();
  live.clear();
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, grace, [&] { return s.sessions.empty(); });
  }
  s.ioc.stop();
  for (auto& worker : s.workers) worker.join();
  s.workers.clear();
}

uint16_t BeastServer::port() const { return state_->port; }

Server::Ptr makeServer(ServerOptions options, Handler handler) {
  return std::make_unique<BeastServer>(std::move(options), std::move(handler));
}

}  // namespace aviary::http
