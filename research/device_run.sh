#!/bin/bash
# The lent GPU machine's side of research/device_pack.py (docs/training.md, "Training on a GPU").
#   bash research/device_run.sh [LIMITS] [--corpus kokoro] MODE ...
#   bash research/device_run.sh stash                 keep the pieces this call carried
#   bash research/device_run.sh train [train.py flags] the last call: keep its piece, unpack the
#       corpus subset, build the engine, train on CUDA; the checkpoints come back through $OUT
#       (full.* and compact.pt, the full state first where both do not fit)
#   bash research/device_run.sh runs "FLAGS" "FLAGS" ...  the last call, several side runs at once,
#       each FLAGS naming its own --run: one run's small steps leave the GPU idle, so three cost
#       about 1.5 times one; each comes back as RUN.compact.pt, the first also in full where that
#       fits; each stops after --run-seconds, so that the call returns inside its limit
#   bash research/device_run.sh more "FLAGS" ...      a later call on the same warm machine: more
#       runs on the subset already unpacked (a run may resume one from before: cp its model.pt)
# --corpus kokoro: the pack is the Kokoro corpus' (device_pack.py --corpus kokoro): every run
# trains the second-generation model (train.py --corpus kokoro --vocoder-kind vocos before the
# flags given, which may override them), and "train" sends back the run's state (--run, or
# "kokoro"). Its full state is 60 MB against the first model's 50: with a compact copy (10 MB)
# it would pass what may come back, so the compact copy stays behind (research.compact makes it
# from the full state at home), and "runs" sends the compact copies alone.
# LIMITS, the lease's, before MODE (defaults: November 2026's machines, 10 minutes a command,
# files back at most 8 of 16 MiB each, 64 MiB together):
#   --run-seconds N   each side run stops after N seconds (480)
#   --max-runs N      side runs a call: a compact copy each, two pieces of the first, the log (5)
#   --return-mib N    the full checkpoint comes back cut into pieces of N MiB (15)
#   --return-total-mib N   what may come back together, the log included (64)
set -o pipefail
PARTS=/tmp/bittts-parts  # outside the checkout: kept while the machine stays warm between calls
RUN_SECONDS=480 MAX_RUNS=5 RETURN_MIB=15 RETURN_TOTAL_MIB=64 RETURN_FILES=8 CORPUS=classic
while [ $# -gt 0 ]; do
  case "$1" in
    --run-seconds) RUN_SECONDS=$2; shift 2 ;;
    --max-runs) MAX_RUNS=$2; shift 2 ;;
    --return-mib) RETURN_MIB=$2; shift 2 ;;
    --return-total-mib) RETURN_TOTAL_MIB=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    *) break ;;
  esac
done
MODE=$1
case "$MODE" in
  stash|train|runs|more) ;;
  *) echo "usage: bash research/device_run.sh [--run-seconds N] [--max-runs N] [--return-mib N] [--return-total-mib N] [--corpus classic|kokoro] stash|train|runs|more [flags] (see the top of this file)"; exit 2 ;;
esac
case "$CORPUS" in
  classic) FEATURES=work-data/corpus/features MODEL_FLAGS="" DEFAULT_RUN="" ;;
  kokoro) FEATURES=work-data/corpus/features-24k MODEL_FLAGS="--corpus kokoro --vocoder-kind vocos" DEFAULT_RUN=kokoro ;;
  *) echo "--corpus $CORPUS: classic or kokoro"; exit 2 ;;
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
# What may still come back: a MiB and a file kept for the log (train.log, written last).
bytes_left=$(( (RETURN_TOTAL_MIB - 1) * 1048576 )) files_left=$((RETURN_FILES - 1))
send() {  # send FILE NAME: FILE to $OUT as NAME, or over RETURN_MIB as NAME.aa, NAME.ab ...; kept back (status 1) where it would pass the limits
  local size piece=$((RETURN_MIB * 1048576)) count
  size=$(stat -c %s "$1") || return 1
  count=$(( (size + piece - 1) / piece ))
  if [ "$size" -gt "$bytes_left" ] || [ "$count" -gt "$files_left" ]; then
    echo "kept back: $1 ($((size / 1048576)) MiB, $count files; $((bytes_left / 1048576)) MiB and $files_left files may still come back)"
    return 1
  fi
  if [ "$count" -gt 1 ]; then split -b "$piece" "$1" "$OUT/$2."; else cp "$1" "$OUT/$2"; fi
  bytes_left=$((bytes_left - size)) files_left=$((files_left - count))
}
state_of() { if [ -n "$1" ]; then echo "work-data/runs/$1/model.pt"; else echo work-data/checkpoints/model.pt; fi; }
CHECKPOINTS="--checkpoint-every 1000 --compact-every 100000000"  # saved often: a timeout leaves the latest
{
  date
  if [ "$MODE" != more ]; then
    mkdir -p work-data && cat "$PARTS"/part* | xz -d -T0 | tar x -C work-data || exit 1
  fi
  echo "manifest: $(wc -l < "$FEATURES/manifest.jsonl") utterances"
  ln -sfn ../engine bittts/engine  # the package layout pyproject.toml's package-dir maps (each call copies the tree anew)
  python3 -c "import bittts.engine" 2>/dev/null ||
    python3 setup.py build_ext --inplace -q -j 8 > /tmp/build.log 2>&1 || { tail -20 /tmp/build.log; exit 1; }
  if [ "$MODE" = train ]; then
    python3 -m training.train --device cuda $CHECKPOINTS $MODEL_FLAGS "$@"
    status=$?
    run=$(run_name "$*") && run=${run:-$DEFAULT_RUN}
    state=$(state_of "$run")
    send "$state" full || status=1  # the full state first: it resumes with its optimizers
    if [ -n "$run" ]; then  # a side run writes no compact copy of its own
      python3 -m research.compact "$state" --out /tmp/compact.pt && send /tmp/compact.pt compact.pt
    else
      send training/checkpoints/bittts.pt compact.pt
    fi
    date
    exit $status
  fi
  flags=("$@")
  for i in "${!runs[@]}"; do
    timeout "$RUN_SECONDS" python3 -m training.train --device cuda $CHECKPOINTS $MODEL_FLAGS ${flags[i]} > "/tmp/${runs[i]}.log" 2>&1 &
  done
  wait
  status=0
  for run in "${runs[@]}"; do
    echo "== $run"; grep -v '^saved' "/tmp/$run.log" | tail -8
    python3 -m research.compact "$(state_of "$run")" --out "/tmp/$run.compact.pt" && send "/tmp/$run.compact.pt" "$run.compact.pt" || status=1
  done
  send "$(state_of "${runs[0]}")" "${runs[0]}.full"
  date
  exit $status
} 2>&1 | tee "$OUT/train.log"
