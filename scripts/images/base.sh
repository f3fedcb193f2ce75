#!/usr/bin/env bash
# Makes a Debian bookworm base image from Debian's packages, for machines that reach a Debian mirror
# but no container registry. `base.sh full` gives localhost/debian:bookworm (the build stage's base),
# `base.sh slim` gives localhost/debian:bookworm-slim (the runtime stage's): both are debootstrap's
# minbase, the slim one also drops documentation, manual pages and translations the way the official
# -slim images do, and keeps dpkg from installing them later. An image that exists already is kept
# (AVIARY_IMAGES_REBUILD_BASE=1 remakes it).
#
# Environment: DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR (default: the ones apt uses on this machine),
# AVIARY_IMAGES_WORK (scratch folder, /var/tmp/aviary-images), BUILDAH (the buildah command to use).
set -o errexit -o nounset -o pipefail

variant="${1:?usage: base.sh full|slim}"
case "${variant}" in
  full) image=localhost/debian:bookworm ;;
  slim) image=localhost/debian:bookworm-slim ;;
  *) echo "base.sh: unknown variant ${variant} (full or slim)" >&2; exit 2 ;;
esac
read -r -a buildah <<<"${BUILDAH:-buildah}"

if [[ "${AVIARY_IMAGES_REBUILD_BASE:-0}" != 1 ]] && "${buildah[@]}" inspect --type image "${image}" >/dev/null 2>&1; then
  exit 0
fi

# The first mirror this machine's apt lists for a path ending in /debian (or /debian-security).
apt_mirror() {
  local suffix="$1"
  { grep -rhoE "https?://[^ ]+/${suffix}/?( |$)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true; } |
    head -n 1 | sed -e 's/ *$//' -e 's#/$##'
}
mirror="${DEBIAN_MIRROR:-$(apt_mirror debian)}"
mirror="${mirror:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-$(apt_mirror debian-security)}"
security_mirror="${security_mirror:-http://deb.debian.org/debian-security}"

work="${AVIARY_IMAGES_WORK:-/var/tmp/aviary-images}"
rootfs="${work}/rootfs-bookworm-${variant}"
mkdir -p "${work}"
rm -rf "${rootfs}"

echo "base.sh: debootstrap bookworm (minbase) from ${mirror} for ${image}"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  bookworm "${rootfs}" "${mirror}" >"${work}/debootstrap-${variant}.log" 2>&1 ||
  { tail -n 20 "${work}/debootstrap-${variant}.log" >&2; exit 1; }

# The same suites a Debian image lists, so the images get point-release and security updates.
rm -f "${rootfs}/etc/apt/sources.list"
cat >"${rootfs}/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: ${mirror}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${security_mirror}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

if [[ "${variant}" == slim ]]; then
  cat >"${rootfs}/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
# A slim image: no documentation, manual pages or translations (licences stay).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
  find "${rootfs}/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "${rootfs}/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${rootfs}"/usr/share/{man,groff,info,lintian,linda,locale}/*
fi

# No package caches or indexes in the image: every Dockerfile step runs apt-get update first.
rm -rf "${rootfs}"/var/cache/apt/*.bin "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/*
rm -rf "${rootfs}"/var/log/* "${rootfs}"/tmp/* "${rootfs}"/var/tmp/*
mkdir -p "${rootfs}/var/lib/apt/lists/partial"

tarball="${work}/rootfs-bookworm-${variant}.tar"
tar --numeric-owner --xattrs -C "${rootfs}" -cf "${tarball}" .
container="$("${buildah[@]}" from scratch)"
trap '"${buildah[@]}" rm "${container}" >/dev/null 2>&1 || true' EXIT
"${buildah[@]}" add "${container}" "${tarball}" / >/dev/null
"${buildah[@]}" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd bash \
  --label org.opencontainers.image.description="${image#localhost/}: debootstrap minbase from ${mirror}" \
  "${container}"
"${buildah[@]}" commit --quiet "${container}" "${image}" >/dev/null
rm -rf "${rootfs}" "${tarball}"
echo "base.sh: ${image} ready"
