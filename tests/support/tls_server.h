#pragma once

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

// Test-only PKI and HTTPS server: a throwaway CA made with the openssl command, and a server
// certificate for "localhost" signed by it. The server answers every GET with `body`.
namespace aviary::testing {

class ThrowawayPki {
 public:
  ThrowawayPki() {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("aviary-pki-{}-{}", ::getpid(), reinterpret_cast<std::uintptr_t>(this));
    std::filesystem::create_directories(dir_);
    const std::string d = dir_.string();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run(
        fmt::format("openssl req -x509 {} -keyout {}/ca.key -out {}/ca.pem -days 1 "
                    "-subj /CN=aviary-test-ca",
                    ec, d, d));
    run(fmt::format("openssl req {} -keyout {}/server.key -out {}/server.csr -subj /CN=localhost",
                    ec, d, d));
    run(
        fmt::format("printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > "
                    "{}/san.ext && openssl x509 -req -in {}/server.csr -CA {}/ca.pem -CAkey "
                    "{}/ca.key -CAcreateserial -out {}/server.pem -days 1 -extfile {}/san.ext",
                    d, d, d, d, d, d));
  }
  ~ThrowawayPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string caFile() const { return (dir_ / "ca.pem").string(); }
  std::string certFile() const { return (dir_ / "server.pem").string(); }
  std::string keyFile() const { return (dir_ / "server.key").string(); }
  bool ok() const { return ok_; }

 private:
  void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) ok_ = false;
  }
  std::filesystem::path dir_;
  bool ok_ = true;
};

class TlsServer {
 public:
  TlsServer(const ThrowawayPki& pki, std::string body)
      : context_(boost::asio::ssl::context::tls_server),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        body_(std::move(body)) {
    context_.use_certificate_chain_file(pki.certFile());
    context_.use_private_key_file(pki.keyFile(), boost::asio::ssl::context::pem);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stopping_ = true;
    boost::system::error_code ignored;
    // Wake the blocking accept with a connection of our own.
    boost::asio::ip::tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void serve() {
    namespace http = boost::beast::http;
    while (!stopping_) {
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(ioc_, context_);
      boost::system::error_code ec;
      acceptor_.accept(stream.next_layer(), ec);
      if (ec || stopping_) continue;
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) continue;  // e.g. the client refused our certificate
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(stream, buffer, request, ec);
      if (ec) continue;
      http::response<http::string_body> response(http::status::ok, 11);
      response.body() = body_;
      response.prepare_payload();
      http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ssl::context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::string body_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace aviary::testing
