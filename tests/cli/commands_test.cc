#include "cli/commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include "kube/resource.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_kube.h"

namespace aviary::cli {
namespace {

using kube::Json;
using std::chrono::seconds;

const kube::ResourceRef kMds = kube::resources::kModelDeployments;
const kube::ResourceRef kEvents{"", "v1", "events", "", ""};
const kube::ResourceRef kConfigMaps = kube::resources::kConfigMaps;

Invocation invocation(Command command, std::vector<std::string> names = {}) {
  Invocation out;
  out.command = command;
  out.names = std::move(names);
  return out;
}

class CommandsTest : public ::testing::Test {
 protected:
  // A ModelDeployment `name` in `ns`, with `status` written through the status subresource.
  void add(const std::string& ns, const std::string& name, Json status) {
    Json object = {
        {"apiVersion", "aviary.dev/v1alpha1"},
        {"kind", "ModelDeployment"},
        {"metadata", {{"name", name}}},
        {"spec",
         {{"model", {{"name", name}, {"version", "2"}, {"uri", "file:///m"}}},
          {"strategy", {{"steps", {{{"setWeight", 30}}, {{"pause", Json::object()}}}}}},
          {"analysis",
           {{"interval", "5s"},
            {"metrics", {{{"name", "error-rate"}, {"builtin", "errorRate"}, {"max", 5}}}}}}}}};
    ASSERT_TRUE(kube_.create(kMds.in(ns), object).has_value());
    setStatus(ns, name, std::move(status));
  }

  void setStatus(const std::string& ns, const std::string& name, Json status) {
    auto object = kube_.get(kMds.in(ns).named(name));
    ASSERT_TRUE(object.has_value());
    status["observedGeneration"] = (*object)["metadata"]["generation"];
    (*object)["status"] = std::move(status);
    ASSERT_TRUE(kube_.updateStatus(kMds.in(ns).named(name), *object).has_value());
  }

  void addEvent(const std::string& ns, const std::string& about, const std::string& name,
                const std::string& reason, const std::string& message) {
    Json event = {{"metadata", {{"name", name}}},
                  {"involvedObject", {{"kind", "ModelDeployment"}, {"name", about}}},
                  {"type", "Warning"},
                  {"reason", reason},
                  {"message", message},
                  {"lastTimestamp", "2026-12-01T10:00:00Z"}};
    ASSERT_TRUE(kube_.create(kEvents.in(ns), event).has_value());
  }

  // The card ConfigMap the controller writes for `revision` of `md`: each rendering names the
  // revision, so a test sees which card it got.
  void addCard(const std::string& ns, const std::string& md, const std::string& revision,
               Json data = nullptr) {
    if (data.is_null()) {
      data = {{"card.md", "# Model card: " + md + " revision " + revision + "\n"},
              {"card.json", Json{{"revision", revision}}.dump(2) + "\n"},
              {"card.html", "<!DOCTYPE html>\n<title>" + revision + "</title>\n"}};
    }
    Json config_map = {
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata",
         {{"name", md + "-" + revision + "-card"},
          {"labels",
           {{"aviary.dev/modeldeployment", md}, {"aviary.dev/card-revision", revision}}}}},
        {"data", std::move(data)}};
    ASSERT_TRUE(kube_.create(kConfigMaps.in(ns), config_map).has_value());
  }

  int run(const Invocation& what, const std::string& ns = "ml") {
    Session session{
        .client = kube_,
        .clock = clock_,
        .monotonic = monotonic_,
        .sleep =
            [this](Duration d) {
              monotonic_.advance(d);
              clock_.advance(d);
              ++sleeps_;
              if (between_polls_) between_polls_(sleeps_);
            },
        .terminal = [this] { return terminal_; },
        .out = out_,
        .err = err_,
        .poll_interval = seconds{1},
    };
    return cli::run(what, ns, session);
  }

  Json requests(const std::string& ns, const std::string& name) {
    return (*kube_.get(kMds.in(ns).named(name)))["status"].value("requests", Json::object());
  }

  testing::FakeClock clock_;
  testing::FakeMonotonicClock monotonic_;
  testing::FakeKube kube_{std::shared_ptr<Clock>(&clock_, [](Clock*) {})};
  Terminal terminal_;
  std::function<void(int)> between_polls_;
  int sleeps_ = 0;
  std::ostringstream out_;
  std::ostringstream err_;
};

const Json kProgressing = {{"phase", "Progressing"},
                           {"stableRevision", "aaaaaaaaaa"},
                           {"canaryRevision", "bbbbbbbbbb"},
                           {"canaryWeight", 30}};
const Json kSucceeded = {{"phase", "Succeeded"}, {"stableRevision", "bbbbbbbbbb"}};

TEST_F(CommandsTest, GetListsTheNamespaceAsATable) {
  add("ml", "churn", kProgressing);
  add("ml", "aardvark", kSucceeded);
  add("other", "iris", kSucceeded);
  EXPECT_EQ(run(invocation(Command::kGet)), kExitOk);
  EXPECT_EQ(out_.str(),
            "NAME       PHASE         STEP   WEIGHT   STABLE       CANARY       AGE\n"
            "aardvark   Succeeded     -      0%       bbbbbbbbbb   -            0s\n"
            "churn      Progressing   1/2    30%      aaaaaaaaaa   bbbbbbbbbb   0s\n");
}

TEST_F(CommandsTest, GetAllNamespacesAddsTheNamespaceColumn) {
  add("ml", "churn", kProgressing);
  add("other", "iris", kSucceeded);
  Invocation all = invocation(Command::kGet);
  all.cluster.all_namespaces = true;
  EXPECT_EQ(run(all), kExitOk);
  EXPECT_NE(out_.str().find("NAMESPACE   NAME"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("\nother       iris "), std::string::npos) << out_.str();
}

TEST_F(CommandsTest, GetOfAnEmptyNamespaceSaysSoLikeKubectl) {
  EXPECT_EQ(run(invocation(Command::kGet), "empty"), kExitOk);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "No resources found in empty namespace.\n");
}

TEST_F(CommandsTest, AMissingObjectIsExitCodeOneNamingObjectAndNamespace) {
  add("ml", "churn", kProgressing);
  EXPECT_EQ(run(invocation(Command::kGet, {"churn", "nope"})), kExitError);
  EXPECT_NE(out_.str().find("churn"), std::string::npos) << "the rows found are printed";
  EXPECT_EQ(err_.str(), "error: modeldeployment \"nope\" not found in namespace \"ml\"\n");
  for (auto command : {Command::kStatus, Command::kPromote, Command::kAbort, Command::kRetry,
                       Command::kPause, Command::kResume, Command::kHistory, Command::kCard}) {
    err_.str("");
    EXPECT_EQ(run(invocation(command, {"nope"}), "elsewhere"), kExitError);
    EXPECT_EQ(err_.str(), "error: modeldeployment \"nope\" not found in namespace \"elsewhere\"\n");
  }
}

TEST_F(CommandsTest, RequestsAreMergedIntoStatusRequests) {
  add("ml", "churn", kProgressing);
  EXPECT_EQ(run(invocation(Command::kPause, {"churn"})), kExitOk);
  EXPECT_EQ(out_.str(), "modeldeployment.aviary.dev/churn (namespace ml): pause requested\n");
  Invocation full = invocation(Command::kPromote, {"churn"});
  full.full = true;
  EXPECT_EQ(run(full), kExitOk);
  EXPECT_EQ(requests("ml", "churn"), (Json{{"paused", true}, {"promote", "full"}}));
  const auto status = (*kube_.get(kMds.in("ml").named("churn")))["status"];
  EXPECT_EQ(status["phase"], "Progressing") << "nothing but requests is written";
}

TEST_F(CommandsTest, ARequestThatCannotApplyWritesNothing) {
  add("ml", "churn", kProgressing);
  const auto writes = kube_.writes().size();
  EXPECT_EQ(run(invocation(Command::kRetry, {"churn"})), kExitError);
  EXPECT_EQ(kube_.writes().size(), writes);
  EXPECT_EQ(err_.str(),
            "error: retry ml/churn: only a failed rollout can be retried (phase Progressing)\n");
}

TEST_F(CommandsTest, HistoryListsEndedRollouts) {
  Json status = kSucceeded;
  status["history"] = {{{"revision", "aaaaaaaaaa"},
                        {"outcome", "Promoted"},
                        {"reason", "InitialDeploy"},
                        {"at", "2026-12-01T10:00:00Z"}}};
  add("ml", "churn", status);
  EXPECT_EQ(run(invocation(Command::kHistory, {"churn"})), kExitOk);
  EXPECT_NE(out_.str().find("aaaaaaaaaa   Promoted   2026-12-01T10:00:00Z"), std::string::npos)
      << out_.str();
}

Invocation card(std::string revision = "") {
  Invocation out = invocation(Command::kCard, {"churn"});
  out.revision = std::move(revision);
  return out;
}

// churn's history, oldest first: 1a2b3c4d5e promoted, 1a2bffffff rolled back, 9f00000000 promoted.
Json endedThrice() {
  Json status = kSucceeded;
  status["history"] = Json::array();
  for (const auto& [revision, outcome] :
       {std::pair{"1a2b3c4d5e", "Promoted"}, std::pair{"1a2bffffff", "RolledBack"},
        std::pair{"9f00000000", "Promoted"}}) {
    status["history"].push_back({{"revision", revision},
                                 {"outcome", outcome},
                                 {"reason", "test"},
                                 {"at", "2026-12-01T10:00:00Z"}});
  }
  return status;
}

TEST_F(CommandsTest, CardShowsTheNewestEndedRolloutsMarkdownByDefault) {
  add("ml", "churn", endedThrice());
  for (const auto* revision : {"1a2b3c4d5e", "1a2bffffff", "9f00000000"}) {
    addCard("ml", "churn", revision);
  }
  EXPECT_EQ(run(card()), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "# Model card: churn revision 9f00000000\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandsTest, CardFindsARevisionByAPrefixOfFourOrMore) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "1a2b3c4d5e");
  addCard("ml", "churn", "1a2bffffff");
  EXPECT_EQ(run(card("1a2b3")), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "# Model card: churn revision 1a2b3c4d5e\n");
  out_.str("");
  EXPECT_EQ(run(card("1a2bffffff")), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "# Model card: churn revision 1a2bffffff\n");
}

TEST_F(CommandsTest, CardOfAnAmbiguousOrUnknownRevisionListsTheRevisionsWithCards) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "1a2b3c4d5e");
  addCard("ml", "churn", "1a2bffffff");
  EXPECT_EQ(run(card("1a2b")), kExitError);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(),
            "error: revision \"1a2b\" is ambiguous in the history of ml/churn (1a2bffffff, "
            "1a2b3c4d5e); the revisions with cards: 9f00000000, 1a2bffffff, 1a2b3c4d5e\n");
  err_.str("");
  EXPECT_EQ(run(card("beef")), kExitError);
  EXPECT_EQ(err_.str(),
            "error: no revision \"beef\" in the history of ml/churn; the revisions with cards: "
            "9f00000000, 1a2bffffff, 1a2b3c4d5e\n");
}

TEST_F(CommandsTest, CardWithoutAnEndedRolloutSaysThereIsNone) {
  add("ml", "churn", kProgressing);
  const auto writes = kube_.writes().size();
  EXPECT_EQ(run(card()), kExitError);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "error: ml/churn has no finished rollout yet, so no card\n");
  EXPECT_EQ(kube_.writes().size(), writes) << "card writes nothing";
}

TEST_F(CommandsTest, CardWhoseConfigMapIsMissingNamesIt) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "1a2b3c4d5e");  // the newest, 9f00000000, has none
  EXPECT_EQ(run(card()), kExitError);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(),
            "error: the card of ml/churn revision 9f00000000 is missing: configmap "
            "\"churn-9f00000000-card\" not found in namespace \"ml\" (not written yet, or the "
            "revision left status.history)\n");
}

TEST_F(CommandsTest, CardWithoutTheAskedKeyNamesIt) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "9f00000000", Json{{"card.md", "# Model card\n"}});
  Invocation json = card();
  json.json = true;
  EXPECT_EQ(run(json), kExitError);
  EXPECT_EQ(err_.str(), "error: configmap \"churn-9f00000000-card\" has no key \"card.json\"\n");
}

TEST_F(CommandsTest, CardJsonPrintsCardJson) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "9f00000000");
  Invocation json = card("9f00");
  json.json = true;
  EXPECT_EQ(run(json), kExitOk) << err_.str();
  EXPECT_EQ(Json::parse(out_.str()), (Json{{"revision", "9f00000000"}})) << out_.str();
}

TEST_F(CommandsTest, CardHtmlWritesTheFileAndSaysHowBig) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "9f00000000");
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("aviary-cli-card-" + std::to_string(::getpid()) + ".html");
  Invocation html = card();
  html.html = path.string();
  EXPECT_EQ(run(html), kExitOk) << err_.str();
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  const std::string page = "<!DOCTYPE html>\n<title>9f00000000</title>\n";
  EXPECT_EQ(written, page);
  EXPECT_EQ(out_.str(), "") << "the page goes to the file only";
  EXPECT_EQ(err_.str(),
            "wrote " + path.string() + " (" + std::to_string(page.size()) + " bytes)\n");
}

TEST_F(CommandsTest, CardHtmlToDashGoesToStdout) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "9f00000000");
  Invocation html = card();
  html.html = "-";
  EXPECT_EQ(run(html), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "<!DOCTYPE html>\n<title>9f00000000</title>\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandsTest, CardHtmlToAFileThatCannotBeWrittenSaysWhy) {
  add("ml", "churn", endedThrice());
  addCard("ml", "churn", "9f00000000");
  Invocation html = card();
  html.html = "/nonexistent-dir/card.html";
  EXPECT_EQ(run(html), kExitError);
  EXPECT_EQ(err_.str().rfind("error: writing /nonexistent-dir/card.html: ", 0), 0u) << err_.str();
}

TEST_F(CommandsTest, StatusPrintsTheViewOnce) {
  add("ml", "churn", kProgressing);
  addEvent("ml", "churn", "e1", "RequestIgnored", "resume ignored: not paused");
  addEvent("ml", "other", "e2", "Elsewhere", "about another object");
  EXPECT_EQ(run(invocation(Command::kStatus, {"churn"})), kExitOk);
  const std::string view = out_.str();
  EXPECT_EQ(view.rfind("ModelDeployment ml/churn", 0), 0u) << view;
  EXPECT_NE(view.find("RequestIgnored"), std::string::npos) << view;
  EXPECT_EQ(view.find("Elsewhere"), std::string::npos) << view;
  EXPECT_EQ(view.find("\x1b["), std::string::npos) << "no colour off a terminal";
}

Invocation watch(std::optional<Duration> timeout = std::nullopt) {
  Invocation out = invocation(Command::kStatus, {"churn"});
  out.watch = true;
  out.timeout = timeout;
  return out;
}

TEST_F(CommandsTest, WatchPrintsALinePerChangeAndExitsZeroOnceSucceeded) {
  add("ml", "churn", kProgressing);
  between_polls_ = [this](int poll) {
    if (poll == 2) {
      Json next = kProgressing;
      next["canaryWeight"] = 60;
      next["currentStep"] = 1;
      setStatus("ml", "churn", next);
      addEvent("ml", "churn", "e1", "StepAdvanced", "step 2/2");
    }
    if (poll == 4) setStatus("ml", "churn", kSucceeded);
  };
  EXPECT_EQ(run(watch()), kExitOk);
  EXPECT_EQ(sleeps_, 4);
  std::vector<std::string> lines;
  std::istringstream in(out_.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line.substr(line.find(' ') + 1));
  ASSERT_EQ(lines.size(), 4u) << out_.str();
  EXPECT_EQ(lines[0].rfind("Progressing step 1/2 weight 30%", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("Progressing step 2/2 weight 60%", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2], "  event Warning StepAdvanced: step 2/2");
  EXPECT_EQ(lines[3].rfind("Succeeded weight 0% stable bbbbbbbbbb", 0), 0u) << lines[3];
}

TEST_F(CommandsTest, WatchExitsThreeWhenTheRolloutFails) {
  add("ml", "churn", kProgressing);
  between_polls_ = [this](int) {
    Json failed = {
        {"phase", "Failed"}, {"stableRevision", "aaaaaaaaaa"}, {"canaryRevision", "bbbbbbbbbb"}};
    setStatus("ml", "churn", failed);
  };
  EXPECT_EQ(run(watch()), kExitDegraded);
}

TEST_F(CommandsTest, WatchExitsThreeWhenStalled) {
  Json stalled = kProgressing;
  stalled["conditions"] = {{{"type", "Stalled"},
                            {"status", "True"},
                            {"reason", "ProgressDeadlineExceeded"},
                            {"message", ""},
                            {"lastTransitionTime", "2026-12-01T10:00:00Z"},
                            {"observedGeneration", 1}}};
  add("ml", "churn", stalled);
  EXPECT_EQ(run(watch()), kExitDegraded);
}

TEST_F(CommandsTest, WatchWaitsForTheControllerToSeeTheSpec) {
  add("ml", "churn", kSucceeded);
  // A new spec: generation 2, while the status still speaks of generation 1.
  auto object = *kube_.get(kMds.in("ml").named("churn"));
  object["spec"]["model"]["version"] = "3";
  ASSERT_TRUE(kube_.update(kMds.in("ml").named("churn"), object).has_value());
  between_polls_ = [this](int poll) {
    if (poll == 3) setStatus("ml", "churn", kSucceeded);
  };
  EXPECT_EQ(run(watch()), kExitOk);
  EXPECT_EQ(sleeps_, 3);
}

TEST_F(CommandsTest, WatchGivesUpAfterTheTimeoutWithExitFour) {
  add("ml", "churn", kProgressing);
  EXPECT_EQ(run(watch(seconds{10})), kExitTimeout);
  EXPECT_EQ(sleeps_, 10);
  EXPECT_EQ(err_.str(), "error: ml/churn did not finish its rollout within 10s\n");
}

TEST_F(CommandsTest, WatchSaysWhenTheObjectIsDeleted) {
  add("ml", "churn", kProgressing);
  between_polls_ = [this](int) { ASSERT_TRUE(kube_.remove(kMds.in("ml").named("churn"))); };
  EXPECT_EQ(run(watch()), kExitError);
  EXPECT_EQ(err_.str(), "error: modeldeployment \"churn\" was deleted from namespace \"ml\"\n");
}

TEST_F(CommandsTest, WatchRetriesWhatMaySucceedLater) {
  add("ml", "churn", kProgressing);
  kube_.failNext("get", {ErrorCode::kUnavailable, "connection refused"});
  between_polls_ = [this](int) { setStatus("ml", "churn", kSucceeded); };
  EXPECT_EQ(run(watch()), kExitOk);
  EXPECT_EQ(err_.str(), "error: connection refused; retrying\n");
}

TEST_F(CommandsTest, WatchOnATerminalRedrawsInPlace) {
  add("ml", "churn", kProgressing);
  terminal_ = {.is_tty = true, .color = false, .width = 60, .height = 50};
  between_polls_ = [this](int) { setStatus("ml", "churn", kSucceeded); };
  EXPECT_EQ(run(watch()), kExitOk);
  const std::string screen = out_.str();
  const auto second = screen.find("\x1b[J");
  ASSERT_NE(second, std::string::npos);
  const std::string first_frame = screen.substr(0, second);
  const auto lines = std::count(first_frame.begin(), first_frame.end(), '\n');
  const std::string back = "\x1b[" + std::to_string(lines) + "F";
  EXPECT_EQ(screen.substr(second + 3, back.size()), back)
      << "the second frame starts where the first began";
  EXPECT_EQ(first_frame.find("\x1b[K\n"), first_frame.find('\n') - 3) << "lines end cleared";
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    std::string visible;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
      } else if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) {
        visible += 'x';
      }
    }
    EXPECT_LE(visible.size(), 60u) << line;
  }
}

TEST_F(CommandsTest, AFrameNeverOutgrowsTheWindow) {
  add("ml", "churn", kProgressing);
  terminal_ = {.is_tty = true, .color = true, .width = 0, .height = 5};
  between_polls_ = [this](int) { setStatus("ml", "churn", kSucceeded); };
  EXPECT_EQ(run(watch()), kExitOk);
  const std::string screen = out_.str();
  const std::string first_frame = screen.substr(0, screen.find("\x1b[J"));
  EXPECT_EQ(std::count(first_frame.begin(), first_frame.end(), '\n'), 4);
  EXPECT_NE(screen.find("\x1b[4F"), std::string::npos);
}

}  // namespace
}  // namespace aviary::cli
