// A paced HTTP/1.1 load generator for latency at a fixed request rate (wrk has no rate limit).
// Each connection sends on its own schedule (start + k * interval) and latency is measured from
// the scheduled time, so a stalled server is not hidden (no coordinated omission).
// usage: aviary-loadgen PORT PATH BODY_FILE CONNECTIONS RATE_PER_S SECONDS [JSON_LENGTH]
//   JSON_LENGTH: send the body as Triton's binary tensor extension, its first JSON_LENGTH bytes
//   being the JSON (the Inference-Header-Content-Length header).
// prints one JSON line: {"requests":..,"errors":..,"rps":..,"p50_us":..,"p99_us":..}
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connectTo(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one response; returns its status or 0 on error.
int readResponse(int fd, std::string& buffer) {
  std::size_t header_end;
  char chunk[65536];
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return 0;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  const int status = std::atoi(buffer.c_str() + 9);
  std::size_t length = 0;
  std::string headers = buffer.substr(0, header_end);
  std::transform(headers.begin(), headers.end(), headers.begin(), ::tolower);
  // At a line start: Inference-Header-Content-Length also ends in "content-length:".
  if (const auto at = headers.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::strtoul(headers.c_str() + at + 17, nullptr, 10);
  }
  const std::size_t total = header_end + 4 + length;
  while (buffer.size() < total) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return 0;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  buffer.erase(0, total);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::fprintf(stderr,
                 "usage: %s PORT PATH BODY_FILE CONNECTIONS RATE_PER_S SECONDS [JSON_LENGTH]\n",
                 argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string path = argv[2];
  std::ifstream in(argv[3], std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int connections = std::atoi(argv[4]);
  const double rate = std::atof(argv[5]);
  const double seconds = std::atof(argv[6]);
  const std::string content_type =
      argc == 8
          ? "application/octet-stream\r\nInference-Header-Content-Length: " + std::string(argv[7])
          : "application/json";
  const std::string request =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<long> errors{0};
  const auto interval = std::chrono::duration<double>(connections / rate);
  const bool paced = rate <= 1e6;
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      int fd = connectTo(port);
      std::string buffer;
      auto next = start + std::chrono::duration_cast<Clock::duration>(interval * c / connections);
      while (next < end && Clock::now() < end && fd >= 0) {
        std::this_thread::sleep_until(next);
        // Paced: latency counts from the scheduled time. Unpaced (a rate beyond reach): from
        // the actual send, as a closed-loop client sees it.
        const auto from = paced ? next : Clock::now();
        if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size()) ||
            readResponse(fd, buffer) != 200) {
          ++errors;
          ::close(fd);
          fd = connectTo(port);
          buffer.clear();
        } else {
          mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - from).count());
        }
        next += std::chrono::duration_cast<Clock::duration>(interval);
        if (!paced) next = Clock::now();
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[static_cast<std::size_t>(q * (latencies.size() - 1))];
  };
  const double elapsed = std::chrono::duration<double>(std::min(Clock::now(), end) - start).count();
  std::printf("{\"requests\":%zu,\"errors\":%ld,\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f}\n",
              latencies.size(), errors.load(), latencies.size() / std::max(elapsed, 1e-9), at(0.5),
              at(0.99));
  return 0;
}
