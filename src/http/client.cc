#include "http/client.h"

#include <cpprest/http_client.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <cctype>
#include <optional>

namespace aviary::http {
namespace {

namespace client = web::http::client;

constexpr std::size_t kReadSize = 64 * 1024;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Installs the PEM material on the Asio context. When a CA is given, it replaces the system store.
void configureContext(const TlsMaterial& tls, boost::asio::ssl::context& context) {
  if (!tls.ca_pem.empty()) {
    SSL_CTX_set_cert_store(context.native_handle(), X509_STORE_new());
    context.add_certificate_authority(boost::asio::buffer(tls.ca_pem));
  }
  if (!tls.client_cert_pem.empty()) {
    context.use_certificate_chain(boost::asio::buffer(tls.client_cert_pem));
    context.use_private_key(boost::asio::buffer(tls.client_key_pem),
                            boost::asio::ssl::context::pem);
  }
}

Error transportError(const std::exception& e, const std::stop_token& stop) {
  if (stop.stop_requested()) return Error{ErrorCode::kCancelled, "request cancelled"};
  std::string message = e.what();
  // cpprestsdk reports its own timeout as "Failed to read HTTP status line" with errc::timed_out.
  if (const auto* http = dynamic_cast<const web::http::http_exception*>(&e);
      http != nullptr && http->error_code() == std::errc::timed_out) {
    return Error{ErrorCode::kDeadlineExceeded, message + " (timed out)"};
  }
  if (message.find("timed out") != std::string::npos ||
      message.find("timeout") != std::string::npos)
    return Error{ErrorCode::kDeadlineExceeded, message};
  return Error{ErrorCode::kUnavailable, message};
}

class CppRestClient final : public Client {
 public:
  CppRestClient(const ClientOptions& options, TlsMaterial tls)
      : base_url_(options.base_url),
        config_(makeConfig(options, std::move(tls))),
        shared_(base_url_, config_) {}

  Result<ClientResponse> send(const ClientRequest& request, std::stop_token stop) override {
    ClientResponse out;
    pplx::cancellation_token_source cancel;
    std::stop_callback on_stop(stop, [&cancel] { cancel.cancel(); });
    try {
      web::http::http_response response =
          shared_.request(toCppRest(request), cancel.get_token()).get();
      copyHead(response, out);
      out.body = response.extract_utf8string(true).get();
    } catch (const std::exception& e) {
      return fail(transportError(e, stop));
    }
    return out;
  }

  Result<ClientResponse> stream(const ClientRequest& request, const ChunkHandler& on_chunk,
                                std::stop_token stop) override {
    ClientResponse out;
    pplx::cancellation_token_source cancel;
    // A streamed body can outlive many request timeouts; only cancellation ends it early. The
    // http_client lives in this frame so that dropping it drops the connection too.
    std::optional<client::http_client> http;
    std::stop_callback on_stop(stop, [&cancel] { cancel.cancel(); });
    try {
      http.emplace(base_url_, config_);
      web::http::http_response response =
          http->request(toCppRest(request), cancel.get_token()).get();
      copyHead(response, out);
      if (out.status < 200 || out.status >= 300) {
        out.body = response.extract_utf8string(true).get();
        return out;
      }
      auto buffer = response.body().streambuf();
      using Traits = concurrency::streams::streambuf<uint8_t>::traits;
      std::string chunk(kReadSize, '\0');
      while (!stop.stop_requested()) {
        // getn() waits for a full buffer; a watch needs each piece as it arrives. So wait for one
        // byte, then take whatever else is already there.
        auto first = buffer.bumpc().get();
        if (first == Traits::eof()) break;
        chunk[0] = static_cast<char>(first);
        std::size_t read = 1;
        std::size_t available = buffer.in_avail();
        if (available > 0) {
          read += buffer
                      .getn(reinterpret_cast<uint8_t*>(chunk.data()) + 1,
                            std::min(available, chunk.size() - 1))
                      .get();
        }
        if (!on_chunk(std::string_view(chunk.data(), read))) break;
      }
    } catch (const std::exception& e) {
      return fail(transportError(e, stop));
    }
    if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "request cancelled");
    return out;
  }

 private:
  static client::http_client_config makeConfig(const ClientOptions& options, TlsMaterial tls) {
    client::http_client_config config;
    config.set_timeout(options.timeout);
    config.set_validate_certificates(!tls.insecure_skip_verify);
    config.set_ssl_context_callback([tls = std::move(tls)](boost::asio::ssl::context& context) {
      configureContext(tls, context);
    });
    return config;
  }

  static web::http::http_request toCppRest(const ClientRequest& request) {
    web::http::http_request out(request.method);
    out.set_request_uri(request.target);
    for (const auto& [name, value] : request.headers) out.headers().add(name, value);
    if (!request.body.empty()) {
      out.set_body(request.body, request.content_type.empty() ? std::string("application/json")
                                                              : request.content_type);
    }
    return out;
  }

  static void copyHead(const web::http::http_response& response, ClientResponse& out) {
    out.status = response.status_code();
    for (const auto& [name, value] : response.headers()) out.headers.emplace_back(name, value);
  }

  std::string base_url_;
  client::http_client_config config_;
  // Pooled keep-alive connections for ordinary requests; streams get their own client.
  client::http_client shared_;
};

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return value;
  }
  return "";
}

Result<Client::Ptr> makeClient(const ClientOptions& options) {
  if (options.base_url.rfind("http://", 0) != 0 && options.base_url.rfind("https://", 0) != 0) {
    return fail(ErrorCode::kInvalidArgument,
                "base URL must start with http:// or https://: " + options.base_url);
  }
  AVIARY_ASSIGN_OR_RETURN(TlsMaterial tls, loadTls(options.tls));
  return std::make_shared<CppRestClient>(options, std::move(tls));
}

Result<UrlParts> splitUrl(std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return fail(ErrorCode::kInvalidArgument,
                "not an http:// or https:// URL: \"" + std::string(url) + "\"");
  }
  const std::size_t host = url.find("://") + 3;
  const std::size_t path = url.find('/', host);
  if (std::min(path, url.size()) == host) {
    return fail(ErrorCode::kInvalidArgument, "no host in \"" + std::string(url) + "\"");
  }
  if (path == std::string_view::npos) return UrlParts{std::string(url), "/"};
  return UrlParts{std::string(url.substr(0, path)), std::string(url.substr(path))};
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace aviary::http
