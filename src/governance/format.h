#pragma once

#include <optional>
#include <string>
#include <string_view>

// Text helpers shared by the renderers.
namespace aviary::governance {

// A number as a person reads it: up to 6 significant digits, no trailing zeros ("0.25", "120").
std::string formatNumber(double value);
std::string formatNumber(const std::optional<double>& value, std::string_view absent = "-");

// Text made safe for HTML element content and attribute values.
std::string escapeHtml(std::string_view text);

// Text made safe inside a Markdown table cell (pipes and newlines).
std::string escapeMarkdownCell(std::string_view text);

}  // namespace aviary::governance
