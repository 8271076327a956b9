#!/usr/bin/env bash
# One entry point for people and CI. Each command installs what is missing, then builds.
#   packaging/dev.sh run [app options]   build and start the app on the built-in sandbox
#   packaging/dev.sh test                build with warnings as errors and run the whole test suite headless
#   packaging/dev.sh bench               build optimised and print the performance figures
#   packaging/dev.sh package             build optimised and produce the installers under build-release/
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${PK_JOBS:-$(nproc)}

build() { # preset
    cmake --preset "$1" >/dev/null
    cmake --build --preset "$1" -j "$jobs"
}

# Runs "$@" with a private session bus and an unlocked, throwaway gnome-keyring, so keychain code talks
# to a real Secret Service without touching the user's own keyring.
with_private_keyring() {
    local tmp
    tmp=$(mktemp -d)
    mkdir -p "$tmp/home" "$tmp/run"
    chmod 700 "$tmp/run"
    local rc=0
    HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/home/.config" \
        XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
        dbus-run-session -- sh -c 'echo -n pk | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@" || rc=$?
    rm -rf "$tmp"
    return $rc
}

cmd=${1:-}
shift || true
case "$cmd" in
run)
    packaging/install-deps.sh
    build dev
    app=("$root/build/app/gui/portkey-key-manager" --sandbox "$@")
    if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
        echo "No display: running under Xvfb and saving a screenshot to build/sandbox.png instead." >&2
        app=(xvfb-run -a -s "-screen 0 1280x800x24" "${app[@]}" --screenshot "$root/build/sandbox.png")
    fi
    if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
        echo "No session bus: using a private, throwaway keyring for this run." >&2
        with_private_keyring "${app[@]}"
    else
        exec "${app[@]}"
    fi
    ;;
test)
    packaging/install-deps.sh --with-node
    if [[ -f tests/conformance/package.json ]]; then
        (cd tests/conformance && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; })
    fi
    build ci
    with_private_keyring env QT_QPA_PLATFORM=offscreen ctest --preset ci -j "$jobs" "$@"
    ;;
bench)
    packaging/install-deps.sh
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPK_BUILD_TESTS=ON >/dev/null
    cmake --build build-bench -j "$jobs" --target pk-bench
    tests/bench/run-bench.sh build-bench
    ;;
package)
    packaging/install-deps.sh
    build release
    (cd build-release && cpack -G DEB && cpack -G TGZ)
    ;;
*)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
