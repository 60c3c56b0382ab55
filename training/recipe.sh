#!/usr/bin/env bash
# The whole model recipe, one command, resumable at every stage:
#   teachers -> text corpus -> audio -> alignment -> features -> training -> export -> fixture
#   -> evaluation -> model card.
#
#   training/recipe.sh                 # everything (skips what is done; continues training)
#   MINUTES=90 training/recipe.sh      # this run's training time (default 60 minutes)
#   DEVICE=cuda training/recipe.sh     # train on a GPU
#
# Every stage caches its outputs under work-data/ (not committed); training resumes from
# work-data/checkpoints/model.pt, or from the committed training/checkpoints/bittts.pt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
MINUTES=${MINUTES:-60}  # model training; with the corpus (~1 h), the G2P (20 min) and evaluation, about 2.5 h on 2 cores
DEVICE=${DEVICE:-cpu}
EVAL_PER_VOICE=${EVAL_PER_VOICE:-60}
export PYTHONPATH=.

scripts/dev.sh setup
.venv/bin/pip install -q -e '.[training]'
sh training/install_evaluation.sh
bash training/teachers/install.sh
nice -n 10 $PY -m training.corpus.text
nice -n 10 $PY -m training.corpus.generate
nice -n 10 $PY -m training.corpus.align
nice -n 10 $PY -m training.corpus.features
$PY -m training.g2p.train --minutes "${G2P_MINUTES:-20}"   # resumes; a no-op once its budget is spent
$PY -m training.g2p.make_fixture --checkpoint training/checkpoints/g2p.pt
$PY -m training.g2p.evaluate --engine tests/fixtures/g2p/trained.bttm
$PY -m training.train --minutes "$MINUTES" --device "$DEVICE"
$PY -m training.export --checkpoint work-data/checkpoints/model.pt --out resources/bittts-en.bttm
$PY -m training.make_fixture --checkpoint work-data/checkpoints/model.pt
$PY -m training.evaluate --model resources/bittts-en.bttm --per-voice "$EVAL_PER_VOICE"
$PY -m training.model_card --model resources/bittts-en.bttm --checkpoint work-data/checkpoints/model.pt \
    --results work-data/eval/bittts-en/results.json
