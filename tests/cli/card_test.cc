#include "cli/card.h"

#include <gtest/gtest.h>

#include <vector>

namespace aviary::cli {
namespace {

using nlohmann::json;

// churn in ml whose history holds `revisions`, oldest first.
DeploymentView withHistory(const std::vector<std::string>& revisions) {
  DeploymentView view;
  view.name = "churn";
  view.ns = "ml";
  for (const auto& revision : revisions) {
    api::HistoryEntry entry;
    entry.revision = revision;
    view.status.history.push_back(entry);
  }
  return view;
}

struct RevisionCase {
  std::string wanted;
  std::string revision;  // empty: an error containing `message`
  std::string message;
};

TEST(CardRevisionTest, NamesOneRevisionOfTheHistory) {
  // Oldest first: 1a2b3c4d5e was promoted, 1a2bffffff rolled back, 9f00000000 promoted last.
  const DeploymentView view = withHistory({"1a2b3c4d5e", "1a2bffffff", "9f00000000"});
  const std::vector<RevisionCase> cases = {
      {"", "9f00000000", ""},
      {"1a2b3c4d5e", "1a2b3c4d5e", ""},
      {"1a2b3", "1a2b3c4d5e", ""},
      {"9f00", "9f00000000", ""},
      {"1a2b", "",
       "revision \"1a2b\" is ambiguous in the history of ml/churn (1a2bffffff, 1a2b3c4d5e); the "
       "revisions with cards: 9f00000000, 1a2bffffff, 1a2b3c4d5e"},
      {"dead", "",
       "no revision \"dead\" in the history of ml/churn; the revisions with cards: 9f00000000, "
       "1a2bffffff, 1a2b3c4d5e"},
      {"9f00000000ff", "", "no revision \"9f00000000ff\""},
  };
  for (const auto& c : cases) {
    auto got = cardRevision(view, c.wanted);
    if (c.revision.empty()) {
      ASSERT_FALSE(got.has_value()) << c.wanted << " -> " << *got;
      EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
      EXPECT_NE(got.error().message.find(c.message), std::string::npos)
          << "got: " << got.error().message << "\nwant: " << c.message;
    } else {
      ASSERT_TRUE(got.has_value()) << c.wanted << ": " << got.error().message;
      EXPECT_EQ(*got, c.revision) << c.wanted;
    }
  }
}

TEST(CardRevisionTest, ARevisionThatEndedTwiceIsListedOnceAndCountsOnce) {
  // Aborted, retried, promoted: one revision, one card.
  const DeploymentView view = withHistory({"1a2b3c4d5e", "9f00000000", "9f00000000"});
  auto got = cardRevision(view, "9f00");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, "9f00000000");
  auto unknown = cardRevision(view, "beef");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("with cards: 9f00000000, 1a2b3c4d5e"), std::string::npos)
      << unknown.error().message;
}

TEST(CardRevisionTest, NoHistoryMeansNoCard) {
  auto got = cardRevision(withHistory({}), "");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message, "ml/churn has no finished rollout yet, so no card");
  EXPECT_FALSE(cardRevision(withHistory({}), "1a2b").has_value());
}

TEST(CardDataTest, ReadsOneKeyOrNamesTheMissingOne) {
  const json config_map = {{"metadata", {{"name", "churn-1a2b3c4d5e-card"}}},
                           {"data", {{"card.md", "# Model card\n"}, {"card.json", 7}}}};
  auto markdown = cardData(config_map, "card.md");
  ASSERT_TRUE(markdown.has_value()) << markdown.error().message;
  EXPECT_EQ(*markdown, "# Model card\n");
  auto html = cardData(config_map, "card.html");
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().message, "configmap \"churn-1a2b3c4d5e-card\" has no key \"card.html\"");
  EXPECT_FALSE(cardData(config_map, "card.json").has_value()) << "a value that is not a string";
  EXPECT_FALSE(cardData(json{{"metadata", {{"name", "x"}}}}, "card.md").has_value()) << "no data";
}

}  // namespace
}  // namespace aviary::cli
