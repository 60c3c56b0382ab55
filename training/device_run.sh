#!/bin/bash
# The lent GPU machine's side of training/device_pack.py (docs/training.md, "Training on a lent GPU").
#   bash training/device_run.sh stash                 keep the pieces this call carried
#   bash training/device_run.sh train [train.py flags] the last call: keep its piece, unpack the
#       corpus subset, build the engine, train on CUDA; the checkpoints come back through $OUT
set -o pipefail
PARTS=/tmp/bittts-parts  # outside the checkout: kept while the machine stays warm between calls
mkdir -p "$PARTS" && cp .gpu/part* "$PARTS"/ && ls "$PARTS" | tr '\n' ' ' && echo
[ "$1" = train ] || exit 0
shift
export PYTHONUNBUFFERED=1 PYTHONPATH=.:.gpu/deps
{
  date
  mkdir -p work-data && cat "$PARTS"/part* | xz -d -T0 | tar x -C work-data || exit 1
  echo "manifest: $(wc -l < work-data/corpus/features/manifest.jsonl) utterances"
  ln -sfn ../engine bittts/engine  # the package layout pyproject.toml's package-dir maps
  python3 -c "import bittts.engine" 2>/dev/null ||
    python3 setup.py build_ext --inplace -q -j 8 > /tmp/build.log 2>&1 || { tail -20 /tmp/build.log; exit 1; }
  python3 -m training.train --device cuda --checkpoint-every 100000000 --compact-every 100000000 "$@"
  status=$?
  cp training/checkpoints/bittts.pt "$OUT/compact.pt"
  split -b 15M work-data/checkpoints/model.pt "$OUT/full."  # files come back at 16 MiB at most
  date
  exit $status
} 2>&1 | tee "$OUT/train.log"
