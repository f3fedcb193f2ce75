#include "sidecar/runtime/lightgbm/objective.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "sidecar/runtime/lightgbm/text_model.h"

namespace aviary::sidecar::lightgbm {
namespace {

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

// Integer powers the way LightGBM's reader computes them (by halving and thirding the
// exponent), which decides the last bit of a long fraction.
double powerOf(double base, int power) {
  if (power < 0) return 1.0 / powerOf(base, -power);
  if (power == 0) return 1.0;
  if (power % 2 == 0) return powerOf(base * base, power / 2);
  if (power % 3 == 0) return powerOf(base * base * base, power / 3);
  return base * powerOf(base, power - 1);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The objective's words, e.g. {"sigmoid", "0.7"} for "sigmoid:0.7" or {"sqrt", ""}.
struct Parameters {
  bool sqrt = false;
  std::optional<double> sigmoid;
  std::optional<int> num_class;
};

Result<Parameters> readParameters(std::string_view name,
                                  const std::vector<std::string_view>& tokens, bool takes_sqrt,
                                  bool takes_sigmoid, bool takes_num_class) {
  Parameters parameters;
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const std::string_view token = tokens[i];
    const std::size_t colon = token.find(':');
    const std::string_view key = token.substr(0, colon);
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : token.substr(colon + 1);
    if (token == "sqrt" && takes_sqrt) {
      parameters.sqrt = true;
    } else if (key == "sigmoid" && takes_sigmoid && colon != std::string_view::npos) {
      AVIARY_ASSIGN_OR_RETURN(parameters.sigmoid, parseLightgbmDecimal(value));
    } else if (key == "num_class" && takes_num_class && colon != std::string_view::npos) {
      int count = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
        return invalid(fmt::format("objective {}: num_class:{} is not a number", std::string(name),
                                   std::string(value.substr(0, 20))));
      }
      parameters.num_class = count;
    } else {
      std::string shown(token.substr(0, 40));
      for (char& c : shown) {
        if (c < 0x20 || c >= 0x7f) c = '?';
      }
      return invalid(
          fmt::format("objective {}: unsupported parameter \"{}\"", std::string(name), shown));
    }
  }
  return parameters;
}

}  // namespace

Result<double> parseLightgbmDecimal(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && text[at] == ' ') ++at;
  double sign = 1.0;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) {
    if (text[at] == '-') sign = -1.0;
    ++at;
  }
  const std::string_view rest = text.substr(at);
  if (rest.empty()) return invalid("an empty number");
  if (!isDigit(rest[0]) && rest[0] != '.' && rest[0] != 'e' && rest[0] != 'E') {
    std::string word(rest.substr(0, 16));
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (rest.size() > 16) word += "...";
    if (word == "na" || word == "nan" || word == "null") {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (word == "inf" || word == "infinity") return sign * 1e308;
    for (char& c : word) {
      if (c < 0x20 || c >= 0x7f) c = '?';
    }
    return invalid(fmt::format("\"{}\" is not a number", word));
  }
  double value = 0.0;
  for (; at < text.size() && isDigit(text[at]); ++at) value = value * 10.0 + (text[at] - '0');
  if (at < text.size() && text[at] == '.') {
    double fraction = 0.0;
    int digits = 0;
    for (++at; at < text.size() && isDigit(text[at]); ++at, ++digits) {
      fraction = (text[at] - '0') + fraction * 10.0;
    }
    value += fraction / powerOf(10.0, digits);
  }
  bool divide = false;
  double scale = 1.0;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) {
      divide = text[at] == '-';
      ++at;
    }
    std::uint32_t exponent = 0;  // wraps on overflow, as LightGBM's does
    for (; at < text.size() && isDigit(text[at]); ++at) {
      exponent = exponent * 10 + static_cast<std::uint32_t>(text[at] - '0');
    }
    exponent = std::min<std::uint32_t>(exponent, 308);
    for (; exponent >= 50; exponent -= 50) scale *= 1e50;
    for (; exponent >= 8; exponent -= 8) scale *= 1e8;
    for (; exponent > 0; --exponent) scale *= 10.0;
  }
  if (at != text.size()) return invalid("trailing characters after a number");
  return sign * (divide ? value / scale : value * scale);
}

Result<Objective> parseObjective(std::string_view text) {
  const auto tokens = splitSpaces(text);
  if (tokens.empty()) return invalid("the objective line is empty");
  Objective objective;
  const std::string_view name = tokens[0];
  objective.name = std::string(name);

  const bool plain_regression = name == "regression" || name == "regression_l1" || name == "fair" ||
                                name == "quantile" || name == "mape";
  if (plain_regression || name == "huber") {
    AVIARY_ASSIGN_OR_RETURN(const Parameters p, readParameters(name, tokens, true, false, false));
    // LightGBM turns "sqrt" off when it reads a huber objective.
    objective.transform =
        (p.sqrt && plain_regression) ? Transform::kSignedSquare : Transform::kIdentity;
  } else if (name == "poisson" || name == "gamma" || name == "tweedie") {
    // Their output is exp(score) with or without "sqrt".
    AVIARY_RETURN_IF_ERROR(readParameters(name, tokens, true, false, false));
    objective.transform = Transform::kExp;
  } else if (name == "binary") {
    AVIARY_ASSIGN_OR_RETURN(const Parameters p, readParameters(name, tokens, false, true, false));
    if (!p.sigmoid || !(*p.sigmoid > 0.0)) {
      return invalid("objective binary: needs sigmoid:<value greater than 0>");
    }
    objective.transform = Transform::kSigmoid;
    objective.sigmoid = *p.sigmoid;
  } else if (name == "cross_entropy") {
    AVIARY_RETURN_IF_ERROR(readParameters(name, tokens, false, false, false));
    objective.transform = Transform::kSigmoid;
  } else if (name == "cross_entropy_lambda") {
    AVIARY_RETURN_IF_ERROR(readParameters(name, tokens, false, false, false));
    objective.transform = Transform::kLog1pExp;
  } else if (name == "lambdarank" || name == "rank_xendcg" || name == "custom") {
    AVIARY_RETURN_IF_ERROR(readParameters(name, tokens, false, false, false));
    objective.transform = Transform::kIdentity;
  } else if (name == "multiclass" || name == "multiclassova") {
    const bool ova = name == "multiclassova";
    AVIARY_ASSIGN_OR_RETURN(const Parameters p, readParameters(name, tokens, false, ova, true));
    if (!p.num_class || *p.num_class < 1) {
      return invalid(fmt::format("objective {}: needs num_class:<count>", objective.name));
    }
    objective.num_class = *p.num_class;
    objective.transform = ova ? Transform::kSigmoidEach : Transform::kSoftmax;
    if (ova) {
      if (!p.sigmoid || !(*p.sigmoid > 0.0)) {
        return invalid("objective multiclassova: needs sigmoid:<value greater than 0>");
      }
      objective.sigmoid = *p.sigmoid;
    }
  } else {
    std::string shown(name.substr(0, 40));
    for (char& c : shown) {
      if (c < 0x20 || c >= 0x7f) c = '?';
    }
    return invalid(fmt::format("objective \"{}\" is not supported", shown));
  }
  return objective;
}

Objective noObjective(int num_tree_per_iteration) {
  Objective objective;
  objective.name = "none";
  objective.num_class = num_tree_per_iteration;
  return objective;
}

void convertOutput(const Objective& objective, std::span<double> scores) {
  switch (objective.transform) {
    case Transform::kIdentity:
      return;
    case Transform::kSignedSquare: {
      const double x = scores[0];
      const int sign = (x > 0.0) - (x < 0.0);
      scores[0] = static_cast<double>(sign) * x * x;
      return;
    }
    case Transform::kSigmoid:
      scores[0] = 1.0 / (1.0 + std::exp(-objective.sigmoid * scores[0]));
      return;
    case Transform::kExp:
      scores[0] = std::exp(scores[0]);
      return;
    case Transform::kLog1pExp:
      scores[0] = std::log1p(std::exp(scores[0]));
      return;
    case Transform::kSoftmax: {
      double largest = scores[0];
      for (std::size_t k = 1; k < scores.size(); ++k) largest = std::max(scores[k], largest);
      double sum = 0.0;
      for (double& score : scores) {
        score = std::exp(score - largest);
        sum += score;
      }
      for (double& score : scores) score /= sum;
      return;
    }
    case Transform::kSigmoidEach:
      for (double& score : scores) score = 1.0 / (1.0 + std::exp(-objective.sigmoid * score));
      return;
  }
}

}  // namespace aviary::sidecar::lightgbm
