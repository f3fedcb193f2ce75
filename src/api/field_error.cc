#include "api/field_error.h"

namespace aviary::api {

std::string joinFieldErrors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& error : errors) {
    if (!out.empty()) out += "; ";
    out += error.toString();
  }
  return out;
}

}  // namespace aviary::api
