#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "kube/client.h"

namespace aviary::kube {

// Reads a YAML stream ("---"-separated manifests) into JSON objects, resolving plain scalars as
// YAML 1.2's core schema does (true/false, null, ~, integers, floats); quoted scalars stay
// strings. Empty documents are skipped. Error "InvalidYaml".
Result<std::vector<Json>> parseYamlDocuments(const std::string& text);

}  // namespace aviary::kube
