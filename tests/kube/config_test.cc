#include "kube/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kube/token_source.h"

namespace aviary::kube {
namespace {

const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: pki/ca.crt
- name: remote
  cluster:
    server: https://remote:443
    certificate-authority-data: aGVsbG8=
- name: lab
  cluster:
    server: https://10.0.0.9:6443
    insecure-skip-tls-verify: true
- name: contradictory
  cluster:
    server: https://10.0.0.9:6443
    certificate-authority: pki/ca.crt
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate: /abs/admin.crt
    client-key: pki/admin.key
- name: robot
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
    token: abc
    tokenFile: token.txt
contexts:
- name: admin
  context: {cluster: local, user: admin}
- name: robot
  context: {cluster: remote, user: robot, namespace: ml}
- name: lab
  context: {cluster: lab, user: admin}
- name: contradictory
  context: {cluster: contradictory, user: admin}
)";

TEST(KubeconfigTest, ReadsTheCurrentContextWithPathsRelativeToTheFile) {
  auto config = parseKubeconfig(kKubeconfig, "", "/etc/kube");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
  EXPECT_EQ(config->tls.ca_file, "/etc/kube/pki/ca.crt");
  EXPECT_EQ(config->tls.client_cert_file, "/abs/admin.crt");
  EXPECT_EQ(config->tls.client_key_file, "/etc/kube/pki/admin.key");
  EXPECT_FALSE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->default_namespace, "default");
}

TEST(KubeconfigTest, AContextFlagOverridesCurrentContextAndDataFieldsAreDecoded) {
  auto config = parseKubeconfig(kKubeconfig, "robot", "/etc/kube");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://remote:443");
  EXPECT_EQ(config->tls.ca_data, "hello");
  EXPECT_EQ(config->tls.client_cert_data, "cert");
  EXPECT_EQ(config->tls.client_key_data, "key");
  EXPECT_FALSE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->token, "abc");
  EXPECT_EQ(config->token_file, "/etc/kube/token.txt");
  EXPECT_EQ(config->default_namespace, "ml");
}

TEST(KubeconfigTest, InsecureSkipTlsVerifyAloneIsKeptButNotBesideACertificateAuthority) {
  auto lab = parseKubeconfig(kKubeconfig, "lab", "/etc/kube");
  ASSERT_TRUE(lab.has_value()) << lab.error().message;
  EXPECT_TRUE(lab->tls.insecure_skip_verify);
  auto contradictory = parseKubeconfig(kKubeconfig, "contradictory", "/etc/kube");
  ASSERT_FALSE(contradictory.has_value());
  EXPECT_EQ(contradictory.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(contradictory.error().message.find("cluster \"contradictory\""), std::string::npos)
      << contradictory.error().message;
}

TEST(KubeconfigTest, MissingPiecesAreInvalidConfigNamingThem) {
  auto unknown = parseKubeconfig(kKubeconfig, "nope", "");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("nope"), std::string::npos);
  EXPECT_EQ(parseKubeconfig("clusters: []", "", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(parseKubeconfig(": : [", "", "").error().code, ErrorCode::kInvalidArgument);
}

TEST(Base64Test, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(*decodeBase64("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_EQ(*decodeBase64("YQ"), "a");
  EXPECT_EQ(*decodeBase64("YW\nJj"), "abc");
  EXPECT_FALSE(decodeBase64("a$b").has_value());
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("aviary-kube-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

TEST(InClusterConfigTest, UsesTheServiceEnvironmentTokenFileAndCa) {
  TempDir dir;
  InClusterPaths paths{dir.write("token", "t1\n"), dir.write("ca.crt", "pem"),
                       dir.write("namespace", "ml\n")};
  ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto config = inClusterConfig(paths);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->token_file, paths.token_file);
  EXPECT_EQ(config->tls.ca_file, paths.ca_file);
  EXPECT_EQ(config->default_namespace, "ml");
}

TEST(InClusterConfigTest, OutsideAPodItIsConfigNotFound) {
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_EQ(inClusterConfig().error().code, ErrorCode::kNotFound);
}

// Two files as a $KUBECONFIG list might hold them: the first sets current-context and a user; the
// second defines the cluster and a context of the same name as one in the first.
const char* kFirstFile = R"(current-context: dev
contexts:
- name: dev
  context: {cluster: shared, user: me, namespace: ml}
users:
- name: me
  user: {client-certificate: me.crt, client-key: me.key}
)";
const char* kSecondFile = R"(current-context: other
contexts:
- name: dev
  context: {cluster: elsewhere, user: me}
- name: other
  context: {cluster: shared}
clusters:
- name: shared
  cluster: {server: "https://shared:6443", certificate-authority: ca.crt}
users:
- name: me
  user: {token: ignored}
)";

TEST(KubeconfigListTest, TheFirstFileToSetAValueWinsAndPathsFollowTheirFile) {
  auto config = parseKubeconfigs({{kFirstFile, "/one", "a"}, {kSecondFile, "/two", "b"}}, "");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://shared:6443");
  EXPECT_EQ(config->default_namespace, "ml");
  EXPECT_EQ(config->tls.ca_file, "/two/ca.crt");
  EXPECT_EQ(config->tls.client_cert_file, "/one/me.crt");
  EXPECT_EQ(config->token, "");
}

TEST(KubeconfigListTest, AContextFlagPicksAContextOfAnyFile) {
  auto config = parseKubeconfigs({{kFirstFile, "/one", "a"}, {kSecondFile, "/two", "b"}}, "other");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://shared:6443");
  EXPECT_EQ(config->default_namespace, "default");
  EXPECT_EQ(config->tls.client_cert_file, "");
}

TEST(KubeconfigListTest, SkipsMissingFilesAndSaysWhenNoneExists) {
  TempDir dir;
  std::string first = dir.write("first", kFirstFile);
  std::string second = dir.write("second", kSecondFile);
  auto config = loadKubeconfigList(first + ":" + dir.path() + "/missing:" + second, "");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->tls.ca_file, dir.path() + "/ca.crt");
  auto none = loadKubeconfigList(dir.path() + "/missing", "");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

TEST(KubectlConfigTest, FollowsKubectlsOrderFlagThenKubeconfigListThenHome) {
  TempDir dir;
  std::string first = dir.write("first", kFirstFile);
  std::string second = dir.write("second", kSecondFile);
  std::filesystem::create_directories(dir.path() + "/home/.kube");
  dir.write("home/.kube/config", kKubeconfig);
  const InClusterPaths nowhere{dir.path() + "/no-token", "", ""};

  auto from_flag = loadKubectlConfig(second, "", mapEnvironment({{"KUBECONFIG", first}}), nowhere);
  ASSERT_TRUE(from_flag.has_value()) << from_flag.error().message;
  EXPECT_EQ(from_flag->default_namespace, "default");  // context "other" of the second file

  auto from_list = loadKubectlConfig(
      "", "",
      mapEnvironment({{"KUBECONFIG", first + ":" + second}, {"HOME", dir.path() + "/home"}}),
      nowhere);
  ASSERT_TRUE(from_list.has_value()) << from_list.error().message;
  EXPECT_EQ(from_list->default_namespace, "ml");

  auto from_home =
      loadKubectlConfig("", "", mapEnvironment({{"HOME", dir.path() + "/home"}}), nowhere);
  ASSERT_TRUE(from_home.has_value()) << from_home.error().message;
  EXPECT_EQ(from_home->server, "https://127.0.0.1:6443");

  auto missing_flag = loadKubectlConfig(dir.path() + "/nope", "", mapEnvironment({}), nowhere);
  ASSERT_FALSE(missing_flag.has_value());
  EXPECT_NE(missing_flag.error().message.find("nope"), std::string::npos);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  auto nothing = loadKubectlConfig("", "", mapEnvironment({{"HOME", dir.path()}}), nowhere);
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().code, ErrorCode::kNotFound);
}

TEST(TokenSourceTest, RereadsTheTokenFileWhenItChanges) {
  TempDir dir;
  std::string file = dir.write("token", "first\n");
  TokenSource source("", file);
  EXPECT_EQ(*source.token(), "first");
  dir.write("token", "second-token\n");  // a rotation: new content, new size
  EXPECT_EQ(*source.token(), "second-token");
  TokenSource fixed("static", "");
  EXPECT_EQ(*fixed.token(), "static");
}

}  // namespace
}  // namespace aviary::kube
