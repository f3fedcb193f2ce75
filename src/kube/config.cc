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

// One parsed file of a kubeconfig list.
struct LoadedFile {
  YAML::Node root;
  std::string base_dir;
};

// An entry of a kubeconfig list (a cluster, user or context map) and the folder of the file that
// holds it.
struct Entry {
  YAML::Node node;
  std::string base_dir;
};

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts) of the first file
// that has one and returns its `field` map (cluster, user, context).
Result<Entry> findNamed(const std::vector<LoadedFile>& files, const char* list, const char* field,
                        const std::string& name) {
  for (const auto& file : files) {
    if (!file.root[list] || !file.root[list].IsSequence()) continue;
    for (const auto& entry : file.root[list]) {
      if (entry["name"] && entry["name"].as<std::string>() == name) {
        if (!entry[field]) return Entry{YAML::Node(YAML::NodeType::Map), file.base_dir};
        return Entry{entry[field], file.base_dir};
      }
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

Result<RestConfig> parseKubeconfigs(const std::vector<KubeconfigFile>& files,
                                    const std::string& context) {
  std::vector<LoadedFile> loaded;
  for (const auto& file : files) {
    YAML::Node root;
    try {
      root = YAML::Load(file.yaml);
    } catch (const YAML::Exception& e) {
      return fail(kInvalidConfig, std::string(file.origin.empty() ? "kubeconfig" : file.origin) +
                                      " is not YAML: " + e.what());
    }
    if (root.IsNull()) continue;  // an empty file adds nothing
    if (!root.IsMap()) {
      return fail(kInvalidConfig,
                  std::string(file.origin.empty() ? "kubeconfig" : file.origin) + " is not a map");
    }
    loaded.push_back({root, file.base_dir});
  }
  std::string context_name = context;
  for (const auto& file : loaded) {
    if (!context_name.empty()) break;
    context_name = text(file.root, "current-context");
  }
  if (context_name.empty()) return fail(kInvalidConfig, "kubeconfig has no current-context");
  try {
    AVIARY_ASSIGN_OR_RETURN(Entry ctx, findNamed(loaded, "contexts", "context", context_name));
    AVIARY_ASSIGN_OR_RETURN(Entry cluster_entry,
                            findNamed(loaded, "clusters", "cluster", text(ctx.node, "cluster")));
    const YAML::Node& cluster = cluster_entry.node;
    RestConfig config;
    config.server = text(cluster, "server");
    if (config.server.empty()) return fail(kInvalidConfig, "cluster has no server");
    while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
    if (!text(ctx.node, "namespace").empty())
      config.default_namespace = text(ctx.node, "namespace");
    config.tls.ca_file = resolve(text(cluster, "certificate-authority"), cluster_entry.base_dir);
    if (!text(cluster, "certificate-authority-data").empty()) {
      AVIARY_ASSIGN_OR_RETURN(config.tls.ca_data,
                              decodeBase64(text(cluster, "certificate-authority-data")));
    }
    config.tls.insecure_skip_verify = text(cluster, "insecure-skip-tls-verify") == "true";
    // A CA next to "trust anything" says two things; client-go refuses the pair, and so do we,
    // rather than silently ignore the CA the user meant to pin.
    if (config.tls.insecure_skip_verify &&
        (!config.tls.ca_file.empty() || !config.tls.ca_data.empty())) {
      return fail(kInvalidConfig, "cluster \"" + text(ctx.node, "cluster") +
                                      "\": a certificate authority with "
                                      "insecure-skip-tls-verify is not allowed; keep one of them");
    }
    if (!text(ctx.node, "user").empty()) {
      AVIARY_ASSIGN_OR_RETURN(Entry user_entry,
                              findNamed(loaded, "users", "user", text(ctx.node, "user")));
      const YAML::Node& user = user_entry.node;
      const std::string& base_dir = user_entry.base_dir;
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

Result<RestConfig> parseKubeconfig(const std::string& yaml, const std::string& context,
                                   const std::string& base_dir) {
  return parseKubeconfigs({{yaml, base_dir, ""}}, context);
}

Result<RestConfig> loadKubeconfig(const std::string& path, const std::string& context) {
  AVIARY_ASSIGN_OR_RETURN(std::string yaml, readFile(path));
  auto config = parseKubeconfig(yaml, context, std::filesystem::path(path).parent_path().string());
  if (!config.has_value()) return fail(config.error().withContext(path));
  return config;
}

Result<RestConfig> loadKubeconfigList(const std::string& list, const std::string& context) {
  std::vector<KubeconfigFile> files;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    std::string path = list.substr(start, end - start);
    start = end + 1;
    if (path.empty() || !std::filesystem::exists(path)) continue;
    AVIARY_ASSIGN_OR_RETURN(std::string yaml, readFile(path));
    files.push_back({std::move(yaml), std::filesystem::path(path).parent_path().string(), path});
  }
  if (files.empty()) {
    return fail(ErrorCode::kNotFound, "none of the files in $KUBECONFIG exists: " + list);
  }
  auto config = parseKubeconfigs(files, context);
  if (!config.has_value() && files.size() == 1) {
    return fail(config.error().withContext(files.front().origin));
  }
  if (!config.has_value()) return fail(config.error().withContext("$KUBECONFIG " + list));
  return config;
}

Result<RestConfig> loadConfig(const std::string& kubeconfig_flag, const std::string& context_flag) {
  if (!kubeconfig_flag.empty()) return loadKubeconfig(kubeconfig_flag, context_flag);
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    return loadKubeconfigList(env, context_flag);
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

Result<RestConfig> loadKubectlConfig(const std::string& kubeconfig_flag,
                                     const std::string& context_flag, const Environment& env,
                                     const InClusterPaths& in_cluster) {
  if (!kubeconfig_flag.empty()) {
    if (!std::filesystem::exists(kubeconfig_flag)) {
      return fail(ErrorCode::kNotFound, "--kubeconfig " + kubeconfig_flag + " does not exist");
    }
    return loadKubeconfig(kubeconfig_flag, context_flag);
  }
  if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    return loadKubeconfigList(*list, context_flag);
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    std::string path = *home + "/.kube/config";
    if (std::filesystem::exists(path)) return loadKubeconfig(path, context_flag);
  }
  auto config = inClusterConfig(in_cluster);
  if (!config.has_value() && config.error().code == ErrorCode::kNotFound) {
    return fail(ErrorCode::kNotFound,
                "no configuration: no --kubeconfig, $KUBECONFIG or ~/.kube/config, and not in a "
                "pod");
  }
  return config;
}

}  // namespace aviary::kube
