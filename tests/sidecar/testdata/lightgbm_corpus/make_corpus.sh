#!/usr/bin/env bash
# Regenerates the LightGBM exactness corpus: a venv with lightgbm from PyPI (under
# ~/.cache/aviary/venvs) runs make_corpus.py, which trains small models, saves them as text and
# records lightgbm's own predictions. Needs network only to fill the venv; the tests read the
# committed files only.
#   tests/sidecar/testdata/lightgbm_corpus/make_corpus.sh [version]
set -o errexit -o nounset -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
venvs=${AVIARY_VENVS:-$HOME/.cache/aviary/venvs}
version=${1:-4.7.0}
venv=$venvs/lightgbm-$version
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import lightgbm, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "lightgbm==$version" numpy
fi
"$venv/bin/python" "$here/make_corpus.py" "$here"
