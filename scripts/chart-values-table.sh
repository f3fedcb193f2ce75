#!/usr/bin/env bash
# The values table of charts/aviary/README.md, made from charts/aviary/values.yaml: every value with
# its default and the `# --` comment above it. A mapping whose key has a `# --` comment is one row
# (its default is the block in values.yaml); any other mapping is a path to its values.
#   scripts/chart-values-table.sh           print the table
#   scripts/chart-values-table.sh --check   fail when a value has no comment, or when the README's
#                                           table (between its values-table markers) is not this one
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

values=charts/aviary/values.yaml
readme=charts/aviary/README.md

table() {
  awk '
    function flush_desc() { desc = "" }
    /^[[:space:]]*# --/ { sub(/^[[:space:]]*# -- ?/, ""); desc = $0; next }
    /^[[:space:]]*#/ { if (desc != "") { sub(/^[[:space:]]*# ?/, ""); desc = desc " " $0 } next }
    /^[[:space:]]*$/ { next }
    /^[[:space:]]*- / { next }
    {
      match($0, /^ */); indent = RLENGTH / 2
      if (skip_below >= 0 && indent > skip_below) { desc = ""; next }
      skip_below = -1
      line = substr($0, RLENGTH + 1)
      key = line; sub(/:.*/, "", key)
      value = line; sub(/^[^:]*:[[:space:]]*/, "", value)
      path[indent] = key
      full = path[0]; for (i = 1; i <= indent; i++) full = full "." path[i]
      if (value == "" && desc == "") { next }          # a path to further values
      if (desc == "") { missing = missing " " full; next }
      shown = (value == "") ? "see values.yaml" : "`" value "`"
      gsub(/\|/, "\\|", desc)
      printf "| `%s` | %s | %s |\n", full, shown, desc
      if (value == "") skip_below = indent
      desc = ""
    }
    BEGIN { skip_below = -1; print "| value | default | what |"; print "|---|---|---|" }
    END { if (missing != "") { print "chart-values-table: no # -- comment for:" missing > "/dev/stderr"; exit 1 } }
  ' "${values}"
}

if [[ "${1:-}" == --check ]]; then
  want="$(table)"
  got="$(sed -n '/<!-- values-table:start -->/,/<!-- values-table:end -->/p' "${readme}" | sed '1d;$d')"
  if [[ "${got}" != "${want}" ]]; then
    diff <(echo "${got}") <(echo "${want}") >&2 || true
    echo "chart-values-table: the table in ${readme} is out of date; run scripts/chart-values-table.sh" >&2
    exit 1
  fi
  echo "chart-values-table: every value of ${values} is commented and in ${readme}"
else
  table
fi
