#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/flags.h"
#include "common/result.h"
#include "http/tls.h"

namespace aviary::kube {

// Everything needed to talk to one API server as one identity.
struct RestConfig {
  std::string server;  // "https://127.0.0.1:6443"
  http::TlsOptions tls;
  std::string token;       // bearer token, fixed
  std::string token_file;  // bearer token re-read whenever the file changes (rotation)
  std::string default_namespace = "default";
  // Client-side limiter (flags --kube-api-qps / --kube-api-burst): steady requests per second and
  // the burst allowed above it. Watches are not limited once open.
  double qps = 20;
  int burst = 30;
  // Limit on each request (connect, send, and each wait for bytes).
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
  std::string user_agent = "aviary";
};

// Where the pod's service account is mounted, and the environment it reads. Overridable for tests.
struct InClusterPaths {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

// In-cluster: KUBERNETES_SERVICE_HOST/PORT, the service-account token (as token_file, so rotation
// is picked up) and CA bundle. Error NotFound when not running in a pod.
Result<RestConfig> inClusterConfig(const InClusterPaths& paths = {});

// Out of cluster: reads a kubeconfig file. `context` overrides current-context. Supports server,
// certificate-authority(-data), insecure-skip-tls-verify, client-certificate(-data),
// client-key(-data), token, tokenFile and the context's namespace. Relative file paths are resolved
// against the kubeconfig's folder, as kubectl does. Errors have code "InvalidConfig".
Result<RestConfig> loadKubeconfig(const std::string& path, const std::string& context = "");

// The same from kubeconfig text (paths relative to `base_dir`).
Result<RestConfig> parseKubeconfig(const std::string& yaml, const std::string& context,
                                   const std::string& base_dir);

// One kubeconfig file of a list: its text, the folder its relative paths resolve against, and its
// path for error messages.
struct KubeconfigFile {
  std::string yaml;
  std::string base_dir;
  std::string origin;
};

// Several kubeconfig files merged as kubectl merges the $KUBECONFIG list: current-context comes
// from the first file that sets it; a context, cluster or user is taken from the first file that
// has an entry of that name, and its relative paths resolve against that file's folder. An empty
// list (or one without a current-context and no `context`) is an InvalidConfig error.
Result<RestConfig> parseKubeconfigs(const std::vector<KubeconfigFile>& files,
                                    const std::string& context);

// Reads the files of a $KUBECONFIG value (a colon-separated list) and merges them as above.
// Entries that do not exist are skipped, as kubectl skips them; NotFound when none exists.
Result<RestConfig> loadKubeconfigList(const std::string& list, const std::string& context);

// client-go's order for controllers: an explicit --kubeconfig, else $KUBECONFIG (the merged list),
// else in-cluster, else ~/.kube/config.
Result<RestConfig> loadConfig(const std::string& kubeconfig_flag, const std::string& context_flag);

// kubectl's order, for command-line tools: an explicit --kubeconfig (it must exist), else
// $KUBECONFIG (the merged list), else $HOME/.kube/config, else in-cluster. `env` supplies
// KUBECONFIG and HOME; `in_cluster` is where a pod's service account would be.
Result<RestConfig> loadKubectlConfig(const std::string& kubeconfig_flag,
                                     const std::string& context_flag, const Environment& env,
                                     const InClusterPaths& in_cluster = {});

// Decodes standard base64 (the *-data fields); error "InvalidConfig" on bad input.
Result<std::string> decodeBase64(const std::string& text);

}  // namespace aviary::kube
