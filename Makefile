# aviary — `make help` lists the targets.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
SOURCES = $(shell git ls-files --cached --others --exclude-standard -- 'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'e2e/*.cc' 'bench/*.cc' 'fuzz/*.cc' 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help demo demo-down deps configure build test unit e2e cluster-up cluster-down fmt fmt-check lint clean bench \
	bench-controller fuzz

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-17s %s\n", $$1, $$2}'

demo: ## Roll out a good, then a bad model version on a local control plane, live (minutes warm)
	@scripts/demo/run.sh

demo-down: ## Stop everything make demo started
	@scripts/demo/down.sh

deps: ## Install the Debian packages the build needs (idempotent, fast when present)
	@scripts/install-deps.sh

# ccache keys on paths relative to the checkout, so a fresh clone reuses what another clone compiled.
# With -g ccache would also hash the build folder's absolute path; the clone's own paths are
# relative already, so leave it out.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
LAUNCHER = $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(LAUNCHER) >/dev/null

build: configure ## Build every library, binary and test
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: ## The full test run: deps, build, unit tests, then the e2e suite on a local control plane
	@scripts/test.sh

unit: build ## Unit tests only (ctest)
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

e2e: ## The e2e suite alone (brings the local control plane up and down itself)
	@e2e/run.sh

cluster-up: ## Start the local control plane (etcd, kube-apiserver, kwok, Prometheus); idempotent
	@e2e/cluster/up.sh

cluster-down: ## Stop every process cluster-up started
	@e2e/cluster/down.sh

fmt: ## Format the C++ sources in place
	@clang-format -i $(SOURCES)

fmt-check: ## Fail if any C++ source is not formatted
	@clang-format --dry-run --Werror $(SOURCES)

lint: fmt-check ## Format check, layering rule (DESIGN.md), the chart's copies and values table, docs/reference.md in sync
	@scripts/check-layering.sh
	@scripts/check-chart-copies.sh
	@scripts/chart-values-table.sh --check
	@scripts/check-reference.sh

.PHONY: reference images
reference: ## Regenerate docs/reference.md (every ModelDeployment field) from the CRD
	@scripts/install-deps.sh
	@/usr/bin/python3 scripts/gen-reference.py crds/aviary.dev_modeldeployments.yaml >docs/reference.md.tmp
	@mv docs/reference.md.tmp docs/reference.md

images: ## Build the controller and sidecar images with buildah, bases from debootstrap (slow; not in make test)
	@scripts/images/build.sh

bench: ## Sidecar vs in-process XGBoost vs MLServer (bench/run.sh; minutes, needs PyPI once)
	@bench/run.sh

bench-controller: ## The controller at scale: N=1000 ModelDeployments on kwok nodes (RSS, API calls, p99)
	@bench/controller/run.sh $(if $(N),--count $(N))

fuzz: ## libFuzzer (ASan/UBSan/LSan) over the request parser, the model loader and the LightGBM reader, FUZZ_SECONDS each
	@fuzz/run.sh

clean: ## Remove the build folder
	@rm -rf $(BUILD_DIR)
