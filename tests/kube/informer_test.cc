#include "kube/informer.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "kube/workqueue.h"
#include "tests/fakes/fake_kube_fixture.h"

namespace aviary::kube {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPatience{5000};

class InformerTest : public testing::FakeKubeFixture {
 protected:
  InformerTest() : FakeKubeFixture(kPatience) {}
};

Json configMap(const std::string& name, const std::string& value) {
  return {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata",
       {{"name", name}, {"namespace", "ml"}, {"managedFields", Json::array({{{"manager", "x"}}})}}},
      {"data", {{"v", value}}}};
}

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> seen;
  EventHandler handler() {
    EventHandler h;
    h.on_add = [this](const ObjectPtr& o) { push("add " + objectKey(*o)); };
    h.on_update = [this](const ObjectPtr&, const ObjectPtr& o) { push("update " + objectKey(*o)); };
    h.on_delete = [this](const ObjectPtr& o) { push("delete " + objectKey(*o)); };
    return h;
  }
  void push(std::string s) {
    std::lock_guard lock(mutex);
    seen.push_back(std::move(s));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

InformerOptions fastOptions() {
  InformerOptions options;
  options.backoff = {milliseconds{10}, milliseconds{50}, 2.0};
  return options;
}

TEST_F(InformerTest, ListsThenFollowsTheWatchIntoTheCache) {
  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("a", "1")).has_value());
  Informer informer(kube_, resources::kConfigMaps.in("ml"), fastOptions());
  Recorder recorder;
  informer.addHandler(recorder.handler());
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, kPatience));
  EXPECT_NE(informer.cache()->get("ml/a"), nullptr);
  EXPECT_FALSE(informer.cache()->get("ml/a")->at("metadata").contains("managedFields"));

  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("b", "1")).has_value());
  auto patched = kube_->patch(resources::kConfigMaps.in("ml").named("a"), PatchType::kMerge,
                              {{"data", {{"v", "2"}}}});
  ASSERT_TRUE(patched.has_value());
  ASSERT_TRUE(kube_->remove(resources::kConfigMaps.in("ml").named("b")).has_value());
  ASSERT_TRUE(eventually([&] { return recorder.snapshot().size() == 4; }));
  EXPECT_EQ(recorder.snapshot(),
            (std::vector<std::string>{"add ml/a", "add ml/b", "update ml/a", "delete ml/b"}));
  EXPECT_EQ(informer.cache()->get("ml/a")->at("data")["v"], "2");
  EXPECT_EQ(informer.cache()->get("ml/b"), nullptr);
}

TEST_F(InformerTest, ResumesFromTheLastBookmarkWhenAWatchEnds) {
  Informer informer(kube_, resources::kConfigMaps.in("ml"), fastOptions());
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, kPatience));
  ASSERT_TRUE(eventually([&] { return kube_->openWatches() == 1; }));
  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("x", "1")).has_value());
  kube_->bookmark();
  std::string bookmarked = std::to_string(kube_->resourceVersion());
  ASSERT_TRUE(eventually([&] { return informer.lastResourceVersion() == bookmarked; }));
  kube_->closeWatches();
  ASSERT_TRUE(eventually([&] { return informer.watchCount() == 2 && kube_->openWatches() == 1; }));
  EXPECT_EQ(informer.listCount(), 1) << "an ended watch resumes without relisting";
}

TEST_F(InformerTest, RelistsOnGoneAndReportsWhatChangedMeanwhile) {
  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("old", "1")).has_value());
  Informer informer(kube_, resources::kConfigMaps.in("ml"), fastOptions());
  Recorder recorder;
  informer.addHandler(recorder.handler());
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, kPatience));
  ASSERT_TRUE(eventually([&] { return kube_->openWatches() == 1; }));
  // The next watch fails as if history were compacted while the informer was away.
  kube_->failNext("watch", Error{ErrorCode::kGone, "too old resource version"});
  kube_->failNext("watch", Error{ErrorCode::kGone, "too old resource version"});
  kube_->closeWatches();
  ASSERT_TRUE(kube_->remove(resources::kConfigMaps.in("ml").named("old")).has_value());
  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("new", "1")).has_value());
  ASSERT_TRUE(eventually([&] { return informer.listCount() >= 2; }));
  ASSERT_TRUE(eventually([&] { return informer.cache()->get("ml/new") != nullptr; }));
  EXPECT_EQ(informer.cache()->get("ml/old"), nullptr);
  auto seen = recorder.snapshot();
  EXPECT_NE(std::find(seen.begin(), seen.end(), "delete ml/old"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "add ml/new"), seen.end());
}

TEST_F(InformerTest, BacksOffAndRetriesAFailedList) {
  kube_->failNext("list", Error{ErrorCode::kUnavailable, "connection refused"});
  Informer informer(kube_, resources::kConfigMaps, fastOptions());
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, kPatience));
  EXPECT_EQ(informer.listCount(), 2);
}

TEST_F(InformerTest, ResyncRedeliversEveryObjectAndHandlersEnqueueKeys) {
  ASSERT_TRUE(kube_->create(resources::kConfigMaps.in("ml"), configMap("a", "1")).has_value());
  InformerOptions options = fastOptions();
  options.resync_period = milliseconds{30};
  Informer informer(kube_, resources::kConfigMaps.in("ml"), options);
  WorkQueue queue(std::make_shared<SteadyClock>());
  informer.addHandler(enqueueKeys(queue));
  std::jthread runner([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(informer.waitForSync({}, kPatience));
  auto key = queue.get();
  EXPECT_EQ(key, "ml/a");
  queue.done(*key);
  EXPECT_EQ(queue.get(), "ml/a") << "resync queued it again";
}

ObjectPtr owned(const std::string& ns, const std::string& name, const Json& owner_references) {
  return std::make_shared<const Json>(Json{
      {"metadata", {{"namespace", ns}, {"name", name}, {"ownerReferences", owner_references}}}});
}

Json controllerRef(const std::string& kind, const std::string& name, bool controller = true) {
  return {{"apiVersion", "aviary.dev/v1alpha1"},
          {"kind", kind},
          {"name", name},
          {"uid", name + "-uid"},
          {"controller", controller}};
}

std::vector<std::string> drain(WorkQueue& queue) {
  std::vector<std::string> keys;
  while (queue.length() > 0) {
    auto key = queue.get();
    keys.push_back(*key);
    queue.done(*key);
  }
  return keys;
}

TEST(EnqueueOwnerTest, QueuesTheControllerOwnerOfTheGivenKind) {
  WorkQueue queue(std::make_shared<SteadyClock>());
  EventHandler handler = enqueueOwner(queue, "ModelDeployment");
  handler.on_add(
      owned("ml", "churn-canary", Json::array({controllerRef("ModelDeployment", "churn")})));
  EXPECT_EQ(drain(queue), std::vector<std::string>{"ml/churn"});
  handler.on_delete(
      owned("ml", "churn-stable", Json::array({controllerRef("ModelDeployment", "churn")})));
  EXPECT_EQ(drain(queue), std::vector<std::string>{"ml/churn"});
}

TEST(EnqueueOwnerTest, IgnoresOtherKindsNonControllersAndOrphans) {
  WorkQueue queue(std::make_shared<SteadyClock>());
  EventHandler handler = enqueueOwner(queue, "ModelDeployment");
  handler.on_add(owned("ml", "rs", Json::array({controllerRef("Deployment", "web")})));
  handler.on_add(owned("ml", "svc", Json::array({controllerRef("ModelDeployment", "x", false)})));
  handler.on_add(owned("ml", "orphan", Json::array()));
  handler.on_add(std::make_shared<const Json>(Json{{"metadata", {{"name", "bare"}}}}));
  EXPECT_TRUE(drain(queue).empty());
}

TEST(EnqueueOwnerTest, AnUpdateQueuesTheOldAndTheNewOwner) {
  WorkQueue queue(std::make_shared<SteadyClock>());
  EventHandler handler = enqueueOwner(queue, "ModelDeployment");
  handler.on_update(owned("ml", "d", Json::array({controllerRef("ModelDeployment", "old")})),
                    owned("ml", "d", Json::array({controllerRef("ModelDeployment", "new")})));
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"ml/old", "ml/new"}));
}

}  // namespace
}  // namespace aviary::kube
