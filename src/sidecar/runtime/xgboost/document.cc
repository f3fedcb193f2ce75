#include "sidecar/runtime/xgboost/document.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

namespace aviary::sidecar::xgboost {
namespace {

enum class Format { kJson, kUbjson, kOther };

// Both serialisations of an XGBoost model are one object: JSON text opens with '{' and then
// whitespace, '"' or '}'; UBJSON with '{' and the type marker of the first key's length.
Format detect(std::span<const std::byte> bytes) {
  std::size_t at = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (at < bytes.size() && is_space(static_cast<char>(bytes[at]))) ++at;
  if (at + 1 >= bytes.size() || static_cast<char>(bytes[at]) != '{') return Format::kOther;
  const char next = static_cast<char>(bytes[at + 1]);
  if (next == '"' || next == '}' || is_space(next)) return Format::kJson;
  if (next == 'L' || next == 'l' || next == 'I' || next == 'i' || next == 'U') {
    return Format::kUbjson;
  }
  return Format::kOther;
}

// xgboost writes non-finite floats (a NaN loss change, say) as the bare words NaN, Infinity and
// -Infinity, which JSON does not have. Before parsing they become number literals with more
// significant digits than xgboost ever writes (at most 9), and the builder maps those back.
constexpr std::string_view kNanLiteral = "1.2345678901234567890123456789e-300";
constexpr std::string_view kInfinityLiteral = "2.3456789012345678901234567891e-300";
constexpr std::string_view kMinusInfinityLiteral = "-2.3456789012345678901234567891e-300";

// The JSON text with those words replaced outside strings, or nothing when it has none.
std::optional<std::string> withFiniteLiterals(std::string_view text) {
  std::optional<std::string> out;
  bool in_string = false;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    std::string_view word;
    std::string_view literal;
    if (text.substr(i, 9) == "-Infinity") {
      word = "-Infinity";
      literal = kMinusInfinityLiteral;
    } else if (text.substr(i, 8) == "Infinity") {
      word = "Infinity";
      literal = kInfinityLiteral;
    } else if (text.substr(i, 3) == "NaN") {
      word = "NaN";
      literal = kNanLiteral;
    } else {
      continue;
    }
    if (!out) out.emplace();
    out->append(text.substr(copied, i - copied));
    out->append(literal);
    i += word.size() - 1;
    copied = i + 1;
  }
  if (out) out->append(text.substr(copied));
  return out;
}

// Builds a Value from nlohmann's SAX events, with the depth and count limits.
class Builder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit Builder(std::size_t max_values) : max_values_(max_values) {}

  bool null() override { return add(Value{}); }
  bool boolean(bool flag) override {
    Value value;
    value.kind = Value::Kind::kBool;
    value.boolean = flag;
    return add(std::move(value));
  }
  bool number_integer(number_integer_t number) override {
    return addNumber({static_cast<double>(number), static_cast<float>(number), true});
  }
  bool number_unsigned(number_unsigned_t number) override {
    return addNumber({static_cast<double>(number), static_cast<float>(number), true});
  }
  bool number_float(number_float_t number, const string_t& text) override {
    Number parsed{number, static_cast<float>(number), false};
    if (text == kNanLiteral) {
      parsed.value = std::numeric_limits<double>::quiet_NaN();
      parsed.f32 = std::numeric_limits<float>::quiet_NaN();
    } else if (text == kInfinityLiteral || text == kMinusInfinityLiteral) {
      const bool negative = text == kMinusInfinityLiteral;
      parsed.value = negative ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
      parsed.f32 = static_cast<float>(parsed.value);
    } else if (!text.empty()) {
      // Round the decimal text to float32 once, as xgboost does, not through a double.
      float f32 = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), f32);
      if (error == std::errc() && end == text.data() + text.size()) parsed.f32 = f32;
    }
    return addNumber(parsed);
  }
  bool string(string_t& text) override {
    Value value;
    value.kind = Value::Kind::kString;
    value.text = std::move(text);
    return add(std::move(value));
  }
  bool binary(binary_t& /*data*/) override { return refuse("binary values are not expected"); }
  bool start_object(std::size_t /*size*/) override { return open(Value::Kind::kObject); }
  bool key(string_t& name) override {
    key_ = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*size*/) override { return open(Value::Kind::kArray); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& error) override {
    if (error_.empty()) error_ = fmt::format("at byte {}: {}", position, error.what());
    return false;
  }

  Value& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  bool refuse(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool count() {
    if (++values_ > max_values_) return refuse("more values than the input can hold");
    return true;
  }
  bool addNumber(const Number& number) {
    if (!count()) return false;
    if (!stack_.empty()) {
      Value& parent = *stack_.back();
      if (parent.kind == Value::Kind::kArray && parent.items.empty()) {
        parent.numbers.push_back(number);
        return true;
      }
    }
    Value value;
    value.kind = Value::Kind::kNumber;
    value.number = number;
    return place(std::move(value)) != nullptr;
  }
  bool add(Value value) {
    if (!count()) return false;
    return place(std::move(value)) != nullptr;
  }
  // Puts `value` where the next value goes; returns where it now lives.
  Value* place(Value value) {
    if (stack_.empty()) {
      if (done_) return nullptr;
      done_ = true;
      root_ = std::move(value);
      return &root_;
    }
    Value& parent = *stack_.back();
    if (parent.kind == Value::Kind::kObject) {
      parent.names.push_back(std::move(key_));
      parent.members.push_back(std::move(value));
      return &parent.members.back();
    }
    if (!parent.numbers.empty()) {  // a first non-number item: the numbers become items
      for (const Number& number : parent.numbers) {
        Value item;
        item.kind = Value::Kind::kNumber;
        item.number = number;
        parent.items.push_back(std::move(item));
      }
      parent.numbers.clear();
      parent.numbers.shrink_to_fit();
    }
    parent.items.push_back(std::move(value));
    return &parent.items.back();
  }
  bool open(Value::Kind kind) {
    if (stack_.size() >= kMaxDocumentDepth) {
      return refuse(fmt::format("nested deeper than {} levels", kMaxDocumentDepth));
    }
    if (!count()) return false;
    Value value;
    value.kind = kind;
    Value* placed = place(std::move(value));
    if (placed == nullptr) return refuse("more than one top-level value");
    // A container's parent gets no other child while it is open, so `placed` stays valid.
    stack_.push_back(placed);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::size_t max_values_;
  std::size_t values_ = 0;
  bool done_ = false;
  Value root_;
  std::vector<Value*> stack_;
  std::string key_;
  std::string error_;
};

}  // namespace

const Value* Value::find(std::string_view key) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == key) return &members[i];
  }
  return nullptr;
}

Result<Value> readDocument(std::span<const std::byte> bytes) {
  const Format format = detect(bytes);
  if (format == Format::kOther) {
    if (bytes.size() >= 4 && std::string_view(reinterpret_cast<const char*>(bytes.data()), 4) ==
                                 std::string_view("binf")) {
      return fail(ErrorCode::kInvalidArgument,
                  "the legacy binary XGBoost model format is not supported; save the model as "
                  "JSON or UBJSON (booster.save_model(\"model.json\") or \"model.ubj\")");
    }
    return fail(ErrorCode::kInvalidArgument,
                "not an XGBoost model in JSON or UBJSON (the legacy binary format is not "
                "supported; save the model with booster.save_model(\"model.json\") or "
                "\"model.ubj\")");
  }
  // Every value takes at least one byte of the input, except the items of a UBJSON container
  // typed as null or boolean, which take none: bound those by the input's size too.
  Builder builder(bytes.size() + 16);
  const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto* end = begin + bytes.size();
  bool parsed = false;
  if (format == Format::kJson) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const std::optional<std::string> finite = withFiniteLiterals(text);
    const std::string_view input = finite ? std::string_view(*finite) : text;
    parsed = nlohmann::json::sax_parse(input.begin(), input.end(), &builder,
                                       nlohmann::json::input_format_t::json, /*strict=*/true,
                                       /*ignore_comments=*/false);
  } else {
    parsed = nlohmann::json::sax_parse(begin, end, &builder, nlohmann::json::input_format_t::ubjson,
                                       /*strict=*/true);
  }
  if (!parsed) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("the XGBoost model is not valid {}: {}",
                            format == Format::kJson ? "JSON" : "UBJSON",
                            builder.error().empty() ? "parse error" : builder.error()));
  }
  if (builder.root().kind != Value::Kind::kObject) {
    return fail(ErrorCode::kInvalidArgument, "the XGBoost model document is not an object");
  }
  return std::move(builder.root());
}

}  // namespace aviary::sidecar::xgboost
