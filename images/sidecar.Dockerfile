# aviary-sidecar: the inference server in each model pod. Build from the repository root
# (scripts/images/build.sh does):
#   buildah bud -f images/sidecar.Dockerfile -t aviary-sidecar .
# The bases default to Docker Hub's Debian images; scripts/images/build.sh passes images it made
# from Debian's packages instead (localhost/debian:bookworm, localhost/debian:bookworm-slim).
ARG BUILD_IMAGE=docker.io/library/debian:bookworm
ARG RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
# The build dependencies come from the one list the project keeps (compilers, CMake, the libraries).
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Configuring reads every CMakeLists.txt (tests included); only the sidecar is compiled.
COPY CMakeLists.txt ./
COPY cmake cmake
COPY src src
COPY tests tests
COPY images/runtime-packages.sh images/runtime-packages.sh
# Mount a compiler cache at /ccache to reuse earlier compiles (--volume "$HOME/.ccache:/ccache");
# without one the build is cold and the cache stays in this stage.
ARG JOBS=2
ENV CCACHE_DIR=/ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
      >/dev/null \
 && ninja -C build -j "${JOBS}" aviary-sidecar \
 && mkdir -p /out \
 && strip -o /out/aviary-sidecar build/src/sidecar/aviary-sidecar \
 && images/runtime-packages.sh /out/aviary-sidecar >/out/runtime-packages \
 && cat /out/runtime-packages

FROM ${RUNTIME_IMAGE}
# Only the packages holding the shared libraries the binary loads (found with ldd and dpkg in the
# build stage), and CA certificates for https model URIs.
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/* /tmp/runtime-packages \
 && useradd --uid 65532 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin aviary
COPY --from=build /out/aviary-sidecar /usr/local/bin/aviary-sidecar
# Numeric, so that runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080
LABEL org.opencontainers.image.title="aviary-sidecar" \
      org.opencontainers.image.description="Open Inference Protocol v2 server for XGBoost models with drift and fairness metrics"
ENTRYPOINT ["/usr/local/bin/aviary-sidecar"]
