#!/bin/sh
# Install what building and testing iommufd-tools needs on Debian 12 (bookworm).
# Idempotent: prints what it installs, installs nothing that is already there.
# Usage: scripts/deps.sh [build|lab]   (lab adds the VM lab's packages)
set -eu

want="pkg-config gcc make libjson-c-dev libsmartcols-dev libreadline-dev libncurses-dev scdoc jq valgrind"
case "${1:-build}" in
lab) want="$want qemu-system-x86 busybox-static flex bison bc cpio rsync libelf-dev libssl-dev xz-utils libcap-dev" ;;
esac

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	fi
fi

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

# The kernel uAPI header: bookworm's linux-libc-dev (6.1) has no <linux/iommufd.h>.
# We take the newest one, Debian unstable's, pinned low so nothing else comes from unstable.
need_hdr=0
if ! [ -f /usr/include/linux/iommufd.h ] || ! grep -q IOMMU_IOAS_MAP_FILE /usr/include/linux/iommufd.h; then
	need_hdr=1
fi

if [ -z "$missing" ] && [ $need_hdr -eq 0 ]; then
	echo "deps: everything is installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
	hdr=""
	[ $need_hdr -eq 0 ] || hdr=" linux-libc-dev/unstable"
	echo "deps: need root to install:${missing}${hdr}" >&2
	echo "deps: run 'sudo make deps' or install them yourself" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	hdr=""
	[ $need_hdr -eq 0 ] || hdr=" linux-libc-dev/unstable"
	echo "deps: using sudo for: apt-get install${missing}${hdr} (and, if not there yet, apt sources for bookworm-backports and unstable pinned to 100)"
fi

export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/iommufd-tools.sources
if ! [ -f "$src" ]; then
	echo "deps: adding bookworm-backports and unstable (pinned to 100) to apt's sources"
	$SUDO tee "$src" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	$SUDO tee /etc/apt/preferences.d/iommufd-tools-unstable >/dev/null <<'PIN'
Package: *
Pin: release a=unstable
Pin-Priority: 100
PIN
	$SUDO apt-get update -q
elif [ -z "$(find /var/lib/apt/lists -name '*unstable*Packages*' 2>/dev/null | head -1)" ]; then
	$SUDO apt-get update -q
fi

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ $need_hdr -eq 1 ]; then
	echo "deps: installing linux-libc-dev/unstable (for <linux/iommufd.h>)"
	$SUDO apt-get install -y -q --no-install-recommends linux-libc-dev/unstable
fi
echo "deps: done"
