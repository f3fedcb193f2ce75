// Cost of each libxgboost 1.7 C API path for one prediction, called in-process on one thread.
// usage: aviary-xgb-paths-bench MODEL_FILE [CALLS]  -> one line per path and batch: µs per call.
// Under `valgrind --tool=callgrind` (CALLS small) the instruction counts compare the paths on a
// busy machine, where wall time does not.
#include <xgboost/c_api.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr const char* kConfig =
    R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
constexpr const char* kInplaceConfig =
    R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";

void check(int rc) {
  if (rc != 0) {
    std::fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
    std::exit(1);
  }
}

struct Setup {
  BoosterHandle booster = nullptr;
  bst_ulong features = 0;
};

// What each path computes, so the table can also show they agree.
using Path = std::function<float(const Setup&, const std::vector<float>&, bst_ulong rows)>;

float matOmpPredictFromDMatrix(const Setup& s, const std::vector<float>& x, bst_ulong rows) {
  DMatrixHandle m;
  check(XGDMatrixCreateFromMat_omp(x.data(), rows, s.features, kNaN, &m, 1));
  const bst_ulong* shape;
  bst_ulong dim;
  const float* out;
  check(XGBoosterPredictFromDMatrix(s.booster, m, kConfig, &shape, &dim, &out));
  const float first = out[0];
  XGDMatrixFree(m);
  return first;
}

// A DMatrix from the rows (built with or without the OpenMP variant, one thread) and the legacy
// XGBoosterPredict over it.
float matPredictWith(bool omp, const Setup& s, const std::vector<float>& x, bst_ulong rows) {
  DMatrixHandle m;
  if (omp) {
    check(XGDMatrixCreateFromMat_omp(x.data(), rows, s.features, kNaN, &m, 1));
  } else {
    check(XGDMatrixCreateFromMat(x.data(), rows, s.features, kNaN, &m));
  }
  bst_ulong len;
  const float* out;
  check(XGBoosterPredict(s.booster, m, 0, 0, 0, &len, &out));
  const float first = out[0];
  XGDMatrixFree(m);
  return first;
}

float matPredict(const Setup& s, const std::vector<float>& x, bst_ulong rows) {
  return matPredictWith(false, s, x, rows);
}

float matOmpPredict(const Setup& s, const std::vector<float>& x, bst_ulong rows) {
  return matPredictWith(true, s, x, rows);
}

float inplaceDense(const Setup& s, const std::vector<float>& x, bst_ulong rows) {
  char array[256];
  std::snprintf(
      array, sizeof array,
      R"({"data":[%zu,true],"shape":[%llu,%llu],"strides":null,"typestr":"<f4","version":3})",
      reinterpret_cast<std::size_t>(x.data()), static_cast<unsigned long long>(rows),
      static_cast<unsigned long long>(s.features));
  const bst_ulong* shape;
  bst_ulong dim;
  const float* out;
  check(XGBoosterPredictFromDense(s.booster, array, kInplaceConfig, nullptr, &shape, &dim, &out));
  return out[0];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL_FILE [CALLS]\n", argv[0]);
    return 2;
  }
  const int calls = argc > 2 ? std::atoi(argv[2]) : 20000;
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Setup s;
  check(XGBoosterCreate(nullptr, 0, &s.booster));
  check(XGBoosterLoadModelFromBuffer(s.booster, bytes.data(), bytes.size()));
  check(XGBoosterSetParam(s.booster, "nthread", "1"));
  check(XGBoosterGetNumFeature(s.booster, &s.features));

  const std::pair<const char*, Path> paths[] = {
      {"CreateFromMat_omp+PredictFromDMatrix", matOmpPredictFromDMatrix},
      {"CreateFromMat+Predict", matPredict},
      {"CreateFromMat_omp+Predict", matOmpPredict},
      {"PredictFromDense (in-place)", inplaceDense},
  };
  const char* only = std::getenv("XGB_PATH");         // run one path only (for callgrind)
  const char* batch_only = std::getenv("XGB_BATCH");  // and/or one batch size
  std::mt19937 engine(1);
  std::normal_distribution<float> normal;
  for (bst_ulong batch : {1ull, 256ull}) {
    if (batch_only != nullptr && std::strtoull(batch_only, nullptr, 10) != batch) continue;
    std::vector<float> x(batch * s.features);
    for (float& v : x) v = normal(engine);
    for (const auto& [name, path] : paths) {
      if (only != nullptr && std::string(only) != name) continue;
      const int n = batch == 1 ? calls : calls / 50 + 1;
      float first = 0;
      for (int i = 0; i < n / 10 + 1; ++i) first = path(s, x, batch);
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) first = path(s, x, batch);
      const std::chrono::duration<double, std::micro> took =
          std::chrono::steady_clock::now() - start;
      std::printf("batch %-4llu %-40s %9.2f us/call  first=%.9g\n",
                  static_cast<unsigned long long>(batch), name, took.count() / n, first);
    }
  }
  XGBoosterFree(s.booster);
  return 0;
}
