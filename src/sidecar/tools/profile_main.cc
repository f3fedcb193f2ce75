// aviary-profile: writes the reference profile (drift baseline) of a model's training data.
//
//   aviary-profile --input train.csv [--output profile.json] [--bins 10] [--sample-size 1000]
//                  [--seed 0] [--features a,b,c]
//
// The CSV's header names the columns; --features picks and orders them (the model's input order),
// by default every column in file order. "-" (the default for both) is stdin / stdout. The formulas
// are in src/sidecar/drift/README.md. Exit status: 0 written, 1 bad input, 2 bad usage.
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sidecar/drift/csv_table.h"
#include "sidecar/drift/profile_builder.h"

namespace {

using aviary::fail;
using aviary::Result;
namespace drift = aviary::sidecar::drift;

constexpr const char* kUsage =
    "usage: aviary-profile --input FILE.csv [--output FILE.json] [--bins N] [--sample-size N]\n"
    "                      [--seed N] [--features a,b,c]\n";

struct Flags {
  std::string input = "-";
  std::string output = "-";
  std::vector<std::string> features;
  drift::ProfileOptions options;
};

template <typename T>
Result<T> parseUnsigned(std::string_view flag, std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return fail(
        aviary::ErrorCode::kInvalidArgument,
        std::string(flag) + ": want a non-negative integer, got \"" + std::string(text) + "\"");
  }
  return value;
}

std::vector<std::string> splitCommas(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t comma = text.find(',');
    parts.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    text.remove_prefix(comma + 1);
  }
}

Result<Flags> parseFlags(int argc, char** argv) {
  Flags flags;
  for (int k = 1; k < argc; ++k) {
    const std::string_view flag = argv[k];
    if (k + 1 >= argc)
      return fail(aviary::ErrorCode::kInvalidArgument, std::string(flag) + ": missing value");
    const std::string_view value = argv[++k];
    if (flag == "--input") {
      flags.input = value;
    } else if (flag == "--output") {
      flags.output = value;
    } else if (flag == "--features") {
      flags.features = splitCommas(value);
    } else if (flag == "--bins") {
      AVIARY_ASSIGN_OR_RETURN(flags.options.bins, parseUnsigned<std::size_t>(flag, value));
    } else if (flag == "--sample-size") {
      AVIARY_ASSIGN_OR_RETURN(flags.options.sample_size, parseUnsigned<std::size_t>(flag, value));
    } else if (flag == "--seed") {
      AVIARY_ASSIGN_OR_RETURN(flags.options.seed, parseUnsigned<std::uint64_t>(flag, value));
    } else {
      return fail(aviary::ErrorCode::kInvalidArgument, "unknown flag " + std::string(flag));
    }
  }
  return flags;
}

Result<std::string> readAll(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(aviary::ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Keeps the named columns, in the order named.
Result<drift::NumericTable> select(drift::NumericTable table,
                                   const std::vector<std::string>& names) {
  if (names.empty()) return table;
  drift::NumericTable picked;
  for (const auto& name : names) {
    std::size_t c = 0;
    while (c < table.names.size() && table.names[c] != name) ++c;
    if (c == table.names.size())
      return fail(aviary::ErrorCode::kInvalidArgument, "no column \"" + name + "\"");
    picked.names.push_back(name);
    picked.columns.push_back(std::move(table.columns[c]));
  }
  return picked;
}

Result<std::string> profileText(const Flags& flags) {
  AVIARY_ASSIGN_OR_RETURN(const std::string csv, readAll(flags.input));
  AVIARY_ASSIGN_OR_RETURN(auto table, drift::parseNumericCsv(csv));
  AVIARY_ASSIGN_OR_RETURN(table, select(std::move(table), flags.features));
  AVIARY_ASSIGN_OR_RETURN(const auto profile, drift::buildProfile(table, flags.options));
  return profile.toJson().dump(2) + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  auto flags = parseFlags(argc, argv);
  if (!flags) {
    std::cerr << "aviary-profile: " << flags.error().message << "\n" << kUsage;
    return 2;
  }
  auto text = profileText(*flags);
  if (!text) {
    std::cerr << "aviary-profile: " << text.error().message << "\n";
    return 1;
  }
  if (flags->output == "-") {
    std::cout << *text;
    return 0;
  }
  std::ofstream file(flags->output, std::ios::binary);
  file << *text;
  if (!file.flush()) {
    std::cerr << "aviary-profile: cannot write " << flags->output << "\n";
    return 1;
  }
  return 0;
}
