#include "http/server.h"

#include <strings.h>

#include <nlohmann/json.hpp>

namespace aviary::http {

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return {};
}

Response errorResponse(int status, std::string_view message) {
  nlohmann::json body = {{"error", message}};
  return Response{status, "application/json", body.dump(), {}};
}

}  // namespace aviary::http
