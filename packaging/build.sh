#!/usr/bin/env bash
# Build BitTTS Desktop's offline installers from this working tree.
#
#   packaging/build.sh [--model FILE] [--card FILE] [--wheel-only] [--full-icu] [--work DIR] [--dist DIR]
#
#   --model FILE   put FILE into the build's resources/ as bittts-en.bttm (the source tree is not
#                  touched); default: resources/bittts-en.bttm as it is in the tree
#   --card FILE    the same for resources/MODEL_CARD.md
#   --wheel-only   build the sdist and the wheel only (no frozen bundle)
#   --full-icu     Linux: keep Qt's ICU data whole (default: packaging/linux/trim_icu.py cuts it
#                  from 32 MB to 6 MB, English and root locales; needs icupkg from icu-devtools)
#   --work DIR     scratch folder (default build/packaging; reused: the build venv lives there)
#   --dist DIR     where the installers go (default dist/)
#
# Steps: 1. copy the tree's tracked and untracked-but-not-ignored files to WORK/src (plus the
# model); 2. `python -m build` there: sdist, then the wheel built from that sdist, and the NVDA
# add-on DIST/BitTTS-VERSION.nvda-addon (packaging/nvda/build_addon.py); 3. install the
# wheel into a build venv (WORK/venv: the wheel with its dependencies, and
# packaging/requirements-build.txt; the wheel with its `app` extra, Qt, since the bundle
# is the desktop app); 4. PyInstaller with packaging/bittts.spec (one folder);
# 5. per platform:
#   Linux    DIST/BitTTS-Desktop-VERSION-linux-ARCH.tar.gz (the folder, a .desktop file, the icon,
#            install-desktop-entry.sh), and DIST/BitTTS-Desktop-VERSION-ARCH.AppImage when
#            appimagetool is on PATH (it is not packaged by Debian: see docs/packaging.md)
#   macOS    DIST/BitTTS-Desktop-VERSION-macos-ARCH.zip of "BitTTS Desktop.app" (and a .dmg via hdiutil)
#   Windows  (Git Bash) DIST/BitTTS-Desktop-VERSION-windows-x64-setup.exe when Inno Setup's iscc is on PATH
#
# Environment: PYTHON (the interpreter for the build venv; default python3), PIP_FLAGS (extra pip
# flags, e.g. --no-index --find-links WHEELHOUSE for a build with no network).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

MODEL="" CARD="" WHEEL_ONLY=0 FULL_ICU=0 WORK="$ROOT/build/packaging" DIST="$ROOT/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL=$(realpath "$2"); shift 2 ;;
    --card) CARD=$(realpath "$2"); shift 2 ;;
    --wheel-only) WHEEL_ONLY=1; shift ;;
    --full-icu) FULL_ICU=1; shift ;;
    --work) WORK=$(realpath -m "$2"); shift 2 ;;
    --dist) DIST=$(realpath -m "$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
PYTHON=${PYTHON:-python3}
# shellcheck disable=SC2206
PIP_FLAGS=(${PIP_FLAGS:-})
case "$(uname -s)" in
  Linux) OS=linux ;;
  Darwin) OS=macos ;;
  MINGW*|MSYS*|CYGWIN*) OS=windows ;;
  *) echo "build.sh: unsupported system $(uname -s)" >&2; exit 2 ;;
esac
ARCH=$(uname -m)
step() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }
# Bytes in a folder (du -b is GNU only): the size users unpack.
bundle_bytes() { "$VPY" -c 'import os, sys; print(sum(os.lstat(os.path.join(d, f)).st_size for d, _, fs in os.walk(sys.argv[1]) for f in fs))' "$1"; }
started=$SECONDS

# 1. The source tree to build: what git would commit, as it is in the working tree now.
step "staging the source tree in $WORK/src"
rm -rf "$WORK/src" "$WORK/wheel"
mkdir -p "$WORK/src" "$WORK/wheel" "$DIST"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$WORK/src"
[ -n "$MODEL" ] && cp "$MODEL" "$WORK/src/resources/bittts-en.bttm"
[ -n "$CARD" ] && cp "$CARD" "$WORK/src/resources/MODEL_CARD.md"
if [ -f "$WORK/src/resources/bittts-en.bttm" ]; then
  echo "model: $(du -h "$WORK/src/resources/bittts-en.bttm" | cut -f1) ${MODEL:-resources/bittts-en.bttm}"
else
  echo "warning: no model (resources/bittts-en.bttm or --model): the packages will have no voice" >&2
fi

# 2. The build venv (made once, then reused), and the sdist and the wheel.
VENV="$WORK/venv"
if [ "$OS" = windows ]; then VPY="$VENV/Scripts/python.exe"; else VPY="$VENV/bin/python"; fi
if [ ! -x "$VPY" ]; then
  step "making the build venv $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VPY" -m pip install -q "${PIP_FLAGS[@]}" --upgrade pip
fi
if [ "$WHEEL_ONLY" = 1 ]; then  # PyInstaller is not needed for the wheel
  "$VPY" -m pip install -q "${PIP_FLAGS[@]}" "$(grep -E '^build\b' packaging/requirements-build.txt)"
else
  "$VPY" -m pip install -q "${PIP_FLAGS[@]}" -r packaging/requirements-build.txt
fi

step "python -m build: sdist and wheel"
"$VPY" -m build --outdir "$WORK/wheel" "$WORK/src" > "$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2; echo "build.sh: python -m build failed (log: $WORK/build.log)" >&2; exit 1; }
SDIST=$(ls "$WORK"/wheel/bittts-*.tar.gz)
WHEEL=$(ls "$WORK"/wheel/bittts-*.whl)
cp "$SDIST" "$WHEEL" "$DIST/"
echo "sdist: $DIST/$(basename "$SDIST") ($(du -h "$SDIST" | cut -f1))"
echo "wheel: $DIST/$(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1))"
"$VPY" "$ROOT/packaging/wheel_contents.py" "$WHEEL"
# The NVDA add-on (a zip, the same on every platform; docs/system-voice.md): DIST/BitTTS-VERSION.nvda-addon
echo "NVDA add-on: $("$VPY" "$ROOT/packaging/nvda/build_addon.py" --dist "$DIST")"
[ "$WHEEL_ONLY" = 1 ] && { echo "done in $((SECONDS - started)) s"; exit 0; }

# 3. The wheel (not the editable development install) into the build venv, with the app extra
#    (PySide6): the bundle is the desktop app.
step "installing the wheel into the build venv"
"$VPY" -m pip install -q "${PIP_FLAGS[@]}" --force-reinstall --no-deps "$WHEEL"
"$VPY" -m pip install -q "${PIP_FLAGS[@]}" "$WHEEL[app]"  # its dependencies, at versions pyproject.toml allows

# 4. PyInstaller.
step "PyInstaller (one folder)"
rm -rf "$WORK/pyinstaller-dist"
(cd "$WORK" && "$VPY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$WORK/pyinstaller-dist" --workpath "$WORK/pyinstaller-work" "$ROOT/packaging/bittts.spec")
VERSION=$(cd "$WORK" && "$VPY" -c 'import bittts; print(bittts.__version__)')
BUNDLE="$WORK/pyinstaller-dist/BitTTS"
if [ "$OS" = linux ] && [ "$FULL_ICU" = 0 ]; then
  if command -v icupkg >/dev/null 2>&1; then
    "$VPY" packaging/linux/trim_icu.py "$BUNDLE"
  else
    echo "warning: icupkg is not installed (apt-get install icu-devtools): Qt's ICU data stays whole (+26 MB)" >&2
  fi
fi
echo "bundle: $BUNDLE ($(bundle_bytes "$BUNDLE") bytes uncompressed)"

# 5. The platform's installer.
case "$OS" in
linux)
  step "Linux tarball"
  NAME="BitTTS-Desktop-$VERSION-linux-$ARCH"
  STAGE="$WORK/tarball/$NAME"
  rm -rf "$WORK/tarball"; mkdir -p "$STAGE"
  cp -a "$BUNDLE/." "$STAGE/"
  cp packaging/linux/bittts-desktop.desktop packaging/icons/bittts.png packaging/icons/bittts.svg "$STAGE/"
  cp packaging/linux/install-desktop-entry.sh packaging/linux/README.txt packaging/linux/sd_bittts "$STAGE/"
  tar -C "$WORK/tarball" -czf "$DIST/$NAME.tar.gz" "$NAME"
  rm -rf "$WORK/tarball"
  echo "tarball: $DIST/$NAME.tar.gz ($(du -h "$DIST/$NAME.tar.gz" | cut -f1))"

  if command -v appimagetool >/dev/null 2>&1; then
    step "AppImage"
    APPDIR="$WORK/AppDir"
    rm -rf "$APPDIR"; mkdir -p "$APPDIR/usr/lib"
    cp -a "$BUNDLE" "$APPDIR/usr/lib/bittts"
    cp packaging/linux/AppRun "$APPDIR/AppRun"; chmod +x "$APPDIR/AppRun"
    cp packaging/linux/bittts-desktop.desktop "$APPDIR/"
    cp packaging/icons/bittts.png "$APPDIR/bittts.png"; ln -sf bittts.png "$APPDIR/.DirIcon"
    ARCH="$ARCH" appimagetool --no-appstream "$APPDIR" "$DIST/BitTTS-Desktop-$VERSION-$ARCH.AppImage"
  else
    echo "no AppImage: appimagetool is not on PATH (it cannot be installed from Debian's packages; see docs/packaging.md)"
  fi
  ;;
macos)
  step "macOS app"
  APP="$WORK/pyinstaller-dist/BitTTS Desktop.app"
  ditto -c -k --keepParent "$APP" "$DIST/BitTTS-Desktop-$VERSION-macos-$ARCH.zip"
  if command -v hdiutil >/dev/null 2>&1; then
    hdiutil create -quiet -ov -fs HFS+ -volname "BitTTS Desktop" -srcfolder "$APP" \
      "$DIST/BitTTS-Desktop-$VERSION-macos-$ARCH.dmg"
  fi
  ls -l "$DIST"/BitTTS-Desktop-"$VERSION"-macos-*
  ;;
windows)
  step "Windows installer"
  if command -v iscc >/dev/null 2>&1; then
    iscc -Q "-DAppVersion=$VERSION" "-DBundleDir=$(cygpath -w "$BUNDLE")" "-DOutputDir=$(cygpath -w "$DIST")" \
      packaging/windows/bittts.iss
  else
    echo "no installer: Inno Setup's iscc is not on PATH; the folder $BUNDLE is the portable app"
  fi
  ;;
esac
echo "done in $((SECONDS - started)) s"
