#include "controller/manifests.h"

#include <algorithm>

#include "controller/names.h"
#include "kube/owner.h"

namespace aviary::controller {
namespace {

using kube::Json;

Json commonLabels(const std::string& md) {
  return {{kModelDeploymentLabel, md}, {kManagedByLabel, kManagedByValue}};
}

Json objectMeta(const Json& md, const std::string& name, Json labels) {
  const Json& meta = md.at("metadata");
  return {{"name", name},
          {"namespace", meta.value("namespace", "")},
          {"labels", std::move(labels)},
          {"ownerReferences", Json::array({kube::ownerReference(md)})}};
}

Json sidecarContainer(const api::ModelSpec& model, const std::string& revision,
                      const SidecarDefaults& sidecar) {
  Json probe_ready = {{"httpGet", {{"path", "/v2/health/ready"}, {"port", "http"}}},
                      {"periodSeconds", 5}};
  Json probe_live = {{"httpGet", {{"path", "/v2/health/live"}, {"port", "http"}}},
                     {"periodSeconds", 10}};
  Json container = {
      {"name", kSidecarContainer},
      {"image", sidecar.image},
      {"args", sidecarArgs(model, revision, sidecar)},
      {"ports", Json::array({{{"name", "http"}, {"containerPort", kSidecarHttpPort}},
                             {{"name", "metrics"}, {"containerPort", kSidecarMetricsPort}}})},
      {"readinessProbe", probe_ready},
      {"livenessProbe", probe_live},
  };
  Json requests = Json::object();
  if (!sidecar.cpu_request.empty()) requests["cpu"] = sidecar.cpu_request;
  if (!sidecar.memory_request.empty()) requests["memory"] = sidecar.memory_request;
  if (!requests.empty()) container["resources"] = {{"requests", requests}};
  return container;
}

}  // namespace

Json sidecarIdentity(const SidecarDefaults& sidecar) {
  return {{"image", sidecar.image},
          {"cpuRequest", sidecar.cpu_request},
          {"memoryRequest", sidecar.memory_request},
          {"extraArgs", sidecar.extra_args}};
}

std::vector<std::string> sidecarArgs(const api::ModelSpec& model, const std::string& revision,
                                     const SidecarDefaults& sidecar) {
  std::vector<std::string> args = {"--model-name=" + model.name, "--model-uri=" + model.uri};
  if (!model.version.empty()) args.push_back("--model-version=" + model.version);
  if (!model.runtime.empty()) args.push_back("--runtime=" + model.runtime);
  if (model.sha256) args.push_back("--sha256=" + *model.sha256);
  if (model.reference) args.push_back("--reference=" + *model.reference);
  if (model.group_input) args.push_back("--group-input=" + *model.group_input);
  args.push_back("--revision=" + revision);
  args.push_back("--port=" + std::to_string(kSidecarHttpPort));
  args.push_back("--metrics-port=" + std::to_string(kSidecarMetricsPort));
  args.insert(args.end(), sidecar.extra_args.begin(), sidecar.extra_args.end());
  return args;
}

Json deploymentFor(const Json& md, const api::ModelDeploymentSpec& spec, rollout::Role role,
                   const std::string& revision, std::int32_t replicas,
                   const SidecarDefaults& sidecar) {
  const std::string md_name = md.at("metadata").value("name", "");
  Json labels = commonLabels(md_name);
  labels[kRoleLabel] = roleName(role);

  Json pod = spec.pod_template.is_object() ? spec.pod_template : Json::object();
  Json& pod_labels = pod["metadata"]["labels"];
  if (!pod_labels.is_object()) pod_labels = Json::object();
  pod_labels.update(labels);
  pod_labels[kRevisionLabel] = revision;
  Json& containers = pod["spec"]["containers"];
  if (!containers.is_array()) containers = Json::array();
  containers.erase(
      std::remove_if(
          containers.begin(), containers.end(),
          [](const Json& c) { return c.is_object() && c.value("name", "") == kSidecarContainer; }),
      containers.end());
  containers.push_back(sidecarContainer(spec.model, revision, sidecar));

  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", objectMeta(md, roleObjectName(md_name, role), labels)},
          {"spec",
           {{"replicas", replicas},
            {"selector",
             {{"matchLabels", {{kModelDeploymentLabel, md_name}, {kRoleLabel, roleName(role)}}}}},
            {"template", pod}}}};
}

std::vector<Json> servicesFor(const Json& md) {
  const std::string md_name = md.at("metadata").value("name", "");
  auto service = [&](const std::string& name, const std::optional<rollout::Role> role) {
    Json labels = commonLabels(md_name);
    Json selector = {{kModelDeploymentLabel, md_name}};
    if (role) {
      labels[kRoleLabel] = roleName(*role);
      selector[kRoleLabel] = roleName(*role);
    }
    return Json{
        {"apiVersion", "v1"},
        {"kind", "Service"},
        {"metadata", objectMeta(md, name, labels)},
        {"spec",
         {{"selector", selector},
          {"ports",
           Json::array(
               {{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}, {"targetPort", "http"}}})}}}};
  };
  return {service(md_name, std::nullopt),
          service(roleObjectName(md_name, rollout::Role::kStable), rollout::Role::kStable),
          service(roleObjectName(md_name, rollout::Role::kCanary), rollout::Role::kCanary)};
}

bool containsAll(const Json& live, const Json& desired) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (const auto& [key, value] : desired.items()) {
      const auto it = live.find(key);
      if (it == live.end() || !containsAll(*it, value)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!containsAll(live[i], desired[i])) return false;
    }
    return true;
  }
  return live == desired;
}

}  // namespace aviary::controller
