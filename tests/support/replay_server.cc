#include "tests/support/replay_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace aviary::testing {
namespace {

bool writeAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    default:
      return "Status";
  }
}

}  // namespace

ReplayResponse ReplayResponse::json(int status, std::string body) {
  ReplayResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.segments = {std::move(body)};
  return response;
}

ReplayResponse ReplayResponse::stream(std::vector<std::string> segments,
                                      std::chrono::milliseconds gap) {
  ReplayResponse response;
  response.headers = {{"Content-Type", "application/json"}};
  response.segments = std::move(segments);
  response.chunked = true;
  response.gap = gap;
  return response;
}

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (lower(key) == lower(name)) return value;
  }
  return "";
}

ReplayServer::ReplayServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("replay server: cannot listen on loopback");
  }
  socklen_t length = sizeof(address);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

ReplayServer::~ReplayServer() {
  stopping_ = true;
  changed_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
}

std::string ReplayServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void ReplayServer::enqueue(ReplayResponse response) {
  std::lock_guard lock(mutex_);
  responses_.push_back(std::move(response));
}

std::vector<RecordedRequest> ReplayServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool ReplayServer::waitForRequests(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

void ReplayServer::acceptLoop() {
  while (!stopping_) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard lock(mutex_);
    connections_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

bool ReplayServer::next(ReplayResponse& out) {
  std::lock_guard lock(mutex_);
  if (responses_.empty()) return false;
  out = std::move(responses_.front());
  responses_.pop_front();
  return true;
}

void ReplayServer::serve(int fd) {
  std::string buffer;
  char data[8192];
  while (!stopping_) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, data, sizeof(data), 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buffer.append(data, static_cast<std::size_t>(n));
    }
    RecordedRequest request;
    std::string head = buffer.substr(0, head_end);
    buffer.erase(0, head_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    std::size_t space1 = first.find(' ');
    std::size_t space2 = first.find(' ', space1 + 1);
    request.method = first.substr(0, space1);
    request.target = first.substr(space1 + 1, space2 - space1 - 1);
    std::size_t content_length = 0;
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (lower(name) == "content-length") content_length = std::stoul(value);
        request.headers.emplace_back(name, value);
      }
      pos = end + 2;
    }
    while (buffer.size() < content_length) {
      ssize_t n = ::recv(fd, data, sizeof(data), 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buffer.append(data, static_cast<std::size_t>(n));
    }
    request.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    changed_.notify_all();

    ReplayResponse response;
    if (!next(response)) response = ReplayResponse::json(599, R"({"message":"unscripted"})");
    std::string out =
        "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    if (response.chunked) {
      out += "Transfer-Encoding: chunked\r\n\r\n";
      if (!writeAll(fd, out)) break;
      bool ok = true;
      for (const auto& segment : response.segments) {
        if (response.gap.count() > 0) std::this_thread::sleep_for(response.gap);
        char size[32];
        std::snprintf(size, sizeof(size), "%zx\r\n", segment.size());
        if (!writeAll(fd, size + segment + "\r\n")) {
          ok = false;
          break;
        }
      }
      if (!ok) break;
      if (response.hold_open) {
        while (!stopping_) {
          pollfd waiting{fd, POLLIN, 0};
          if (::poll(&waiting, 1, 50) > 0) {
            ssize_t n = ::recv(fd, data, sizeof(data), 0);
            if (n <= 0) break;
          }
        }
        break;
      }
      if (!writeAll(fd, "0\r\n\r\n")) break;
    } else {
      std::string body;
      for (const auto& segment : response.segments) body += segment;
      out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      if (!writeAll(fd, out)) break;
    }
  }
  ::close(fd);
}

}  // namespace aviary::testing
