#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, run and test Portkey Key Manager.
# Does nothing when everything is present; uses sudo when not run as root.
# Usage: packaging/install-deps.sh [--with-node]   (--with-node adds Node.js/npm for the conformance tests)
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config clang-format
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-l10n-tools qt6-httpserver-dev qt6-websockets-dev
    qt6-svg-dev qtkeychain-qt6-dev libsqlcipher-dev sqlcipher sqlite3 libxkbcommon-dev
    xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools desktop-file-utils appstream file
)
if [[ "${1:-}" == "--with-node" ]]; then
    command -v node >/dev/null 2>&1 || packages+=(nodejs)
    command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
