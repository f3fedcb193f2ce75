#include "sidecar/loader/artifact_fetcher.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace aviary::sidecar {
namespace {

Result<std::string> readFile(std::string_view uri, const FetchOptions& options) {
  const std::string path(uri.starts_with("file://") ? uri.substr(7) : uri);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(ErrorCode::kNotFound, fmt::format("reading {}: {}", path, ec.message()));
  if (size > options.max_bytes) {
    return fail(ErrorCode::kResourceExhausted, fmt::format("{} has {} bytes, over the limit of {}",
                                                           path, size, options.max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) {
    return fail(ErrorCode::kUnavailable, fmt::format("short read of {}", path));
  }
  return bytes;
}

}  // namespace

Result<std::string> fetchArtifact(std::string_view uri, const FetchOptions& options) {
  if (uri.starts_with("http://") || uri.starts_with("https://")) return http::fetch(uri, options);
  if (uri.starts_with("file://") || uri.starts_with("/")) return readFile(uri, options);
  return fail(ErrorCode::kInvalidArgument,
              fmt::format("unsupported model URI '{}'; use file://, http:// or https://", uri));
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i)
    fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

}  // namespace aviary::sidecar
