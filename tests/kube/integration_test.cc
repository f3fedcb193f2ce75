// Runs against a real kube-apiserver: set AVIARY_TEST_KUBECONFIG to its kubeconfig (the local
// control plane of e2e/cluster/up.sh writes one). Without it every test skips and says why.
// AVIARY_TEST_RESTART_APISERVER, when set, is a shell command that restarts the API server; the
// relist-after-restart test needs it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "kube/informer.h"
#include "kube/rest_client.h"
#include "kube/yaml.h"

namespace aviary::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* kubeconfigPath() { return std::getenv("AVIARY_TEST_KUBECONFIG"); }

template <typename F>
bool eventually(F condition, milliseconds patience = seconds{30}) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds{50});
  }
  return condition();
}

class KubeIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kubeconfigPath() == nullptr || *kubeconfigPath() == '\0') {
      GTEST_SKIP() << "AVIARY_TEST_KUBECONFIG is unset: no API server to test against (start one "
                      "with e2e/cluster/up.sh and point AVIARY_TEST_KUBECONFIG at its kubeconfig)";
    }
    auto config = loadKubeconfig(kubeconfigPath());
    ASSERT_TRUE(config.has_value()) << config.error().message;
    config->timeout = seconds{10};
    config_ = *config;
    auto client = RestClient::create(*config);
    ASSERT_TRUE(client.has_value()) << client.error().message;
    client_ = *client;
    ns_ = "aviary-it-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
    Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
    auto created = client_->create(resources::kNamespaces, ns);
    ASSERT_TRUE(created.has_value()) << created.error().message;
  }

  void TearDown() override {
    if (client_) (void)client_->remove(resources::kNamespaces.named(ns_));
  }

  Json configMap(const std::string& name, Json data = Json::object()) const {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", ns_}, {"labels", {{"suite", "kube"}}}}},
            {"data", std::move(data)}};
  }

  RestConfig config_;
  std::shared_ptr<RestClient> client_;
  std::string ns_;
};

TEST_F(KubeIntegrationTest, ConfigMapCrudListPagingAndDelete) {
  ResourceRef cms = resources::kConfigMaps.in(ns_);
  for (const char* name : {"a", "b", "c"}) {
    auto created = client_->create(cms, configMap(name, {{"k", name}}));
    ASSERT_TRUE(created.has_value()) << created.error().message;
  }
  EXPECT_EQ(client_->create(cms, configMap("a")).error().code, ErrorCode::kAlreadyExists);

  auto got = client_->get(cms.named("a"));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ((*got)["data"]["k"], "a");

  Json changed = *got;
  changed["data"]["k"] = "a2";
  auto updated = client_->update(cms, changed);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ((*updated)["data"]["k"], "a2");

  auto patched = client_->patch(cms.named("a"), PatchType::kMerge, {{"data", {{"extra", "1"}}}});
  ASSERT_TRUE(patched.has_value()) << patched.error().message;
  EXPECT_EQ((*patched)["data"]["extra"], "1");

  ListOptions selected;
  selected.label_selector = "suite=kube";
  selected.limit = 2;
  auto page = client_->list(cms, selected);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_FALSE(page->continue_token.empty());
  auto all = listAll(*client_, cms, selected, 2);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0]["kind"], "ConfigMap");

  ListOptions by_name;
  by_name.field_selector = "metadata.name=b";
  EXPECT_EQ(client_->list(cms, by_name)->items.size(), 1u);

  ASSERT_TRUE(client_->remove(cms.named("a")).has_value());
  EXPECT_EQ(client_->get(cms.named("a")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(client_->remove(cms.named("a")).error().code, ErrorCode::kNotFound);
}

TEST_F(KubeIntegrationTest, UpdateWithAStaleResourceVersionIsAConflict) {
  ResourceRef cms = resources::kConfigMaps.in(ns_);
  Json first = *client_->create(cms, configMap("stale", {{"v", "1"}}));
  Json newer = first;
  newer["data"]["v"] = "2";
  ASSERT_TRUE(client_->update(cms, newer).has_value());
  first["data"]["v"] = "3";
  auto stale = client_->update(cms, first);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
}

TEST_F(KubeIntegrationTest, ServerSideApplyOwnsFieldsAsAviary) {
  ResourceRef cm = resources::kConfigMaps.in(ns_).named("applied");
  auto applied = client_->patch(cm, PatchType::kApply, configMap("applied", {{"weight", "10"}}));
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  auto again = client_->patch(cm, PatchType::kApply, configMap("applied", {{"weight", "50"}}));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ((*again)["data"]["weight"], "50");
  bool owned = false;
  for (const auto& entry : (*again)["metadata"]["managedFields"]) {
    if (entry["manager"] == kFieldManager && entry["operation"] == "Apply") owned = true;
  }
  EXPECT_TRUE(owned) << (*again)["metadata"]["managedFields"].dump();

  // Another manager changing aviary's field conflicts, unless it forces.
  Json other = configMap("applied", {{"weight", "99"}});
  auto raw = client_->patch(cm, PatchType::kMerge, {{"data", {{"weight", "70"}}}});
  ASSERT_TRUE(raw.has_value());  // merge patch by the same manager name is an Update, not Apply
  auto conflict = client_->patch(cm, PatchType::kApply, configMap("applied", {{"weight", "80"}}));
  if (!conflict.has_value()) {
    EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  }
  PatchOptions force;
  force.force = true;
  auto forced = client_->patch(cm, PatchType::kApply, other, force);
  ASSERT_TRUE(forced.has_value()) << forced.error().message;
  EXPECT_EQ((*forced)["data"]["weight"], "99");
}

Result<Json> loadCrd() {
  const std::string path = "crds/aviary.dev_modeldeployments.yaml";
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kNotFound, path + " is not in this tree yet");
  std::stringstream text;
  text << in.rdbuf();
  AVIARY_ASSIGN_OR_RETURN(std::vector<Json> documents, parseYamlDocuments(text.str()));
  if (documents.empty()) return fail(ErrorCode::kInvalidArgument, path + " is empty");
  return documents[0];
}

TEST_F(KubeIntegrationTest, ModelDeploymentCrudAndStatusSubresourceWithTheRealCrd) {
  auto crd = loadCrd();
  if (!crd.has_value()) GTEST_SKIP() << crd.error().message;
  PatchOptions force;
  force.force = true;
  auto installed =
      client_->patch(resources::kCustomResourceDefinitions.named((*crd)["metadata"]["name"]),
                     PatchType::kApply, *crd, force);
  ASSERT_TRUE(installed.has_value()) << installed.error().message;
  ASSERT_TRUE(eventually([&] {
    auto current =
        client_->get(resources::kCustomResourceDefinitions.named((*crd)["metadata"]["name"]));
    if (!current.has_value() || !current->contains("status")) return false;
    for (const auto& condition : (*current)["status"].value("conditions", Json::array())) {
      if (condition["type"] == "Established" && condition["status"] == "True") return true;
    }
    return false;
  })) << "CRD not established";

  ResourceRef mds = resources::kModelDeployments.in(ns_);
  Json model = {{"apiVersion", "aviary.dev/v1alpha1"},
                {"kind", "ModelDeployment"},
                {"metadata", {{"name", "churn"}, {"namespace", ns_}}},
                {"spec",
                 {{"model",
                   {{"name", "churn"},
                    {"version", "2026-11-20"},
                    {"uri", "file:///models/churn/2026-11-20/model.json"},
                    {"runtime", "xgboost"}}},
                  {"replicas", 2},
                  {"traffic", {{"provider", "replicas"}}},
                  {"strategy", {{"steps", {{{"setWeight", 10}}, {{"setWeight", 50}}}}}}}}};
  // The collection may take a moment to be served after Established.
  Result<Json> created = fail(ErrorCode::kNotFound, "not tried");
  ASSERT_TRUE(eventually([&] {
    created = client_->create(mds, model);
    return created.has_value() || created.error().code != ErrorCode::kNotFound;
  }));
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_EQ((*created)["metadata"]["generation"], 1);

  Json with_status = *created;
  with_status["status"] = {{"phase", "Progressing"}, {"observedGeneration", 1}};
  auto status_updated = client_->updateStatus(mds, with_status);
  ASSERT_TRUE(status_updated.has_value()) << status_updated.error().message;
  EXPECT_EQ((*status_updated)["status"]["phase"], "Progressing");
  EXPECT_EQ((*status_updated)["metadata"]["generation"], 1) << "status writes keep the generation";

  auto status_patched = client_->patchStatus(mds.named("churn"), PatchType::kMerge,
                                             {{"status", {{"phase", "Paused"}}}});
  ASSERT_TRUE(status_patched.has_value()) << status_patched.error().message;
  EXPECT_EQ((*status_patched)["status"]["phase"], "Paused");
  EXPECT_EQ((*status_patched)["status"]["observedGeneration"], 1);

  Json spec_change = *status_patched;
  spec_change["spec"]["replicas"] = 3;
  spec_change["status"]["phase"] = "Ignored";
  auto updated = client_->update(mds, spec_change);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ((*updated)["metadata"]["generation"], 2);
  EXPECT_EQ((*updated)["status"]["phase"], "Paused") << "the main resource ignores status";

  EXPECT_EQ(client_->update(mds, *created).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(client_->remove(mds.named("churn")).has_value());
  EXPECT_TRUE(eventually([&] { return !client_->get(mds.named("churn")).has_value(); }));
}

TEST_F(KubeIntegrationTest, WatchDeliversEventsAndBookmarks) {
  ResourceRef cms = resources::kConfigMaps.in(ns_);
  auto list = client_->list(cms, {});
  ASSERT_TRUE(list.has_value());
  std::jthread writer([&] {
    std::this_thread::sleep_for(milliseconds{500});
    (void)client_->create(cms, configMap("watched"));
  });
  WatchOptions options;
  options.resource_version = list->resource_version;
  options.label_selector = "suite=kube";  // not the kube-root-ca.crt every namespace gets
  // The API server sends a bookmark shortly before a watch's deadline.
  options.timeout = seconds{5};
  int added = 0;
  int bookmarks = 0;
  std::string bookmark_version;
  auto status = client_->watch(cms, options,
                               [&](const WatchEvent& event) {
                                 if (event.type == WatchEvent::Type::kAdded) ++added;
                                 if (event.type == WatchEvent::Type::kBookmark) {
                                   ++bookmarks;
                                   bookmark_version = event.object["metadata"]["resourceVersion"];
                                 }
                                 return true;
                               },
                               {});
  ASSERT_TRUE(status.has_value()) << status.error().message;
  EXPECT_EQ(added, 1);
  EXPECT_GE(bookmarks, 1);
  EXPECT_FALSE(bookmark_version.empty());
}

TEST_F(KubeIntegrationTest, InformerFollowsChangesAcrossAnApiServerRestart) {
  const char* restart = std::getenv("AVIARY_TEST_RESTART_APISERVER");
  ResourceRef cms = resources::kConfigMaps.in(ns_);
  InformerOptions options;
  options.backoff = {milliseconds{200}, seconds{2}, 2.0};
  Informer informer(client_, cms, options);
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, seconds{30}));
  ASSERT_TRUE(client_->create(cms, configMap("before")).has_value());
  ASSERT_TRUE(eventually([&] { return informer.cache()->get(ns_ + "/before") != nullptr; }));
  if (restart == nullptr || *restart == '\0') {
    GTEST_SKIP() << "AVIARY_TEST_RESTART_APISERVER is unset: cannot restart the API server";
  }
  ASSERT_EQ(std::system(restart), 0) << restart;
  ASSERT_TRUE(
      eventually([&] { return client_->get(cms.named("before")).has_value(); }, seconds{90}));
  ASSERT_TRUE(client_->create(cms, configMap("after")).has_value());
  ASSERT_TRUE(client_->remove(cms.named("before")).has_value());
  EXPECT_TRUE(
      eventually([&] { return informer.cache()->get(ns_ + "/after") != nullptr; }, seconds{60}));
  EXPECT_TRUE(
      eventually([&] { return informer.cache()->get(ns_ + "/before") == nullptr; }, seconds{60}));
  EXPECT_GE(informer.watchCount(), 2);
}

struct Term {
  long long start = 0;
  long long stop = 0;
};

std::vector<Term> readTerms(const std::string& path) {
  std::vector<Term> terms;
  std::ifstream in(path);
  std::string word;
  long long at;
  while (in >> word >> at) {
    if (word == "start") terms.push_back({at, 0});
    if (word == "stop" && !terms.empty()) terms.back().stop = at;
  }
  return terms;
}

pid_t spawn(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

TEST_F(KubeIntegrationTest, TwoProcessesContendingForOneLeaseNeverLeadTogether) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ns_;
  std::filesystem::create_directories(dir);
  std::string logs[2] = {(dir / "a.log").string(), (dir / "b.log").string()};
  pid_t pids[2];
  for (int i = 0; i < 2; ++i) {
    pids[i] = spawn({AVIARY_LEASE_CONTENDER, kubeconfigPath(), ns_, "aviary-it",
                     i == 0 ? "candidate-a" : "candidate-b", logs[i]});
  }
  auto leading = [&](int i) {
    auto terms = readTerms(logs[i]);
    return !terms.empty() && terms.back().stop == 0;
  };
  ASSERT_TRUE(eventually([&] { return leading(0) || leading(1); }));
  std::this_thread::sleep_for(seconds{5});  // several renewals by the leader, retries by the other
  ASSERT_NE(leading(0), leading(1)) << "exactly one leader";
  int first = leading(0) ? 0 : 1;
  auto lease = client_->get(resources::kLeases.in(ns_).named("aviary-it"));
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], first == 0 ? "candidate-a" : "candidate-b");

  ::kill(pids[first], SIGTERM);  // a clean stop releases the lease
  int status = 0;
  ::waitpid(pids[first], &status, 0);
  auto handover_started = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return leading(1 - first); }, seconds{20}));
  EXPECT_LT(std::chrono::steady_clock::now() - handover_started, seconds{3})
      << "a released lease is taken without waiting for it to expire";
  ::kill(pids[1 - first], SIGTERM);
  ::waitpid(pids[1 - first], &status, 0);

  auto a = readTerms(logs[first]);
  auto b = readTerms(logs[1 - first]);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_GT(a[0].stop, 0);
  EXPECT_LE(a[0].stop, b[0].start) << "the second leader started only after the first stopped";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aviary::kube
