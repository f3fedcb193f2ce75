#include "metrics/secret_file.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

namespace aviary::metrics {

SecretFile::SecretFile(std::string path) : path_(std::move(path)) {}

Result<std::string> SecretFile::read() {
  std::lock_guard lock(mutex_);
  std::error_code error;
  const auto mtime = std::filesystem::last_write_time(path_, error);
  const auto size = error ? 0 : std::filesystem::file_size(path_, error);
  if (error) {
    if (loaded_) return cached_;
    return fail(ErrorCode::kUnauthenticated, "cannot read " + path_ + ": " + error.message());
  }
  if (loaded_ && mtime == mtime_ && size == size_) return cached_;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (loaded_) return cached_;
    return fail(ErrorCode::kUnauthenticated, "cannot open " + path_);
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  while (!content.empty() && std::isspace(static_cast<unsigned char>(content.back()))) {
    content.pop_back();
  }
  cached_ = std::move(content);
  mtime_ = mtime;
  size_ = size;
  loaded_ = true;
  return cached_;
}

}  // namespace aviary::metrics
