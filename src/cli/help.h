#pragma once

#include <optional>
#include <string>

#include "cli/args.h"

// The --help texts. Pure.
namespace aviary::cli {

// The overview (no command) or one command's help: usage, what it does, its flags, the cluster
// flags and the exit codes.
std::string helpText(std::optional<Command> command);

}  // namespace aviary::cli
