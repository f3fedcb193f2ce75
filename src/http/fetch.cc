#include "http/fetch.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace aviary::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

Result<Url> parseUrl(std::string_view uri) {
  Url url;
  std::string_view rest;
  if (uri.starts_with("https://")) {
    url.tls = true;
    rest = uri.substr(8);
  } else if (uri.starts_with("http://")) {
    rest = uri.substr(7);
  } else {
    return fail(ErrorCode::kInvalidArgument, fmt::format("unsupported URI scheme in '{}'", uri));
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("credentials in URIs are not supported: '{}'", uri));
  }
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    url.host = std::string(authority.substr(0, colon));
    url.port = std::string(authority.substr(colon + 1));
  } else {
    url.host = std::string(authority);
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.size() > 2 && url.host.front() == '[')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty())
    return fail(ErrorCode::kInvalidArgument, fmt::format("no host in '{}'", uri));
  return url;
}

void setSocketTimeouts(int fd, std::chrono::seconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

struct HttpAnswer {
  unsigned status = 0;
  std::string location;
  std::string body;
};

template <typename Stream>
Result<HttpAnswer> exchange(Stream& stream, const Url& url, std::string_view uri,
                            const FetchOptions& options) {
  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, url.target, 11);
  request.set(bhttp::field::host, url.host);
  request.set(bhttp::field::user_agent, "aviary");
  beast::error_code ec;
  bhttp::write(stream, request, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable,
                fmt::format("sending request to {}: {}", uri, ec.message()));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_bytes);
  const auto too_large = [&] {
    return fail(ErrorCode::kResourceExhausted,
                fmt::format("{} is larger than the limit of {} bytes", uri, options.max_bytes));
  };
  bhttp::read_header(stream, buffer, parser, ec);
  // The declared length is checked here too: the parser's own limit did not always apply.
  if (ec == bhttp::error::body_limit ||
      (!ec && parser.content_length() && *parser.content_length() > options.max_bytes)) {
    return too_large();
  }
  if (!ec) bhttp::read(stream, buffer, parser, ec);
  if (ec == bhttp::error::body_limit) return too_large();
  if (ec) return fail(ErrorCode::kUnavailable, fmt::format("reading {}: {}", uri, ec.message()));
  if (parser.get().body().size() > options.max_bytes) return too_large();
  auto& response = parser.get();
  HttpAnswer answer;
  answer.status = response.result_int();
  answer.location = std::string(response[bhttp::field::location]);
  answer.body = std::move(response.body());
  return answer;
}

Result<HttpAnswer> getOnce(const Url& url, std::string_view uri, const FetchOptions& options) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, fmt::format("resolving {}: {}", url.host, ec.message()));
  if (!url.tls) {
    tcp::socket socket(ioc);
    net::connect(socket, endpoints, ec);
    if (ec)
      return fail(ErrorCode::kUnavailable, fmt::format("connecting to {}: {}", uri, ec.message()));
    setSocketTimeouts(socket.native_handle(), options.timeout);
    return exchange(socket, url, uri, options);
  }
  ssl::context context(ssl::context::tls_client);
  context.set_verify_mode(ssl::verify_peer);
  if (options.ca_file.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return fail(ErrorCode::kUnavailable,
                fmt::format("loading trusted CAs {}: {}",
                            options.ca_file.empty() ? "(system)" : options.ca_file, ec.message()));
  }
  ssl::stream<tcp::socket> stream(ioc, context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return fail(ErrorCode::kUnavailable, fmt::format("setting TLS server name {}", url.host));
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  net::connect(stream.next_layer(), endpoints, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, fmt::format("connecting to {}: {}", uri, ec.message()));
  setSocketTimeouts(stream.next_layer().native_handle(), options.timeout);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable,
                fmt::format("TLS handshake with {}: {}", uri, ec.message()));
  auto answer = exchange(stream, url, uri, options);
  stream.shutdown(ec);  // a peer that just closes is fine: the body is complete
  return answer;
}

}  // namespace

Result<std::string> fetch(std::string_view uri, const FetchOptions& options) {
  std::string current(uri);
  for (int hop = 0; hop <= options.max_redirects; ++hop) {
    AVIARY_ASSIGN_OR_RETURN(Url url, parseUrl(current));
    AVIARY_ASSIGN_OR_RETURN(HttpAnswer answer, getOnce(url, current, options));
    if (answer.status == 200) return std::move(answer.body);
    const bool redirect = answer.status == 301 || answer.status == 302 || answer.status == 303 ||
                          answer.status == 307 || answer.status == 308;
    if (!redirect || answer.location.empty()) {
      return fail(answer.status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                  fmt::format("GET {} answered {}", current, answer.status));
    }
    if (answer.location.starts_with("/")) {
      answer.location = fmt::format("{}://{}:{}{}", url.tls ? "https" : "http", url.host, url.port,
                                    answer.location);
    }
    if (url.tls && !answer.location.starts_with("https://")) {
      return fail(ErrorCode::kUnavailable,
                  fmt::format("{} redirects from https to '{}'", current, answer.location));
    }
    current = answer.location;
  }
  return fail(ErrorCode::kUnavailable,
              fmt::format("{}: more than {} redirects", uri, options.max_redirects));
}

}  // namespace aviary::http
