#!/usr/bin/env bash
# The whole model recipe, one command, resumable at every stage:
#   teachers -> text corpus -> audio -> alignment -> features -> training -> export -> fixture
#   -> evaluation -> model card.
#
#   training/recipe.sh                 # everything (skips what is done; continues training)
#   MINUTES=90 training/recipe.sh      # this run's training time (default 60 minutes)
#   DEVICE=cuda training/recipe.sh     # train on a GPU
#   DRY_RUN=1 training/recipe.sh       # print the commands instead of running them
#   GENERATION=2 training/recipe.sh    # force a generation (default: the committed checkpoint's)
#
# It builds the generation of the committed training/checkpoints/bittts.pt (python -m
# training.run_info --generation; docs/training.md, "Switching the bundled model"): 1, the 8
# voices with the DDSP vocoder; 2, the 10 Kokoro voices with the Vocos vocoder. Every stage caches
# its outputs under work-data/ (not committed); training resumes from the generation's full state
# (work-data/checkpoints/model.pt; work-data/runs/kokoro/model.pt), or from the committed checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
MINUTES=${MINUTES:-60}  # model training; with the corpus (~1 h), the G2P (20 min) and evaluation, about 2.5 h on 2 cores
DEVICE=${DEVICE:-cpu}
export PYTHONPATH=.

run() {  # a stage's command, or its text with DRY_RUN set
    if [ -n "${DRY_RUN:-}" ]; then echo "$*"; else "$@"; fi
}

run scripts/dev.sh setup
run .venv/bin/pip install -q -e '.[training]'
run sh training/install_evaluation.sh
run bash training/teachers/install.sh
GENERATION=${GENERATION:-$($PY -m training.run_info --generation)}
echo "generation $GENERATION"
case "$GENERATION" in
  1)
    EVAL_PER_VOICE=${EVAL_PER_VOICE:-60}
    STATE=work-data/checkpoints/model.pt
    run nice -n 10 $PY -m training.corpus.text
    run nice -n 10 $PY -m training.corpus.generate
    run nice -n 10 $PY -m training.corpus.align
    run nice -n 10 $PY -m training.corpus.features
    TRAIN_FLAGS=""
    ;;
  2)
    EVAL_PER_VOICE=${EVAL_PER_VOICE:-100}  # docs/training.md, stage 7: the Kokoro model's figures
    STATE=work-data/runs/kokoro/model.pt
    run sh training/corpus/run_kokoro.sh  # the Kokoro teacher, its corpus and features; resumes
    TRAIN_FLAGS=$($PY -m training.run_info --train-flags 2)
    ;;
  *)
    echo "GENERATION=$GENERATION: 1 or 2" >&2
    exit 2
    ;;
esac
run $PY -m training.g2p.train --minutes "${G2P_MINUTES:-20}"   # resumes; a no-op once its budget is spent
run $PY -m training.g2p.make_fixture --checkpoint training/checkpoints/g2p.pt
run $PY -m training.g2p.evaluate --engine tests/fixtures/g2p/trained.bttm
# shellcheck disable=SC2086  # TRAIN_FLAGS: several words
run $PY -m training.train --minutes "$MINUTES" --device "$DEVICE" $TRAIN_FLAGS
run $PY -m training.export --checkpoint "$STATE" --out resources/bittts-en.bttm
run $PY -m training.make_fixture --checkpoint "$STATE"  # its vocoder, DDSP or Vocos, from the checkpoint
# Whisper WER, DNSMOS, Distill-MOS and the issue-30 gates; the speeds 0.5-4.5x (evaluate's default)
run $PY -m training.evaluate --model resources/bittts-en.bttm --per-voice "$EVAL_PER_VOICE"
# the card takes the paper table of the model's corpus (training/results/paper_table[-kokoro].json)
run $PY -m training.model_card --model resources/bittts-en.bttm --checkpoint "$STATE" \
    --results work-data/eval/bittts-en/results.json
