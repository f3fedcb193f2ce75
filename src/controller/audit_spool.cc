#include "controller/audit_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <system_error>

namespace aviary::controller {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".json";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr std::size_t kDigits = 20;

std::string errnoText(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

// The sequence number of a record's file name, or nothing for any other name.
std::optional<std::uint64_t> sequenceOf(const std::string& name) {
  if (name.size() != kDigits + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  std::uint64_t sequence = 0;
  const char* end = name.data() + kDigits;
  const auto [ptr, ec] = std::from_chars(name.data(), end, sequence);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return sequence;
}

// Closes `fd` on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() may carry for a write.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

Status syncDirectory(const fs::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return fail(ErrorCode::kUnavailable, errnoText("opening", dir));
  if (::fsync(fd.get()) != 0) return fail(ErrorCode::kUnavailable, errnoText("fsync of", dir));
  return {};
}

Status writeDurably(const fs::path& temp, std::string_view content) {
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return fail(ErrorCode::kUnavailable, errnoText("creating", temp));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::kUnavailable, errnoText("writing", temp));
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail(ErrorCode::kUnavailable, errnoText("fsync of", temp));
  if (!fd.close()) return fail(ErrorCode::kUnavailable, errnoText("closing", temp));
  return {};
}

// The record's line, or why it cannot be sent.
Result<std::string> readRecord(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kDataLoss, errnoText("opening", path));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::kDataLoss, errnoText("reading", path));
  std::string line = std::move(content).str();
  const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return fail(ErrorCode::kDataLoss, "not a JSON object");
  return line;
}

}  // namespace

std::string AuditSpool::fileName(std::uint64_t sequence) {
  char digits[kDigits + 1];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(sequence));
  return std::string(digits) + std::string(kSuffix);
}

AuditSpool::AuditSpool(fs::path dir, std::uint64_t next) : dir_(std::move(dir)), next_(next) {}

Result<AuditSpool::Opened> AuditSpool::open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorCode::kUnavailable,
                "creating the audit spool " + dir.string() + ": " + ec.message());
  }
  std::vector<std::pair<std::uint64_t, std::string>> found;
  std::uint64_t highest = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(kTempPrefix)) {
      fs::remove(it->path(), ec);  // a write cut short: its send() never returned
      ec.clear();
      continue;
    }
    if (auto sequence = sequenceOf(name)) {
      found.emplace_back(*sequence, name);
      highest = std::max(highest, *sequence);
    }
  }
  if (ec) {
    return fail(ErrorCode::kUnavailable,
                "listing the audit spool " + dir.string() + ": " + ec.message());
  }
  std::sort(found.begin(), found.end());

  Opened opened;
  for (const auto& [sequence, name] : found) {
    auto line = readRecord(dir / name);
    if (line) {
      opened.pending.push_back({sequence, std::move(*line)});
      continue;
    }
    opened.unreadable.push_back({name, line.error().message});
    fs::remove(dir / name, ec);
    ec.clear();
  }
  opened.spool.reset(new AuditSpool(dir, found.empty() ? 1 : highest + 1));
  return opened;
}

Result<std::uint64_t> AuditSpool::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  const std::uint64_t sequence = next_;
  const std::string name = fileName(sequence);
  const fs::path temp = dir_ / (std::string(kTempPrefix) + name);
  if (auto written = writeDurably(temp, line); !written) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return fail(written.error().withContext("spooling an audit record"));
  }
  if (::rename(temp.c_str(), (dir_ / name).c_str()) != 0) {
    const Error error{ErrorCode::kUnavailable, errnoText("renaming", temp)};
    std::error_code ignored;
    fs::remove(temp, ignored);
    return fail(error.withContext("spooling an audit record"));
  }
  ++next_;  // the name is taken from here on, whatever follows
  // The rename is durable only once the directory is: a crash before would lose the record. If
  // that fails the record is not spooled: the caller keeps it in memory only.
  if (auto synced = syncDirectory(dir_); !synced) {
    std::error_code ignored;
    fs::remove(dir_ / name, ignored);
    return fail(synced.error().withContext("spooling an audit record"));
  }
  return sequence;
}

Status AuditSpool::remove(std::uint64_t sequence) {
  std::error_code ec;
  fs::remove(dir_ / fileName(sequence), ec);
  if (ec) {
    return fail(ErrorCode::kUnavailable,
                "removing the delivered audit record " + fileName(sequence) + ": " + ec.message());
  }
  return {};
}

}  // namespace aviary::controller
