#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "common/result.h"

namespace aviary::kube {

// The bearer token for each request. A token file is re-read whenever its modification time or size
// changes, so projected service-account tokens (rotated by the kubelet) are picked up without a
// restart; a fixed token is returned as is. An empty result means "no bearer token". Thread-safe.
class TokenSource {
 public:
  TokenSource(std::string fixed_token, std::string token_file);

  Result<std::string> token();

 private:
  std::string fixed_;
  std::string file_;
  std::mutex mutex_;
  std::string cached_;
  std::filesystem::file_time_type cached_mtime_{};
  std::uintmax_t cached_size_ = 0;
  bool loaded_ = false;
};

}  // namespace aviary::kube
