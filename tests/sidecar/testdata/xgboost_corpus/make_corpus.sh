#!/usr/bin/env bash
# Regenerates the XGBoost exactness corpus: one venv per xgboost version (from PyPI, under
# ~/.cache/aviary/venvs), each running make_corpus.py, which trains small models, saves them as
# JSON and UBJSON and records xgboost's own predictions. Needs network only to fill the venvs;
# the tests read the committed files only.
#   tests/sidecar/testdata/xgboost_corpus/make_corpus.sh [version ...]
set -o errexit -o nounset -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
venvs=${AVIARY_VENVS:-$HOME/.cache/aviary/venvs}
versions=("$@")
((${#versions[@]})) || versions=(1.7.6 2.1.4 3.2.0)

for version in "${versions[@]}"; do
  venv=$venvs/xgboost-$version
  if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import xgboost, pandas" 2>/dev/null; then
    python3 -m venv "$venv"
    case $version in
      # 1.7 predates numpy 2; the xgboost-cpu wheels (2.1.1+) leave out the CUDA libraries.
      1.*) packages=("xgboost==$version" "numpy<2" "pandas<2.2") ;;
      *) packages=("xgboost-cpu==$version" numpy pandas) ;;
    esac
    "$venv/bin/pip" install --quiet "${packages[@]}"
  fi
  "$venv/bin/python" "$here/make_corpus.py" "$here"
done
