#pragma once

#include <string>

#include "common/result.h"

namespace aviary::http {

// How a client proves who it is and decides whom to trust. Each PEM item comes either from a file
// or inline (`*_data`, already decoded from base64); inline wins when both are set.
struct TlsOptions {
  std::string ca_file;
  std::string ca_data;
  std::string client_cert_file;
  std::string client_cert_data;
  std::string client_key_file;
  std::string client_key_data;
  // Skips server certificate verification. For local experiments only; whoever sets it must say
  // so loudly in the logs.
  bool insecure_skip_verify = false;
};

// The PEM material of TlsOptions, read and checked. When `ca_pem` is set it is the *only* trust
// anchor (the system store is not consulted), as client-go does with a CA file.
struct TlsMaterial {
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  bool insecure_skip_verify = false;
};

// Reads the files, parses every PEM block with OpenSSL and checks that a client certificate comes
// with its key. Errors have code "InvalidTls" and name the offending item.
Result<TlsMaterial> loadTls(const TlsOptions& options);

}  // namespace aviary::http
