#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets with clang (ASan + UBSan; LeakSanitizer is part of ASan)
# and runs each for FUZZ_SECONDS (default 60), seeded with the committed fixtures. Fails on any
# crash, sanitizer report or leak; the reproducer is left in build/fuzz/.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
out=build/fuzz
scripts/install-deps.sh clang-16 libclang-rt-16-dev
mkdir -p "$out"

# libstdc++ 12 exposes std::expected only when __cpp_concepts >= 202002L; clang 16 implements what
# <expected> needs but still reports 201907L.
flags=(-std=c++2b -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Wno-macro-redefined -Wno-builtin-macro-redefined -D__cpp_concepts=202002L -Isrc)
protocol=(src/sidecar/protocol/json_cursor.cc src/sidecar/protocol/binary_tensor.cc
          src/sidecar/protocol/infer_request.cc src/sidecar/protocol/batch.cc
          src/sidecar/protocol/infer_response.cc src/common/json_text.cc)
xgboost=(src/sidecar/runtime/xgboost/document.cc src/sidecar/runtime/xgboost/model_reader.cc
         src/sidecar/runtime/xgboost/objective.cc src/sidecar/runtime/xgboost/tree_ensemble.cc)
loader=(src/sidecar/loader/guarded_load.cc src/sidecar/runtime/factory.cc
        src/sidecar/runtime/xgboost_runtime.cc "${xgboost[@]}")
lightgbm=(src/sidecar/runtime/lightgbm/text_model.cc src/sidecar/runtime/lightgbm/objective.cc
          src/sidecar/runtime/lightgbm/forest.cc src/sidecar/runtime/lightgbm/lightgbm_runtime.cc)
loader+=("${lightgbm[@]}")

build() {  # name sources... -- libs...
  local name=$1; shift
  local newer=1 source
  for source in "$@"; do
    [[ $source == -* || $out/$name -nt $source ]] || newer=0
  done
  ((newer)) && return 0
  echo "fuzz: building $name"
  clang++-16 "${flags[@]}" "$@" -o "$out/$name"
}
build infer_request_fuzzer fuzz/infer_request_fuzzer.cc "${protocol[@]}" -lfmt
build model_loader_fuzzer fuzz/model_loader_fuzzer.cc "${loader[@]}" -lfmt
build xgboost_model_fuzzer fuzz/xgboost_model_fuzzer.cc src/sidecar/runtime/xgboost_runtime.cc \
  "${xgboost[@]}" -lfmt
build lightgbm_model_fuzzer fuzz/lightgbm_model_fuzzer.cc "${lightgbm[@]}" -lfmt

mkdir -p "$out/corpus/request" "$out/corpus/model" "$out/corpus/xgboost"
cp fuzz/seeds/request/* "$out/corpus/request/"
cp tests/sidecar/testdata/binary.json tests/sidecar/testdata/binary.ubj \
  tests/sidecar/testdata/binary.bin tests/sidecar/testdata/multiclass.json \
  tests/sidecar/testdata/huge_alloc.bin "$out/corpus/model/"
# Every model of the exactness corpus (all versions, objectives, both formats), named uniquely.
for model in tests/sidecar/testdata/xgboost_corpus/*/*.json tests/sidecar/testdata/xgboost_corpus/*/*.ubj; do
  [[ $model == *.cases.json ]] && continue
  version=$(basename "$(dirname "$model")")
  cp "$model" "$out/corpus/xgboost/$version-$(basename "$model")"
done
cp "$out"/corpus/xgboost/3.2.0-cat_softprob.* "$out"/corpus/xgboost/2.1.4-dart_logistic.* \
  "$out/corpus/model/"

mkdir -p "$out/corpus/lightgbm"
cp tests/sidecar/testdata/lightgbm_corpus/4.7.0/*.txt "$out/corpus/lightgbm/"

status=0
for target in infer_request_fuzzer:request model_loader_fuzzer:model xgboost_model_fuzzer:xgboost \
  lightgbm_model_fuzzer:lightgbm; do
  name=${target%%:*}
  corpus=$out/corpus/${target##*:}
  echo "fuzz: $name for ${seconds}s"
  (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./$name" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "corpus/${target##*:}") \
    >"$out/$name.log" 2>&1 || status=1
  tail -n 12 "$out/$name.log"
done
exit $status
