#!/usr/bin/env bash
# Enforces the dependency rule of DESIGN.md on #include lines: a folder under src/ may include only
# itself and the folders its arrows reach. Pure folders include no I/O headers.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

# folder -> folders it may include (besides itself). Transitive arrows are listed explicitly.
declare -A allowed=(
  [common]=""
  [http]="common"
  [api]="common"
  [kube]="http common"
  [rollout]="api common"
  [router]="kube api common"
  [metrics]="http api common"
  [governance]="api common"
  [controller]="governance rollout router metrics kube api http common"
  [operator]="controller governance rollout router metrics kube api http common"
  [sidecar]="sidecar http common"
  [cli]="governance kube rollout api http common"
)
# The sidecar's subfolders, one CMake library each (src/sidecar/*/CMakeLists.txt): which of
# src/sidecar/<sub>/ and of the top folders each may include. A name without "sidecar/" is a top
# folder (common, http); main.cc at src/sidecar/ is the binary and may include any subfolder.
declare -A sidecar_allowed=(
  [drift]="common"
  [fairness]="common"
  [protocol]="common"
  [runtime]="common"
  [loader]="runtime http common"
  [server]="protocol runtime drift fairness http common"
  [app]="server loader drift fairness protocol runtime http common"
  [tools]="drift common"
)
pure_folders=(src/rollout src/governance src/sidecar/drift src/sidecar/fairness)
io_headers='<(thread|mutex|fstream|filesystem|future|cpprest/[^>]*|boost/[^>]*)>'

status=0
for dir in src/*/; do
  folder=$(basename "$dir")
  if [[ -z ${allowed[$folder]+set} ]]; then
    echo "check-layering: src/$folder has no entry in scripts/check-layering.sh" >&2
    status=1
    continue
  fi
  while IFS=: read -r file line include; do
    target=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$include")
    [[ $target == "$folder" ]] && continue
    if [[ " ${allowed[$folder]} " != *" $target "* ]]; then
      echo "$file:$line: src/$folder may not include $target/ ($include)" >&2
      status=1
    fi
  done < <(grep -rnE '^#include "[^/"]+/' "$dir" || true)
done
for dir in src/sidecar/*/; do
  sub=$(basename "$dir")
  if [[ -z ${sidecar_allowed[$sub]+set} ]]; then
    echo "check-layering: src/sidecar/$sub has no entry in scripts/check-layering.sh" >&2
    status=1
    continue
  fi
  while IFS=: read -r file line include; do
    path=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$include")
    if [[ $path == sidecar/* ]]; then
      target=$(cut -d/ -f2 <<<"$path")
    else
      target=$(cut -d/ -f1 <<<"$path")
    fi
    [[ $target == "$sub" ]] && continue
    if [[ " ${sidecar_allowed[$sub]} " != *" $target "* ]]; then
      echo "$file:$line: src/sidecar/$sub may not include $path" >&2
      status=1
    fi
  done < <(grep -rnE '^#include "[^/"]+/' "$dir" || true)
done
for dir in "${pure_folders[@]}"; do
  [[ -d $dir ]] || continue
  if grep -rnE "^#include $io_headers" "$dir"; then
    echo "check-layering: $dir is pure (no I/O, threads or clocks) but includes the lines above" >&2
    status=1
  fi
  if grep -rnE 'system_clock::now|steady_clock::now' "$dir"; then
    echo "check-layering: $dir is pure but reads a clock" >&2
    status=1
  fi
done
exit $status
