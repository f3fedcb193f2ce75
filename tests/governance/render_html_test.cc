#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "governance/format.h"
#include "governance/render.h"
#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

constexpr const char* kGolden = "tests/governance/testdata/card.html";

std::size_t count(const std::string& text, const std::regex& pattern) {
  return static_cast<std::size_t>(std::distance(
      std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

TEST(RenderHtmlTest, MatchesTheGoldenCard) {
  const auto got = renderHtml(testing::sampleCard());
  EXPECT_EQ(got, testing::readGolden(kGolden, got));
}

TEST(RenderHtmlTest, IsSelfContained) {
  const auto html = renderHtml(testing::sampleCard());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(RenderHtmlTest, EscapesUserText) {
  const auto html = renderHtml(testing::sampleCard());
  EXPECT_NE(html.find("Ranking retention offers &lt;not credit&gt; | internal"), std::string::npos);
  EXPECT_EQ(html.find("<not credit>"), std::string::npos);
}

// What a browser shows: Debian's headless Chromium loads the page and dumps the DOM it built.
std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/"}) {
      const std::string path = std::string(dir) + name;
      if (::access(path.c_str(), X_OK) == 0) return path;
    }
  }
  return "";
}

TEST(RenderHtmlTest, ChromiumShowsTheTimelineAndOneChartPerGateWithTheRealValues) {
  const std::string browser = chromium();
  if (browser.empty()) {
    GTEST_SKIP() << "chromium is not installed (apt-get install -y chromium, or "
                    "scripts/install-deps.sh); the rendered-page check did not run";
  }
  const auto card = testing::sampleCard();
  const auto dir =
      std::filesystem::temp_directory_path() / ("aviary-card-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto page = dir / "card.html";
  std::ofstream(page) << renderHtml(card);
  const std::string command = browser +
                              " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                              "--user-data-dir=" +
                              (dir / "profile").string() + " --dump-dom file://" + page.string() +
                              " 2>/dev/null";
  std::string dom;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    std::array<char, 4096> buffer;
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
      dom.append(buffer.data(), n);
    ::pclose(pipe);
  }
  std::filesystem::remove_all(dir);
  ASSERT_NE(dom.find("<table id=\"timeline\">"), std::string::npos) << dom.substr(0, 2000);

  // The timeline: one row per entry, in order.
  EXPECT_EQ(count(dom, std::regex("<tr class=\"event\"")), card.timeline.size());
  std::size_t last = 0;
  for (const auto& entry : card.timeline) {
    const auto pos = dom.find("<td>" + entry.detail + "</td>", last);
    ASSERT_NE(pos, std::string::npos) << entry.detail;
    last = pos;
  }
  // One chart per gate, holding that gate's measured values and its thresholds.
  EXPECT_EQ(count(dom, std::regex("<svg class=\"gate-chart\"")), card.gates.size());
  for (const auto& gate : card.gates) {
    const auto start = dom.find("<svg class=\"gate-chart\" data-gate=\"" + gate.name + "\"");
    ASSERT_NE(start, std::string::npos) << gate.name;
    const std::string chart = dom.substr(start, dom.find("</svg>", start) - start);
    std::size_t measured = 0;
    for (const auto& sample : gate.samples) {
      if (!sample.value) continue;
      ++measured;
      EXPECT_NE(chart.find("data-value=\"" + formatNumber(*sample.value) + "\""), std::string::npos)
          << gate.name << " " << *sample.value;
    }
    EXPECT_EQ(count(chart, std::regex("<circle class=\"sample\"")), measured) << gate.name;
    if (gate.max) {
      EXPECT_NE(chart.find("data-threshold=\"max\""), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace aviary::governance
