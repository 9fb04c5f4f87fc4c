#!/bin/sh
# Install what farcall needs from Debian's packages, only what is missing.
# Called by `make run` and `make check`; safe to run again. gnuplot-nox
# draws bench's plots (its svg and pngcairo terminals; no X). The cross libcs
# and C++ runtimes and dpkg-dev (dpkg-source) are for the real programs of
# the tests (scripts/fixtures.sh).
set -eu

PKGS="gcc make pkg-config
libunicorn-dev libcapstone-dev libelf-dev libdw-dev libjansson-dev libcmocka-dev
binutils-aarch64-linux-gnu binutils-riscv64-linux-gnu lld lld-19 mold elfutils jq gnuplot-nox
llvm-14-dev binutils clang-14 golang-go
libxml2-utils chromium
libc6-dev libc6-dev-arm64-cross libc6-dev-riscv64-cross
libgcc-12-dev-arm64-cross libgcc-12-dev-riscv64-cross
libstdc++-12-dev libstdc++-12-dev-arm64-cross libstdc++-12-dev-riscv64-cross dpkg-dev xz-utils"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "farcall: installing missing Debian packages:$missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
	echo "farcall: apt-get not found; install these packages by hand:$missing" >&2
	exit 2
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "farcall: not root and no sudo; as root run: apt-get install$missing" >&2
		exit 2
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent or stale on a fresh machine.
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/tmp/farcall-apt.log 2>&1; then
	$SUDO apt-get update -q >>/tmp/farcall-apt.log 2>&1 || true
	if ! $SUDO apt-get install -y -q --no-install-recommends $missing >>/tmp/farcall-apt.log 2>&1; then
		tail -n 20 /tmp/farcall-apt.log >&2
		echo "farcall: apt-get could not install:$missing (log: /tmp/farcall-apt.log)" >&2
		exit 2
	fi
fi
echo "farcall: installed:$missing" >&2
