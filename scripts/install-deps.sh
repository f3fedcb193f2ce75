#!/usr/bin/env bash
# Installs the Debian packages that building and testing aviary need.
# Idempotent: when every package is already installed it only runs one dpkg query.
set -o errexit -o nounset -o pipefail

# Build: compilers, CMake, and the C++ libraries (all from Debian, see DESIGN.md).
build_packages=(
  g++ cmake ninja-build make pkg-config clang-format
  libcpprest-dev libssl-dev libboost-dev libyaml-cpp-dev nlohmann-json3-dev
  prometheus-cpp-dev libspdlog-dev libfmt-dev libxgboost-dev
  libgtest-dev libgmock-dev
  ccache   # rebuilds after a clean clone or a branch switch reuse earlier compiles
  openssl  # the sidecar's https tests make a throwaway CA with the openssl command
  python3-yaml  # scripts/gen-reference.py renders docs/reference.md from the CRD (make lint checks it)
  chromium # governance_render_html_test opens a model card in headless Chromium (skips without)
)

missing=()
for package in "${build_packages[@]}" "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if ((EUID != 0)); then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
