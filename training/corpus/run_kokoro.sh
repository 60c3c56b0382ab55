#!/bin/sh
# The Kokoro corpus, one heavy step at a time, every step cached and resumable: rerun this same
# command to continue where a previous run stopped (after a reboot, on the same work-data/).
#
#   nohup sh training/corpus/run_kokoro.sh > work-data/logs/run_kokoro.log 2>&1 &
#
# HOURS: training audio per voice, planned (default 1.6: at least 1.5 h each after the plan's
# estimate). WER_LIMIT: test utterances per voice for Whisper WER and Distill-MOS (default 100;
# 0 = all). CHECK_UTTS: utterances per voice for the alignment check (default 20).
# Generation is the long step: about 20 h of audio, some 10 core-hours on this CPU.
set -eu
PY="nice -n 10 ${PYTHON:-.venv/bin/python}"
HOURS="${HOURS:-1.6}"
WER_LIMIT="${WER_LIMIT:-100}"
CHECK_UTTS="${CHECK_UTTS:-20}"
mkdir -p work-data/logs

VENV="${VENV:-.venv}" sh training/teachers/install_kokoro.sh
VENV="${VENV:-.venv}" sh training/install_evaluation.sh
$PY -m training.corpus.text
$PY -m training.corpus.generate --teachers kokoro --hours "$HOURS" || echo "generate: some utterances failed (work-data/logs/generate-errors.log); a rerun retries them"
$PY -m training.corpus.align --check-kokoro "$CHECK_UTTS"
$PY -m training.corpus.features --teachers kokoro
$PY -m training.corpus.teacher_wer --limit "$WER_LIMIT"
$PY -m training.corpus.report | tee work-data/corpus/report.txt
