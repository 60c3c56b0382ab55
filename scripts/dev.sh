#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for BitTTS Desktop, then run the app or the tests.
#
#   scripts/dev.sh app [ARGS]   set up, then start the desktop application
#   scripts/dev.sh test [ARGS]  set up, then run the test suite (what .ci/run calls)
#   scripts/dev.sh setup        set up only
#
# Set-up is idempotent: system packages are installed only when missing, the virtual
# environment (.venv) is made once, and the package (with its Cython extension) is rebuilt
# only when its build inputs change.
set -euo pipefail
cd "$(dirname "$0")/.."

# PortAudio for sounddevice; the X11/EGL/font libraries PySide6's Qt needs; a C compiler.
APT_PACKAGES=(
  build-essential libportaudio2 libsndfile1
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
  libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  # Speech Dispatcher: the tests start it and speak through sd_bittts (docs/system-voice.md)
  speech-dispatcher
)
PYTHON=${PYTHON:-python3}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: installing system packages needs root (or sudo): $*" >&2; exit 1; fi
}

install_system_packages() {
  local missing=() pkg
  # The Debian Python needs its headers and venv module; a Python built from source has both.
  if ! "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
    APT_PACKAGES+=(python3-dev)
  fi
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then APT_PACKAGES+=(python3-venv); fi
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_inputs_hash() {
  cat pyproject.toml setup.py engine/_native.pyx engine/native/* | sha256sum | cut -d' ' -f1
}

setup() {
  install_system_packages
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  local want
  want=$(build_inputs_hash)
  if [ "$(cat .venv/.bittts-build 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import bittts.engine' 2>/dev/null; then
    echo "building bittts (editable install with the native kernels)..."
    .venv/bin/python -m pip install -q -e '.[test,app]'  # app: the desktop application's extra (Qt)
    echo "$want" > .venv/.bittts-build
  fi
}

command=${1:-app}
shift || true
case "$command" in
  setup) setup ;;
  app) setup; exec .venv/bin/bittts app "$@" ;;
  test) setup; exec .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: scripts/dev.sh app|test|setup [ARGS]" >&2; exit 2 ;;
esac
