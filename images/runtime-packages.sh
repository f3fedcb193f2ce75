#!/usr/bin/env bash
# Prints the Debian packages that hold the shared libraries the given binaries load, one a line:
# the runtime stage installs exactly these (the soname packages, never -dev ones). Runs in the build
# stage, where the binaries were linked. Fails when a library is missing or belongs to no package, so
# an image never ships a binary it cannot start.
set -o errexit -o nounset -o pipefail

if (($# == 0)); then
  echo "usage: runtime-packages.sh BINARY..." >&2
  exit 2
fi

declare -A packages=()
for binary in "$@"; do
  if ldd "${binary}" | grep -q 'not found'; then
    ldd "${binary}" >&2
    echo "runtime-packages: ${binary} needs a library that is not installed" >&2
    exit 1
  fi
  # Lines look like "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)".
  while read -r library; do
    # dpkg records the path the package ships; with merged /usr that may be the /lib or the /usr/lib
    # spelling of the path ldd printed, so ask for each.
    resolved="$(readlink -f "${library}")"
    owner=""
    for candidate in "${library}" "${resolved}" "${library#/usr}" "${resolved#/usr}" "/usr${library}" "/usr${resolved}"; do
      if owner="$(dpkg-query -S "${candidate}" 2>/dev/null)"; then
        break
      fi
      owner=""
    done
    if [[ -z "${owner}" ]]; then
      echo "runtime-packages: no package holds ${library} (needed by ${binary})" >&2
      exit 1
    fi
    # "libfmt9:amd64: /usr/lib/..." -> libfmt9
    packages["${owner%%:*}"]=1
  done < <(ldd "${binary}" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
done

printf '%s\n' "${!packages[@]}" | sort
