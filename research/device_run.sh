#!/bin/bash
# The lent GPU machine's side of research/device_pack.py (docs/training.md, "Training on a GPU").
#   bash research/device_run.sh [LIMITS] MODE ...
#   bash research/device_run.sh stash                 keep the pieces this call carried
#   bash research/device_run.sh train [train.py flags] the last call: keep its piece, unpack the
#       corpus subset, build the engine, train on CUDA; the checkpoints come back through $OUT
#   bash research/device_run.sh runs "FLAGS" "FLAGS" ...  the last call, several side runs at once,
#       each FLAGS naming its own --run: one run's small steps leave the GPU idle, so three cost
#       about 1.5 times one; each comes back as RUN.compact.pt, the first also in full; each
#       stops after --run-seconds, so that the call returns inside its limit
#   bash research/device_run.sh more "FLAGS" ...      a later call on the same warm machine: more
#       runs on the subset already unpacked (a run may resume one from before: cp its model.pt)
# LIMITS, the lease's, before MODE (defaults: November 2026's machines, 10 minutes a command,
# files back at most 8 of 16 MiB each):
#   --run-seconds N   each side run stops after N seconds (480)
#   --max-runs N      side runs a call: a compact copy each, two pieces of the first, the log (5)
#   --return-mib N    the full checkpoint comes back cut into pieces of N MiB (15)
set -o pipefail
PARTS=/tmp/bittts-parts  # outside the checkout: kept while the machine stays warm between calls
RUN_SECONDS=480 MAX_RUNS=5 RETURN_MIB=15
while [ $# -gt 0 ]; do
  case "$1" in
    --run-seconds) RUN_SECONDS=$2; shift 2 ;;
    --max-runs) MAX_RUNS=$2; shift 2 ;;
    --return-mib) RETURN_MIB=$2; shift 2 ;;
    *) break ;;
  esac
done
MODE=$1
case "$MODE" in
  stash|train|runs|more) ;;
  *) echo "usage: bash research/device_run.sh [--run-seconds N] [--max-runs N] [--return-mib N] stash|train|runs|more [flags] (see the top of this file)"; exit 2 ;;
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
  [ ${#runs[@]} -le "$MAX_RUNS" ] || { echo "at most $MAX_RUNS runs a call (--max-runs)"; exit 2; }
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
    split -b "${RETURN_MIB}M" work-data/checkpoints/model.pt "$OUT/full."  # what comes back has a size limit a file
    date
    exit $status
  fi
  flags=("$@")
  for i in "${!runs[@]}"; do
    timeout "$RUN_SECONDS" python3 -m training.train --device cuda $CHECKPOINTS ${flags[i]} > "/tmp/${runs[i]}.log" 2>&1 &
  done
  wait
  status=0
  for run in "${runs[@]}"; do
    echo "== $run"; grep -v '^saved' "/tmp/$run.log" | tail -8
    python3 -m research.compact "work-data/runs/$run/model.pt" --out "$OUT/$run.compact.pt" || status=1
  done
  split -b "${RETURN_MIB}M" "work-data/runs/${runs[0]}/model.pt" "$OUT/${runs[0]}.full."
  date
  exit $status
} 2>&1 | tee "$OUT/train.log"
