#include "kube/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aviary::kube {
namespace {

constexpr ErrorCode kInvalidConfig = ErrorCode::kInvalidArgument;

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(kInvalidConfig, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts) and returns its
// `field` map (cluster, user, context).
Result<YAML::Node> findNamed(const YAML::Node& root, const char* list, const char* field,
                             const std::string& name) {
  for (const auto& entry : root[list]) {
    if (entry["name"] && entry["name"].as<std::string>() == name) {
      if (!entry[field]) return YAML::Node(YAML::NodeType::Map);
      return entry[field];
    }
  }
  return fail(kInvalidConfig, std::string(list) + ": no entry named \"" + name + "\"");
}

std::string text(const YAML::Node& node, const char* key) {
  return node[key] && node[key].IsScalar() ? node[key].as<std::string>() : "";
}

}  // namespace

Result<std::string> decodeBase64(const std::string& encoded) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int buffer = 0;
  int bits = 0;
  for (char c : encoded) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return fail(kInvalidConfig, "invalid base64");
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

Result<RestConfig> inClusterConfig(const InClusterPaths& paths) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr || *host == '\0' || *port == '\0') {
    return fail(ErrorCode::kNotFound, "not in a cluster: KUBERNETES_SERVICE_HOST/PORT unset");
  }
  if (!std::filesystem::exists(paths.token_file)) {
    return fail(ErrorCode::kNotFound, "not in a cluster: no token at " + paths.token_file);
  }
  RestConfig config;
  std::string host_text = host;
  // An IPv6 service address needs brackets in a URL.
  if (host_text.find(':') != std::string::npos) host_text = "[" + host_text + "]";
  config.server = "https://" + host_text + ":" + port;
  config.token_file = paths.token_file;
  config.tls.ca_file = paths.ca_file;
  if (auto ns = readFile(paths.namespace_file); ns.has_value() && !trim(*ns).empty()) {
    config.default_namespace = trim(*ns);
  }
  return config;
}

Result<RestConfig> parseKubeconfig(const std::string& yaml, const std::string& context,
                                   const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return fail(kInvalidConfig, std::string("kubeconfig is not YAML: ") + e.what());
  }
  if (!root.IsMap()) return fail(kInvalidConfig, "kubeconfig is not a map");
  std::string context_name = context.empty() ? text(root, "current-context") : context;
  if (context_name.empty()) return fail(kInvalidConfig, "kubeconfig has no current-context");
  try {
    AVIARY_ASSIGN_OR_RETURN(YAML::Node ctx, findNamed(root, "contexts", "context", context_name));
    AVIARY_ASSIGN_OR_RETURN(YAML::Node cluster,
                            findNamed(root, "clusters", "cluster", text(ctx, "cluster")));
    RestConfig config;
    config.server = text(cluster, "server");
    if (config.server.empty()) return fail(kInvalidConfig, "cluster has no server");
    while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
    if (!text(ctx, "namespace").empty()) config.default_namespace = text(ctx, "namespace");
    config.tls.ca_file = resolve(text(cluster, "certificate-authority"), base_dir);
    if (!text(cluster, "certificate-authority-data").empty()) {
      AVIARY_ASSIGN_OR_RETURN(config.tls.ca_data,
                              decodeBase64(text(cluster, "certificate-authority-data")));
    }
    config.tls.insecure_skip_verify = text(cluster, "insecure-skip-tls-verify") == "true";
    if (!text(ctx, "user").empty()) {
      AVIARY_ASSIGN_OR_RETURN(YAML::Node user, findNamed(root, "users", "user", text(ctx, "user")));
      config.tls.client_cert_file = resolve(text(user, "client-certificate"), base_dir);
      config.tls.client_key_file = resolve(text(user, "client-key"), base_dir);
      if (!text(user, "client-certificate-data").empty()) {
        AVIARY_ASSIGN_OR_RETURN(config.tls.client_cert_data,
                                decodeBase64(text(user, "client-certificate-data")));
      }
      if (!text(user, "client-key-data").empty()) {
        AVIARY_ASSIGN_OR_RETURN(config.tls.client_key_data,
                                decodeBase64(text(user, "client-key-data")));
      }
      config.token = text(user, "token");
      config.token_file = resolve(text(user, "tokenFile"), base_dir);
    }
    return config;
  } catch (const YAML::Exception& e) {
    return fail(kInvalidConfig, std::string("kubeconfig: ") + e.what());
  }
}

Result<RestConfig> loadKubeconfig(const std::string& path, const std::string& context) {
  AVIARY_ASSIGN_OR_RETURN(std::string yaml, readFile(path));
  auto config = parseKubeconfig(yaml, context, std::filesystem::path(path).parent_path().string());
  if (!config.has_value()) return fail(config.error().withContext(path));
  return config;
}

Result<RestConfig> loadConfig(const std::string& kubeconfig_flag, const std::string& context_flag) {
  if (!kubeconfig_flag.empty()) return loadKubeconfig(kubeconfig_flag, context_flag);
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::string first = env;
    first = first.substr(0, first.find(':'));
    return loadKubeconfig(first, context_flag);
  }
  auto in_cluster = inClusterConfig();
  if (in_cluster.has_value() || in_cluster.error().code != ErrorCode::kNotFound) return in_cluster;
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    std::string path = std::string(home) + "/.kube/config";
    if (std::filesystem::exists(path)) return loadKubeconfig(path, context_flag);
  }
  return fail(ErrorCode::kNotFound,
              "no --kubeconfig, $KUBECONFIG, in-cluster config or ~/.kube/config");
}

}  // namespace aviary::kube
