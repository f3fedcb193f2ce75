#include "kube/request_path.h"

#include <gtest/gtest.h>

namespace aviary::kube {
namespace {

struct Case {
  const char* method;
  const char* target;
  const char* verb;
  const char* resource;
};

TEST(RequestKindTest, NamesVerbAndResourceAsTheApiServerDoes) {
  const Case cases[] = {
      {"GET", "/apis/apps/v1/namespaces/ml/deployments/churn-stable", "GET", "deployments.apps"},
      {"GET", "/apis/apps/v1/namespaces/ml/replicasets?labelSelector=a%3Db", "LIST",
       "replicasets.apps"},
      {"GET", "/apis/aviary.dev/v1alpha1/modeldeployments?watch=true&resourceVersion=5", "WATCH",
       "modeldeployments.aviary.dev"},
      {"GET", "/apis/aviary.dev/v1alpha1/modeldeployments?limit=500", "LIST",
       "modeldeployments.aviary.dev"},
      {"PUT", "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/churn/status", "PUT",
       "modeldeployments.aviary.dev/status"},
      {"PATCH", "/api/v1/namespaces/ml/services/churn?fieldManager=aviary&force=true", "PATCH",
       "services"},
      {"POST", "/apis/events.k8s.io/v1/namespaces/ml/events", "POST", "events.events.k8s.io"},
      {"PUT", "/apis/coordination.k8s.io/v1/namespaces/aviary/leases/aviary-controller", "PUT",
       "leases.coordination.k8s.io"},
      {"GET", "/api/v1/namespaces/ml", "GET", "namespaces"},
      {"GET", "/api/v1/namespaces", "LIST", "namespaces"},
      {"GET", "/version", "GET", "/version"},
  };
  for (const Case& c : cases) {
    const RequestKind kind = requestKindOf(c.method, c.target);
    EXPECT_EQ(kind.verb, c.verb) << c.target;
    EXPECT_EQ(kind.resource, c.resource) << c.target;
  }
}

}  // namespace
}  // namespace aviary::kube
