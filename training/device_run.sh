#!/bin/bash
# The lent GPU machine's side of training/device_pack.py (docs/training.md, "Training on a lent GPU").
#   bash training/device_run.sh stash                 keep the pieces this call carried
#   bash training/device_run.sh train [train.py flags] the last call: keep its piece, unpack the
#       corpus subset, build the engine, train on CUDA; the checkpoints come back through $OUT
#   bash training/device_run.sh runs "FLAGS" "FLAGS" ...  the last call, several side runs at once,
#       each FLAGS naming its own --run: one run's small steps leave the GPU idle, so three cost
#       about 1.5 times one; each comes back as RUN.compact.pt, the first also in full; each
#       stops after RUN_SECONDS (480), so that the call returns inside its 10 minutes
#   bash training/device_run.sh more "FLAGS" ...      a later call on the same warm machine: more
#       runs on the subset already unpacked (a run may resume one from before: cp its model.pt)
set -o pipefail
PARTS=/tmp/bittts-parts  # outside the checkout: kept while the machine stays warm between calls
MODE=$1
case "$MODE" in
  stash|train|runs|more) ;;
  *) echo "usage: bash training/device_run.sh stash|train|runs|more [flags] (see the top of this file)"; exit 2 ;;
esac
mkdir -p "$PARTS" && cp .gpu/part* "$PARTS"/ 2>/dev/null; ls "$PARTS" | tr '\n' ' ' && echo
[ "$MODE" = stash ] && exit 0
shift
export PYTHONUNBUFFERED=1 PYTHONPATH=.:.gpu/deps
run_name() { echo " $1" | sed -n 's/.* --run \([^ ]*\).*/\1/p'; }
runs=()  # each run's name, in the order of its flags ("$@")
if [ "$MODE" = runs ] || [ "$MODE" = more ]; then  # checked before any device time goes on unpacking
  [ $# -gt 0 ] || { echo "give each run's train.py flags as one argument"; exit 2; }
  for flags in "$@"; do
    run=$(run_name "$flags")
    [ -n "$run" ] || { echo "each run's flags need --run NAME: $flags"; exit 2; }
    runs+=("$run")
  done
  # what comes back is at most 8 files: a compact copy a run, two pieces of the first in full, the log
  [ ${#runs[@]} -le 5 ] || { echo "at most 5 runs a call (files back are at most 8)"; exit 2; }
fi
CHECKPOINTS="--checkpoint-every 1000 --compact-every 100000000"  # saved often: a timeout leaves the latest
{
  date
  if [ "$MODE" != more ]; then
    mkdir -p work-data && cat "$PARTS"/part* | xz -d -T0 | tar x -C work-data || exit 1
  fi
  echo "manifest: $(wc -l < work-data/corpus/features/manifest.jsonl) utterances"
  ln -sfn ../engine bittts/engine  # the package layout pyproject.toml's package-dir maps (each call copies the tree anew)
  python3 -c "import bittts.engine" 2>/dev/null ||
    python3 setup.py build_ext --inplace -q -j 8 > /tmp/build.log 2>&1 || { tail -20 /tmp/build.log; exit 1; }
  if [ "$MODE" = train ]; then
    python3 -m training.train --device cuda $CHECKPOINTS "$@"
    status=$?
    cp training/checkpoints/bittts.pt "$OUT/compact.pt"
    split -b 15M work-data/checkpoints/model.pt "$OUT/full."  # files come back at 16 MiB at most
    date
    exit $status
  fi
  flags=("$@")
  for i in "${!runs[@]}"; do
    timeout "${RUN_SECONDS:-480}" python3 -m training.train --device cuda $CHECKPOINTS ${flags[i]} > "/tmp/${runs[i]}.log" 2>&1 &
  done
  wait
  status=0
  for run in "${runs[@]}"; do
    echo "== $run"; grep -v '^saved' "/tmp/$run.log" | tail -8
    python3 -m training.compact "work-data/runs/$run/model.pt" --out "$OUT/$run.compact.pt" || status=1
  done
  split -b 15M "work-data/runs/${runs[0]}/model.pt" "$OUT/${runs[0]}.full."
  date
  exit $status
} 2>&1 | tee "$OUT/train.log"
