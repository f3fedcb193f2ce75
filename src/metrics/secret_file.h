#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

#include "common/result.h"

namespace aviary::metrics {

// A credential kept in a file (a bearer token, a password) and re-read whenever the file's
// modification time or size changes, so a rotated Secret is picked up without a restart. Trailing
// whitespace is dropped. Thread-safe.
class SecretFile {
 public:
  explicit SecretFile(std::string path);

  // The file's current content. While a rotation briefly removes the file, the last content read is
  // returned; a file never read is Unauthenticated naming the path.
  Result<std::string> read();

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  std::mutex mutex_;
  std::string cached_;
  std::filesystem::file_time_type mtime_{};
  std::uintmax_t size_ = 0;
  bool loaded_ = false;
};

}  // namespace aviary::metrics
