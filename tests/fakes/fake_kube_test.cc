#include "tests/fakes/fake_kube.h"

#include <gtest/gtest.h>

#include <thread>

#include "kube/owner.h"

namespace aviary::testing {
namespace {

using kube::Json;
using kube::resources::kConfigMaps;
using kube::resources::kModelDeployments;

const Json kModel = {{"apiVersion", "aviary.dev/v1alpha1"},
                     {"kind", "ModelDeployment"},
                     {"metadata", {{"name", "churn"}, {"namespace", "ml"}}},
                     {"spec", {{"replicas", 3}}}};

TEST(FakeKubeTest, CreateAssignsIdentityAndVersionsAndRejectsDuplicates) {
  FakeKube kube;
  auto created = kube.create(kModelDeployments.in("ml"), kModel);
  ASSERT_TRUE(created.has_value());
  EXPECT_FALSE((*created)["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ((*created)["metadata"]["generation"], 1);
  EXPECT_EQ(kube.create(kModelDeployments.in("ml"), kModel).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(kube.get(kModelDeployments.in("ml").named("nope")).error().code, ErrorCode::kNotFound);
}

TEST(FakeKubeTest, UpdateWithAStaleVersionConflicts) {
  FakeKube kube;
  Json first = *kube.create(kModelDeployments.in("ml"), kModel);
  Json changed = first;
  changed["spec"]["replicas"] = 4;
  Json second = *kube.update(kModelDeployments, changed);
  EXPECT_EQ(second["metadata"]["generation"], 2);
  changed["spec"]["replicas"] = 5;  // still carries the first resourceVersion
  EXPECT_EQ(kube.update(kModelDeployments, changed).error().code, ErrorCode::kConflict);
}

TEST(FakeKubeTest, StatusIsASubresource) {
  FakeKube kube;
  Json object = *kube.create(kModelDeployments.in("ml"), kModel);
  Json with_status = object;
  with_status["status"] = {{"phase", "Progressing"}};
  with_status["spec"]["replicas"] = 9;
  Json after = *kube.updateStatus(kModelDeployments, with_status);
  EXPECT_EQ(after["status"]["phase"], "Progressing");
  EXPECT_EQ(after["spec"]["replicas"], 3) << "updateStatus ignores spec";
  EXPECT_EQ(after["metadata"]["generation"], 1);
  Json spec_change = after;
  spec_change["status"] = {{"phase", "Hacked"}};
  Json updated = *kube.update(kModelDeployments, spec_change);
  EXPECT_EQ(updated["status"]["phase"], "Progressing") << "update ignores status";
  auto patched = kube.patchStatus(kModelDeployments.in("ml").named("churn"),
                                  kube::PatchType::kMerge, {{"status", {{"canaryWeight", 10}}}});
  EXPECT_EQ((*patched)["status"]["canaryWeight"], 10);
  EXPECT_EQ((*patched)["status"]["phase"], "Progressing");
}

TEST(FakeKubeTest, DeletionWaitsForFinalizers) {
  FakeKube kube;
  Json object = kModel;
  object["metadata"]["finalizers"] = {"aviary.dev/cleanup"};
  Json created = *kube.create(kModelDeployments.in("ml"), object);
  ASSERT_TRUE(kube.remove(kModelDeployments.in("ml").named("churn")).has_value());
  Json deleting = *kube.get(kModelDeployments.in("ml").named("churn"));
  EXPECT_TRUE(kube::isBeingDeleted(deleting));
  deleting["metadata"]["finalizers"] = Json::array();
  ASSERT_TRUE(kube.update(kModelDeployments, deleting).has_value());
  EXPECT_EQ(kube.get(kModelDeployments.in("ml").named("churn")).error().code, ErrorCode::kNotFound);
}

TEST(FakeKubeTest, ListFiltersBySelectorsAndPages) {
  FakeKube kube;
  for (const char* name : {"a", "b", "c"}) {
    Json cm = {{"metadata", {{"name", name}, {"namespace", "ml"}, {"labels", {{"app", name}}}}}};
    ASSERT_TRUE(kube.create(kConfigMaps.in("ml"), cm).has_value());
  }
  kube::ListOptions options;
  options.label_selector = "app in (a,c)";
  EXPECT_EQ(kube.list(kConfigMaps.in("ml"), options)->items.size(), 2u);
  auto all = kube::listAll(kube, kConfigMaps.in("ml"), {}, 2);
  EXPECT_EQ(all->items.size(), 3u);
}

TEST(FakeKubeTest, WatchReplaysHistoryAfterAVersionAndGoneAfterCompaction) {
  FakeKube kube;
  std::string version = (*kube.create(
      kConfigMaps.in("ml"), {{"metadata", {{"name", "a"}}}}))["metadata"]["resourceVersion"];
  ASSERT_TRUE(kube.create(kConfigMaps.in("ml"), {{"metadata", {{"name", "b"}}}}).has_value());
  std::vector<std::string> names;
  kube::WatchOptions options;
  options.resource_version = version;
  auto status = kube.watch(kConfigMaps.in("ml"), options,
                           [&](const kube::WatchEvent& event) {
                             names.push_back(event.object["metadata"]["name"]);
                             return false;  // one is enough
                           },
                           {});
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(names, std::vector<std::string>{"b"});
  kube.compact();
  EXPECT_EQ(
      kube.watch(kConfigMaps.in("ml"), options, [](const kube::WatchEvent&) { return true; }, {})
          .error()
          .code,
      ErrorCode::kGone);
}

TEST(FakeKubeTest, AWatchEndsOnStop) {
  FakeKube kube;
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    stop.request_stop();
  });
  auto status = kube.watch(
      kConfigMaps, {}, [](const kube::WatchEvent&) { return true; }, stop.get_token());
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
}

}  // namespace
}  // namespace aviary::testing
