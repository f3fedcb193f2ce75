#include "sidecar/loader/guarded_load.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/runtime/factory.h"

namespace aviary::sidecar {
namespace {

// Exit status of a probe whose work returned an error (written to the pipe first).
constexpr int kWorkFailed = 3;
// The most of the child's answer kept; an Error's code and message fit easily.
constexpr std::size_t kMaxAnswer = 16 * 1024;

// Bytes of address space mapped by this process now (/proc/self/statm, first field in pages).
// Sanitizers reserve terabytes of shadow memory, so the limit must be relative to this.
std::size_t addressSpaceBytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[128] = {};
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return 0;
  return std::strtoull(text, nullptr, 10) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void writeAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

[[noreturn]] void runChild(int answer_fd, const std::function<Status()>& work,
                           const LoadLimits& limits) {
  // Default dispositions: the parent's handlers (e.g. its shutdown signal pipe) are not ours.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  const auto cpu_seconds =
      static_cast<rlim_t>(std::chrono::ceil<std::chrono::seconds>(limits.timeout).count() + 1);
  const rlimit cpu{cpu_seconds, cpu_seconds + 1};
  ::setrlimit(RLIMIT_CPU, &cpu);
  const rlimit memory{addressSpaceBytes() + limits.memory_bytes, RLIM_INFINITY};
  ::setrlimit(RLIMIT_AS, &memory);
  if (limits.in_child) limits.in_child();

  Status status;
  try {
    status = work();
  } catch (const std::exception& e) {
    status = fail(ErrorCode::kInternal, e.what());
  } catch (...) {
    status = fail(ErrorCode::kInternal, "unknown exception");
  }
  if (status) ::_exit(0);
  writeAll(answer_fd,
           std::to_string(static_cast<int>(status.error().code)) + '\n' + status.error().message);
  ::_exit(kWorkFailed);
}

std::string signalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

Status warmUp(const ModelRuntime& runtime) {
  const std::vector<float> zeros(runtime.metadata().num_features, 0.0f);
  auto warmup = runtime.predict(zeros, 1, PredictKind::kValue);
  if (!warmup) return fail(warmup.error().withContext("warm-up prediction"));
  if (warmup->values.empty() || !std::all_of(warmup->values.begin(), warmup->values.end(),
                                             [](float v) { return std::isfinite(v); })) {
    return fail(ErrorCode::kInternal, "warm-up prediction returned no or non-finite values");
  }
  return {};
}

Result<ModelRuntime::Ptr> loadHere(std::string_view name, std::span<const std::byte> artifact) {
  AVIARY_ASSIGN_OR_RETURN(ModelRuntime::Ptr runtime, makeRuntime(name));
  const auto loaded = runtime->load(artifact);
  if (!loaded) return fail(loaded.error().withContext("loading the model"));
  AVIARY_RETURN_IF_ERROR(warmUp(*runtime));
  return runtime;
}

}  // namespace

Status runInChild(const std::function<Status()>& work, const LoadLimits& limits) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail(ErrorCode::kInternal, fmt::format("pipe: {}", std::strerror(errno)));
  }
  // Fork from a new thread: the child then runs on a thread with no OpenMP state. A thread that
  // already ran OpenMP regions owns a libgomp thread pool whose workers do not exist in a child,
  // and the child's next parallel region (XGBoost's model load has some) would wait for them.
  pid_t pid = -1;
  int error = 0;
  std::thread forker([&] {
    pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      runChild(fds[1], work, limits);
    }
    error = errno;
  });
  forker.join();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return fail(ErrorCode::kUnavailable, fmt::format("fork: {}", std::strerror(error)));
  }
  ::close(fds[1]);

  std::string answer;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  for (;;) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd readable{fds[0], POLLIN, 0};
    const int ready =
        ::poll(&readable, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child exited (or closed its end)
    answer.append(chunk, std::min(static_cast<std::size_t>(n), kMaxAnswer - answer.size()));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }

  if (timed_out) {
    return fail(ErrorCode::kDeadlineExceeded,
                fmt::format("did not finish within {} ms and was killed", limits.timeout.count()));
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return {};
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == kWorkFailed) {
    const auto newline = answer.find('\n');
    if (newline == std::string::npos) return fail(ErrorCode::kInternal, answer);
    return fail(static_cast<ErrorCode>(std::stoi(answer.substr(0, newline))),
                answer.substr(newline + 1));
  }
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    if (sig == SIGXCPU) {
      return fail(ErrorCode::kDeadlineExceeded, "used up its CPU time limit and was killed");
    }
    return fail(ErrorCode::kInternal, fmt::format("crashed with {}", signalName(sig)));
  }
  return fail(ErrorCode::kInternal,
              fmt::format("exited with status {} (a runtime abort, e.g. out of memory)",
                          WEXITSTATUS(wstatus)));
}

Result<ModelRuntime::Ptr> loadGuarded(std::string_view runtime, std::span<const std::byte> artifact,
                                      const LoadLimits& limits) {
  const auto probed = runInChild(
      [&]() -> Status {
        AVIARY_ASSIGN_OR_RETURN(const ModelRuntime::Ptr loaded, loadHere(runtime, artifact));
        return {};
      },
      limits);
  if (!probed) {
    return fail(probed.error().withContext(fmt::format(
        "probe load in a child process limited to {} MiB and {} ms (--max-model-memory, "
        "--model-load-timeout)",
        limits.memory_bytes >> 20, limits.timeout.count())));
  }
  return loadHere(runtime, artifact);
}

}  // namespace aviary::sidecar
