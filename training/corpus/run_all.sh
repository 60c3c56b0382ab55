#!/bin/sh
# The whole corpus pipeline, one heavy step at a time, every step cached and resumable:
# rerun this same command to continue where a previous run stopped.
#
#   nohup sh training/corpus/run_all.sh > work-data/logs/run_all.log 2>&1 &
#
# Set HOURS (audio per speaker; unset: generate.py's default, what the bundled model learned
# from) or WER_LIMIT (test utterances per speaker for the Whisper WER, default 100; 0 = all).
set -eu
PY="nice -n 10 ${PYTHON:-.venv/bin/python}"
WER_LIMIT="${WER_LIMIT:-100}"
mkdir -p work-data/logs

$PY -m training.corpus.text
$PY -m training.corpus.generate ${HOURS:+--hours "$HOURS"} || echo "generate: some utterances failed (work-data/logs/generate-errors.log); a rerun retries them"
$PY -m training.corpus.align --check
$PY -m training.corpus.features
$PY -m training.corpus.teacher_wer --limit "$WER_LIMIT"
$PY -m training.corpus.report | tee work-data/corpus/report.txt
