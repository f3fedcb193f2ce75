#include "kube/token_source.h"

#include <fstream>
#include <sstream>
#include <utility>

namespace aviary::kube {

TokenSource::TokenSource(std::string fixed_token, std::string token_file)
    : fixed_(std::move(fixed_token)), file_(std::move(token_file)) {}

Result<std::string> TokenSource::token() {
  if (file_.empty()) return fixed_;
  std::lock_guard lock(mutex_);
  std::error_code error;
  auto mtime = std::filesystem::last_write_time(file_, error);
  auto size = error ? 0 : std::filesystem::file_size(file_, error);
  if (error) {
    // Keep serving the last good token through a rotation's brief absence of the file.
    if (loaded_) return cached_;
    return fail(ErrorCode::kUnauthenticated,
                "cannot read token file " + file_ + ": " + error.message());
  }
  if (!loaded_ || mtime != cached_mtime_ || size != cached_size_) {
    std::ifstream in(file_);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
      token.pop_back();
    cached_ = std::move(token);
    cached_mtime_ = mtime;
    cached_size_ = size;
    loaded_ = true;
  }
  return cached_;
}

}  // namespace aviary::kube
