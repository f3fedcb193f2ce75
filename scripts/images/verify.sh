#!/usr/bin/env bash
# Proves that an aviary image starts and is hardened: runs its ENTRYPOINT with --help (exit 0 and
# the binary's usage line), checks that the configured user is a numeric non-root UID and that a
# process in the image really runs as it, and that the image holds no compiler, linker or -dev
# package. Usage: verify.sh IMAGE BINARY_NAME. BUILDAH names the buildah command (see build.sh).
set -o errexit -o nounset -o pipefail

image="${1:?usage: verify.sh IMAGE BINARY_NAME}"
binary="${2:?usage: verify.sh IMAGE BINARY_NAME}"
read -r -a buildah <<<"${BUILDAH:-buildah}"

failures=0
fail() {
  echo "verify ${image}: FAIL: $*" >&2
  failures=$((failures + 1))
}

# The image's OCI config: ENTRYPOINT one word a line, then USER on the last line.
config="$("${buildah[@]}" inspect --type image "${image}" | python3 -c '
import json, sys
config = json.load(sys.stdin)["OCIv1"].get("config", {})
print("\n".join((config.get("Entrypoint") or []) + [config.get("User") or ""]))
')"
mapfile -t entrypoint < <(sed '$d' <<<"${config}")
user="$(tail -n 1 <<<"${config}")"

if [[ ! "${user}" =~ ^([0-9]+)(:[0-9]+)?$ ]] || ((BASH_REMATCH[1] == 0)); then
  fail "USER is '${user}', not a numeric non-root UID"
fi
uid="${user%%:*}"
if ((${#entrypoint[@]} == 0)) || [[ "$(basename "${entrypoint[0]}")" != "${binary}" ]]; then
  fail "ENTRYPOINT is '${entrypoint[*]}', not ${binary}"
fi

container="$("${buildah[@]}" from --quiet "${image}")"
trap '"${buildah[@]}" rm "${container}" >/dev/null 2>&1 || true' EXIT
run() { "${buildah[@]}" run --isolation chroot "${container}" -- "$@"; }

if ((${#entrypoint[@]} == 0)); then
  :
elif help="$(run "${entrypoint[@]}" --help 2>&1)"; then
  if [[ "${help}" != "usage: ${binary} "* ]]; then
    fail "--help printed no usage line: ${help:0:200}"
  fi
  echo "verify ${image}: ${entrypoint[*]} --help exits 0, $(wc -l <<<"${help}") lines, first: $(head -n 1 <<<"${help}")"
else
  fail "${entrypoint[*]} --help failed: ${help:0:400}"
fi

running_uid="$(run id -u)"
if [[ "${running_uid}" != "${uid}" ]]; then
  fail "a process in the image runs as UID ${running_uid}, not ${uid}"
fi
echo "verify ${image}: runs as UID ${running_uid} (USER ${user})"

tools="$(run sh -c 'for t in gcc g++ cc c++ cpp clang clang++ ld as make cmake ninja; do command -v "$t" || true; done')"
if [[ -n "${tools}" ]]; then
  fail "build tools present: ${tools//$'\n'/ }"
fi
build_packages="$(run dpkg-query -W -f '${Package}\n' | grep -E -- '-dev$|^(gcc|g\+\+|cpp|clang|binutils|cmake|ninja-build|make)(-[0-9]+)?$' || true)"
if [[ -n "${build_packages}" ]]; then
  fail "build packages installed: ${build_packages//$'\n'/ }"
fi
if [[ -z "${tools}${build_packages}" ]]; then
  echo "verify ${image}: no compiler, linker or -dev package; $(run dpkg-query -W -f '${Package}\n' | wc -l) packages"
fi

if ((failures > 0)); then
  exit 1
fi
echo "verify ${image}: ok"
