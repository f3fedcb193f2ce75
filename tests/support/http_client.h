#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>

// A blocking keep-alive HTTP/1.1 client for tests: one connection, one request at a time.
namespace aviary::testing {

struct HttpReply {
  int status = 0;  // 0 when the exchange failed (closed, refused)
  std::string body;
  std::string content_type;
  bool keep_alive = false;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port) : socket_(ioc_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    connected_ = !ec;
  }

  bool connected() const { return connected_; }

  HttpReply get(const std::string& target) { return send("GET", target, ""); }
  HttpReply post(const std::string& target, const std::string& body) {
    return send("POST", target, body);
  }

  HttpReply send(const std::string& method, const std::string& target, const std::string& body) {
    namespace http = boost::beast::http;
    HttpReply reply;
    if (!connected_) return reply;
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    boost::system::error_code ec;
    http::write(socket_, request, ec);
    if (ec) return reply;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(socket_, buffer_, parser, ec);
    if (ec) return reply;
    auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.body = response.body();
    reply.content_type = std::string(response[http::field::content_type]);
    reply.keep_alive = response.keep_alive();
    return reply;
  }

  // True when the server closed this connection (a read sees end of stream).
  bool closedByPeer() {
    char byte = 0;
    boost::system::error_code ec;
    socket_.read_some(boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// One request on a fresh connection.
inline HttpReply httpGet(uint16_t port, const std::string& target) {
  return HttpClient(port).get(target);
}
inline HttpReply httpPost(uint16_t port, const std::string& target, const std::string& body) {
  return HttpClient(port).post(target, body);
}

}  // namespace aviary::testing
