#!/usr/bin/env bash
# `make images`: builds the aviary-controller and aviary-sidecar images without a Docker engine or a
# registry, then proves each one starts. Steps:
#   1. installs buildah and debootstrap from Debian (scripts/install-deps.sh);
#   2. makes the Debian bases from Debian's packages (scripts/images/base.sh), unless
#      AVIARY_BUILD_IMAGE / AVIARY_RUNTIME_IMAGE name bases to pull instead (e.g.
#      docker.io/library/debian:bookworm and docker.io/library/debian:bookworm-slim);
#   3. builds images/controller.Dockerfile and images/sidecar.Dockerfile with buildah (chroot
#      isolation, the host's network for apt), the compiler cache mounted at /ccache;
#   4. runs each image's entrypoint with --help and checks it runs as a non-root numeric user and
#      holds no compiler (scripts/images/verify.sh); the sidecar image also serves a test model and
#      answers one inference request (scripts/images/serve-check.sh).
# Slow (a cold compile of both binaries on two cores is tens of minutes), so not part of make test.
#
# Environment: AVIARY_IMAGE_TAG (latest), AVIARY_IMAGES_NO_CACHE=1 (rebuild every layer), AVIARY_CCACHE_DIR (CCACHE_DIR, else ~/.ccache),
# BUILDAH_STORAGE_DRIVER (default: overlay when this machine can mount it, else vfs), JOBS.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

scripts/install-deps.sh buildah debootstrap

tag="${AVIARY_IMAGE_TAG:-latest}"
ccache_dir="${AVIARY_CCACHE_DIR:-${CCACHE_DIR:-${HOME}/.ccache}}"
mkdir -p "${ccache_dir}"

# overlay needs a kernel and a filesystem that allow overlay mounts here (not always so inside a
# container); vfs always works and only costs disk.
driver="${BUILDAH_STORAGE_DRIVER:-}"
if [[ -z "${driver}" ]]; then
  driver=vfs
  if probe="$(buildah --storage-driver overlay from scratch 2>/dev/null)"; then
    if buildah --storage-driver overlay mount "${probe}" >/dev/null 2>&1; then driver=overlay; fi
    buildah --storage-driver overlay rm "${probe}" >/dev/null 2>&1 || true
  fi
fi
# A store holds one driver's layers, so vfs gets a store of its own.
export BUILDAH="buildah --storage-driver ${driver}"
# --layers keeps every step's layer as a cache (both Dockerfiles share the dependency layer); vfs
# stores each layer as a full copy of the filesystem, about 1.5 GB per build step, so it goes without.
layers=--layers
if [[ "${driver}" == vfs ]]; then
  BUILDAH+=" --root ${AVIARY_VFS_STORAGE:-/var/lib/containers/storage-vfs}"
  layers=--layers=false
fi
read -r -a buildah <<<"${BUILDAH}"
echo "images: buildah $(buildah --version | awk '{print $3}'), storage driver ${driver}"

build_image="${AVIARY_BUILD_IMAGE:-}"
runtime_image="${AVIARY_RUNTIME_IMAGE:-}"
if [[ -z "${build_image}" ]]; then
  scripts/images/base.sh full
  build_image=localhost/debian:bookworm
fi
if [[ -z "${runtime_image}" ]]; then
  scripts/images/base.sh slim
  runtime_image=localhost/debian:bookworm-slim
fi

for component in controller sidecar; do
  image="localhost/aviary-${component}:${tag}"
  echo "images: building ${image} (from ${build_image}, runtime ${runtime_image})"
  started=${SECONDS}
  "${buildah[@]}" bud --isolation chroot --network host "${layers}" ${AVIARY_IMAGES_NO_CACHE:+--no-cache} \
    --build-arg BUILD_IMAGE="${build_image}" --build-arg RUNTIME_IMAGE="${runtime_image}" \
    --build-arg JOBS="${JOBS:-$(nproc)}" \
    --volume "${ccache_dir}:/ccache" \
    -f "images/${component}.Dockerfile" -t "${image}" .
  echo "images: ${image} built in $((SECONDS - started)) s"
  scripts/images/verify.sh "${image}" "aviary-${component}"
  if [[ "${component}" == sidecar ]]; then scripts/images/serve-check.sh "${image}"; fi
done

"${buildah[@]}" images --filter reference='localhost/aviary-*' --filter reference='localhost/debian'
