#include "sidecar/loader/artifact_fetcher.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sidecar/loader/model_loader.h"
#include "tests/sidecar/fixtures.h"
#include "tests/support/tls_server.h"

namespace aviary::sidecar {
namespace {

using aviary::testing::ThrowawayPki;
using aviary::testing::TlsServer;

const std::string kModelPath = std::filesystem::absolute("tests/sidecar/testdata/binary.json");

TEST(FetchArtifactTest, ReadsFileUrisAndBarePaths) {
  const std::string expected = testing::readFile(kModelPath);
  auto by_uri = fetchArtifact("file://" + kModelPath, {});
  ASSERT_TRUE(by_uri.has_value()) << by_uri.error().message;
  EXPECT_EQ(*by_uri, expected);
  auto by_path = fetchArtifact(kModelPath, {});
  ASSERT_TRUE(by_path.has_value());
  EXPECT_EQ(*by_path, expected);
}

TEST(FetchArtifactTest, MissingFileIsNotFound) {
  auto result = fetchArtifact("file:///nonexistent/model.json", {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
}

TEST(FetchArtifactTest, FileOverTheSizeLimitIsTooLarge) {
  FetchOptions options;
  options.max_bytes = 100;
  auto result = fetchArtifact("file://" + kModelPath, options);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kResourceExhausted);
}

TEST(FetchArtifactTest, UnknownSchemeIsInvalid) {
  auto result = fetchArtifact("s3://bucket/model.json", {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST(FetchArtifactTest, HttpsWithTheRightCaAndHostNameSucceeds) {
  ThrowawayPki pki;
  ASSERT_TRUE(pki.ok()) << "the openssl command is needed to make test certificates";
  TlsServer server(pki, "model-bytes");
  FetchOptions options;
  options.ca_file = pki.caFile();
  auto result = fetchArtifact(fmt::format("https://localhost:{}/m.json", server.port()), options);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(*result, "model-bytes");
}

TEST(FetchArtifactTest, HttpsRefusesAServerTheTrustStoreDoesNotKnow) {
  ThrowawayPki pki;
  ASSERT_TRUE(pki.ok());
  TlsServer server(pki, "model-bytes");
  auto result = fetchArtifact(fmt::format("https://localhost:{}/m.json", server.port()), {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("TLS handshake"), std::string::npos)
      << result.error().message;
}

TEST(FetchArtifactTest, HttpsRefusesACertificateForAnotherHostName) {
  ThrowawayPki pki;
  ASSERT_TRUE(pki.ok());
  TlsServer server(pki, "model-bytes");
  FetchOptions options;
  options.ca_file = pki.caFile();
  // The certificate names "localhost", not "127.0.0.1".
  auto result = fetchArtifact(fmt::format("https://127.0.0.1:{}/m.json", server.port()), options);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("TLS handshake"), std::string::npos);
}

TEST(FetchArtifactTest, HttpsBodyOverTheLimitIsTooLarge) {
  ThrowawayPki pki;
  ASSERT_TRUE(pki.ok());
  TlsServer server(pki, std::string(1000, 'x'));
  FetchOptions options;
  options.ca_file = pki.caFile();
  options.max_bytes = 10;
  auto result = fetchArtifact(fmt::format("https://localhost:{}/m.json", server.port()), options);
  ASSERT_FALSE(result.has_value()) << result->size();
  EXPECT_EQ(result.error().code, ErrorCode::kResourceExhausted);
}

TEST(Sha256Test, MatchesTheKnownDigest) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LoadModelTest, LoadsAndWarmsUpAModelWhoseChecksumMatches) {
  ModelSource source;
  source.uri = "file://" + kModelPath;
  source.sha256 = sha256Hex(testing::readFile(kModelPath));
  auto runtime = loadModel(source);
  ASSERT_TRUE(runtime.has_value()) << runtime.error().message;
  EXPECT_EQ((*runtime)->metadata().num_features, 8u);
}

TEST(LoadModelTest, ChecksumMismatchNeverReturnsARuntime) {
  ModelSource source;
  source.uri = "file://" + kModelPath;
  source.sha256 = std::string(64, '0');
  auto runtime = loadModel(source);
  ASSERT_FALSE(runtime.has_value());
  EXPECT_EQ(runtime.error().code, ErrorCode::kDataLoss);
}

TEST(LoadModelTest, CorruptArtifactFailsWithTheLoadStep) {
  const auto path = std::filesystem::temp_directory_path() / "aviary-corrupt-model.json";
  {
    std::ofstream out(path);
    out << R"({"learner": {"broken": true}})";
  }
  ModelSource source;
  source.uri = path.string();
  auto runtime = loadModel(source);
  ASSERT_FALSE(runtime.has_value());
  EXPECT_NE(runtime.error().message.find("loading the model"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace aviary::sidecar
