#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/deployment.h"
#include "common/result.h"

// `card`: which ended rollout's model card to show, and its rendering in the card's ConfigMap
// (the controller writes them, src/controller/card_writer.h). Pure.
namespace aviary::cli {

// The revision of view.status.history that `wanted` names. Empty `wanted`: the newest entry's (the
// last rollout that ended). Otherwise the one revision of the history equal to `wanted` or starting
// with it. No history: NotFound. No match, or a prefix of more than one revision: NotFound, the
// message listing the revisions that have cards, newest first.
Result<std::string> cardRevision(const DeploymentView& view, std::string_view wanted);

// Data key `key` of ConfigMap `config_map` (named in the message when missing: NotFound).
Result<std::string> cardData(const nlohmann::json& config_map, std::string_view key);

}  // namespace aviary::cli
