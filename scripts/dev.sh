#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for BitTTS Desktop, then run the app or the tests.
#
#   scripts/dev.sh app [ARGS]   set up, then start the desktop application
#   scripts/dev.sh test [ARGS]  set up, then run the test suite (what .ci/run calls)
#   scripts/dev.sh lint         set up, then ruff (lint and format) and mypy (.ci/run runs it first)
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
    # app: the desktop application's extra (Qt); lint: the pinned ruff and mypy
    .venv/bin/python -m pip install -q -e '.[test,app,lint]'
    echo "$want" > .venv/.bittts-build
  fi
}

# ruff on the whole tree (pyproject.toml says what it leaves out), then mypy on the modules
# pyproject.toml lists. mypy runs in build/mypy-src, where bittts/ has engine/, app/, documents/
# and resources/ linked in as they install: it cannot follow the editable install's import hook.
lint() {
  local failed=0 f d
  echo "ruff check"
  .venv/bin/ruff check . || failed=1
  echo "ruff format --check"
  .venv/bin/ruff format --check . || failed=1
  rm -rf build/mypy-src
  mkdir -p build/mypy-src/bittts
  for f in bittts/*.py; do ln -s "../../../$f" build/mypy-src/bittts/; done
  for d in engine app documents resources; do ln -s "../../../$d" "build/mypy-src/bittts/$d"; done
  echo "mypy"
  (cd build/mypy-src && ../../.venv/bin/mypy --config-file ../../pyproject.toml) || failed=1
  if [ "$failed" != 0 ]; then
    echo "lint failed (ruff check --fix and ruff format fix most of what ruff reports)" >&2
  fi
  return "$failed"
}

command=${1:-app}
shift || true
case "$command" in
  setup) setup ;;
  app) setup; exec .venv/bin/bittts app "$@" ;;
  test) setup; exec .venv/bin/python -m pytest "$@" ;;
  lint) setup; lint ;;
  *) echo "usage: scripts/dev.sh app|test|lint|setup [ARGS]" >&2; exit 2 ;;
esac
