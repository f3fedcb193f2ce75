#pragma once

#include <string>
#include <string_view>

// What an API request is about, read from its method and path, as the API server's own
// apiserver_request_total labels it.
namespace aviary::kube {

struct RequestKind {
  std::string verb;  // GET, LIST, WATCH, POST, PUT, PATCH, DELETE
  std::string
      resource;  // "deployments.apps", "modeldeployments.aviary.dev/status", "events.events.k8s.io"
};

// `target` is the request's path and query ("/apis/apps/v1/namespaces/ml/deployments?limit=5").
// A GET of a collection is LIST, one with watch=true is WATCH. A path outside /api and /apis
// (e.g. "/version") is its own resource.
RequestKind requestKindOf(std::string_view method, std::string_view target);

}  // namespace aviary::kube
