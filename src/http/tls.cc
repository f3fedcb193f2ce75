#include "http/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace aviary::http {
namespace {

constexpr ErrorCode kInvalidTls = ErrorCode::kInvalidArgument;

Result<std::string> readPem(const std::string& data, const std::string& file, const char* what) {
  if (!data.empty()) return data;
  if (file.empty()) return std::string{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(kInvalidTls, std::string(what) + ": cannot read " + file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Bio memoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// Counts the certificates in `pem`; zero means none parsed.
int countCertificates(const std::string& pem) {
  Bio bio = memoryBio(pem);
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++count;
  }
  ERR_clear_error();
  return count;
}

bool parsesAsKey(const std::string& pem) {
  Bio bio = memoryBio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (key == nullptr) return false;
  EVP_PKEY_free(key);
  return true;
}

}  // namespace

Result<TlsMaterial> loadTls(const TlsOptions& options) {
  TlsMaterial material;
  material.insecure_skip_verify = options.insecure_skip_verify;
  AVIARY_ASSIGN_OR_RETURN(material.ca_pem,
                          readPem(options.ca_data, options.ca_file, "certificate authority"));
  AVIARY_ASSIGN_OR_RETURN(
      material.client_cert_pem,
      readPem(options.client_cert_data, options.client_cert_file, "client certificate"));
  AVIARY_ASSIGN_OR_RETURN(material.client_key_pem,
                          readPem(options.client_key_data, options.client_key_file, "client key"));
  if (!material.ca_pem.empty() && countCertificates(material.ca_pem) == 0) {
    return fail(kInvalidTls, "certificate authority: no PEM certificate found");
  }
  if (material.client_cert_pem.empty() != material.client_key_pem.empty()) {
    return fail(kInvalidTls, "a client certificate needs its key and a key needs its certificate");
  }
  if (!material.client_cert_pem.empty()) {
    if (countCertificates(material.client_cert_pem) == 0) {
      return fail(kInvalidTls, "client certificate: no PEM certificate found");
    }
    if (!parsesAsKey(material.client_key_pem)) {
      return fail(kInvalidTls, "client key: no PEM private key found");
    }
  }
  return material;
}

}  // namespace aviary::http
