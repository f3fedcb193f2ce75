#include "kube/cache.h"

#include <gtest/gtest.h>

namespace aviary::kube {
namespace {

ObjectPtr object(const std::string& ns, const std::string& name, const std::string& owner = "") {
  Json json = {{"metadata", {{"namespace", ns}, {"name", name}}}};
  if (!owner.empty()) {
    json["metadata"]["ownerReferences"] = {{{"uid", owner}, {"controller", true}}};
  }
  return std::make_shared<const Json>(std::move(json));
}

TEST(CacheTest, StoresByNamespaceAndNameAndReturnsThePrevious) {
  Cache cache;
  EXPECT_EQ(cache.upsert(object("ml", "a")), nullptr);
  auto second = object("ml", "a");
  EXPECT_NE(cache.upsert(second), nullptr);
  EXPECT_EQ(*cache.get("ml/a"), *second);
  EXPECT_TRUE(cache.contains("ml/a"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(*cache.erase("ml/a"), *second);
  EXPECT_EQ(cache.get("ml/a"), nullptr);
  EXPECT_EQ(cache.erase("ml/a"), nullptr);
}

TEST(CacheTest, IndexesFollowUpdatesAndDeletes) {
  Cache cache;
  cache.addIndex(kNamespaceIndex, namespaceIndex);
  cache.addIndex(kControllerUidIndex, controllerUidIndex);
  cache.upsert(object("ml", "a", "u1"));
  cache.upsert(object("ml", "b", "u1"));
  cache.upsert(object("web", "c", "u2"));
  EXPECT_EQ(cache.byIndex(kNamespaceIndex, "ml").size(), 2u);
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u1").size(), 2u);
  cache.upsert(object("ml", "b", "u2"));  // re-owned
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u1").size(), 1u);
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u2").size(), 2u);
  cache.erase("web/c");
  EXPECT_TRUE(cache.byIndex(kNamespaceIndex, "web").empty());
  EXPECT_TRUE(cache.byIndex("no-such-index", "x").empty());
}

TEST(CacheTest, AnIndexAddedAfterObjectsIndexesThemAndKeepsTheOthers) {
  Cache cache;
  cache.addIndex(kNamespaceIndex, namespaceIndex);
  cache.upsert(object("ml", "a", "u1"));
  cache.upsert(object("web", "b", "u2"));
  // "controllerUid" sorts before "namespace": the new index shifts the stored order.
  cache.addIndex(kControllerUidIndex, controllerUidIndex);
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u1").size(), 1u);
  EXPECT_EQ(cache.byIndex(kNamespaceIndex, "ml").size(), 1u);
  cache.upsert(object("ml", "a", "u2"));  // re-owned after the index was added
  EXPECT_TRUE(cache.byIndex(kControllerUidIndex, "u1").empty());
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u2").size(), 2u);
  cache.erase("web/b");
  EXPECT_TRUE(cache.byIndex(kNamespaceIndex, "web").empty());
  EXPECT_EQ(cache.byIndex(kControllerUidIndex, "u2").size(), 1u);
}

}  // namespace
}  // namespace aviary::kube
