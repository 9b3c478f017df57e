#!/usr/bin/env bash
# deploy/deps.sh: install the Debian packages eiso's build and tests need.
#
#   deploy/deps.sh           install whatever is missing (apt-get, non-interactive)
#   deploy/deps.sh --check   only report; exit 1 if anything is missing
#
# Idempotent: each package is checked with dpkg-query and only missing ones are installed,
# so a machine that has everything is left alone (no apt-get update, no root needed).

set -euo pipefail

PACKAGES=(
	build-essential pkg-config clang
	libzmq3-dev liblmdb-dev lmdb-utils libsodium-dev libssl-dev libprotobuf-c-dev protobuf-c-compiler
	libuv1-dev libinih-dev libutf8proc-dev libjansson-dev libmagic-dev libcmocka-dev libh2o-dev libsystemd-dev
	libqrencode-dev libpng-dev zbar-tools poppler-utils
	python3 procps psmisc curl
	systemd groff-base
	xxd
	chromium nodejs
)
# The browser tests' npm: Debian's package, unless node came with its own (NodeSource's
# nodejs carries npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

usage() {
	echo "usage: deploy/deps.sh [--check]" >&2
	exit 2
}

check_only=0
case $# in
0) ;;
1) [[ $1 == --check ]] || usage; check_only=1 ;;
*) usage ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: dpkg-query not found: this script needs Debian (or a derivative)." >&2
	echo "deps: packages needed: ${PACKAGES[*]}" >&2
	exit 1
fi

# Installed means dpkg's own state is "installed" (not half-configured or removed).
missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
			echo "$p"
		fi
	done
}

mapfile -t missing < <(missing_packages)

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#PACKAGES[@]} packages installed"
	exit 0
fi
if ((check_only)); then
	echo "deps: missing: ${missing[*]}"
	exit 1
fi

sudo=()
if ((EUID != 0)); then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: missing ${missing[*]}; installing needs root and sudo is not available." >&2
		echo "deps: as root run: apt-get update && apt-get install ${missing[*]}" >&2
		exit 1
	fi
	# Without a terminal nobody can type a password: fail at once rather than hang.
	if [[ -t 0 ]]; then
		sudo=(sudo)
	else
		sudo=(sudo -n)
	fi
fi

apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
	-o DPkg::Lock::Timeout=300)

echo "deps: installing: ${missing[*]}"
"${apt[@]}" update
"${apt[@]}" install --no-install-recommends "${missing[@]}"

mapfile -t still < <(missing_packages)
if ((${#still[@]} > 0)); then
	echo "deps: still missing after apt-get install: ${still[*]}" >&2
	exit 1
fi
echo "deps: installed ${#missing[@]} package(s)"
