"""Pack a corpus subset for a lent GPU machine, in pieces that fit its transfer limit.

A GPU machine here starts bare, cannot reach the corpus, and takes a limited upload a call (64 MiB
in November 2026), the repository's tracked files included. So the subset (the vocoder's utterances: features and audio,
plus the validation utterances' features) travels as one xz-compressed tar cut into pieces, one
piece a call, gathered on the machine; the last call also carries the pure-Python packages the
machine lacks and runs research/device_run.sh. docs/training.md ("Training on a GPU") has
the calls; a subset serves the vocoder's stages and the joint fine-tuning, not the acoustic stage.
With --all-features the acoustic stage can run there too: every training utterance's features
travel (fp16 log-mel, the bulk of the corpus), with audio for the whole vocoder set (or, with
--utterances, for that many of it: the machine's trainer then takes --vocoder-utterances N).

--corpus kokoro packs the second generation's corpus (10 Kokoro voices, 24 kHz, hop 300:
features-24k/ and the audio beside it) and, unless --compact-only, its run's full state
(work-data/runs/kokoro/model.pt); research/device_run.sh --corpus kokoro trains the Kokoro/Vocos
model from it. A Kokoro utterance packs to about 140 kB with its audio (3.2 s at 24 kHz; 30 kB
for its features alone), so a 40 MiB piece holds about 290: 2,000 took 7 pieces, 269 MiB.

    PYTHONPATH=. .venv/bin/python -m research.device_pack --utterances 2000    # writes .gpu/
    PYTHONPATH=. .venv/bin/python -m research.device_pack --all-features       # every stage
    PYTHONPATH=. .venv/bin/python -m research.device_pack --corpus kokoro --utterances 1000

The lease's limits are arguments: --piece-mib (what one call may carry less the tracked files)
and --max-pieces (calls the lease can spend on pieces); the defaults are November 2026's.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import lzma
import shutil
import tarfile
from pathlib import Path

from training.data import CORPORA, CORPUS, MANIFEST, select_rows
from training.run_info import FULL_CHECKPOINT, RUNS
from training.train import TrainConfig

OUT = Path(".gpu")  # ignored (.gitignore): it travels only where a call carries it
PIECE_MIB = 40  # default: with about 20 MB of tracked files, a call stays under its 64 MiB
DEVICE_MISSING = ("num2words", "docopt")  # pure Python; the engine's text front end imports num2words


def corpus_voices(corpus: str) -> set[str]:
    """The voices train.py --corpus ``corpus`` reads (its load_split's ``speakers``)."""
    return {v.name for v in CORPORA[corpus].voices}


def subset_rows(utterances: int, manifest: Path = MANIFEST, corpus: str = "classic") -> tuple[list[dict], list[dict]]:
    """The first ``utterances`` of the trainer's vocoder set (load_split's limit and voices, the
    same segment-length filter at ``corpus``' hop), and its validation set: the rows train.py
    --corpus ``corpus`` would pick."""
    tc, voices = TrainConfig(corpus=corpus), corpus_voices(corpus)
    train = [
        r
        for r in select_rows("train", manifest, limit=tc.vocoder_utterances, speakers=voices)
        if r["frames"] > tc.segment_frames + 2
    ][:utterances]
    return train, select_rows("valid", manifest, limit=tc.validation_utterances, speakers=voices)


def all_feature_rows(
    manifest: Path = MANIFEST, corpus: str = "classic", utterances: int | None = None
) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows for every stage: the trainer's whole vocoder set, or its first ``utterances``
    (their audio travels: load_split picks the same rows from the full training split on the
    machine as here, given --vocoder-utterances ``utterances``), the other training rows
    (features only, for the acoustic stage), and the validation set."""
    tc, voices = TrainConfig(corpus=corpus), corpus_voices(corpus)
    with_audio = select_rows("train", manifest, limit=utterances or tc.vocoder_utterances, speakers=voices)
    chosen = {(r["speaker"], r["id"]) for r in with_audio}  # voices read the same sentences: an id alone repeats
    features_only = [
        r for r in select_rows("train", manifest, speakers=voices) if (r["speaker"], r["id"]) not in chosen
    ]
    return with_audio, features_only, select_rows("valid", manifest, limit=tc.validation_utterances, speakers=voices)


def subset_tar(
    train: list[dict],
    valid: list[dict],
    corpus: Path = CORPUS,
    checkpoint: Path | None = None,
    features_only: list[dict] = (),
    features: str = "features",
    checkpoint_as: str = "checkpoints/model.pt",
) -> bytes:
    """A tar of corpus/ (unpacked in work-data/): a manifest of just these rows in
    corpus/``features``/ (the first corpus' "features", the Kokoro corpus' "features-24k"),
    their features, the training rows' audio (``features_only`` rows: features alone);
    with ``checkpoint``, the full training state too (as ``checkpoint_as``: the trainer's
    checkpoints/model.pt, or a side run's runs/NAME/model.pt), so that the run goes on with its
    optimizers and discriminators instead of the compact copy's weights alone."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        if checkpoint is not None:
            tar.add(checkpoint, checkpoint_as)
        rows = [*train, *features_only, *valid]
        manifest = "".join(json.dumps(r) + "\n" for r in rows).encode()
        info = tarfile.TarInfo(f"corpus/{features}/manifest.jsonl")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        for r in rows:
            tar.add(corpus / features / r["path"], f"corpus/{features}/{r['path']}")
        for r in train:
            name = f"audio/{r['speaker']}/{r['id']}.wav"
            tar.add(corpus / name, f"corpus/{name}")
    return buf.getvalue()


def write_pieces(data: bytes, out: Path, piece_bytes: int = PIECE_MIB * 2**20, max_pieces: int = 0) -> list[Path]:
    """``data`` xz-compressed, cut into out/part00, part01, ... (cat them to get it back); more
    than ``max_pieces`` (0: any number) is refused before anything is written."""
    packed = lzma.compress(data, preset=1)
    needed = -(-len(packed) // piece_bytes)
    if max_pieces and needed > max_pieces:
        raise SystemExit(
            f"{len(packed) / 2**20:.0f} MiB packed needs {needed} pieces of "
            f"{piece_bytes / 2**20:g} MiB, more than --max-pieces {max_pieces}"
        )
    pieces = []
    for i in range(0, len(packed), piece_bytes):
        path = out / f"part{i // piece_bytes:02d}"
        path.write_bytes(packed[i : i + piece_bytes])
        pieces.append(path)
    return pieces


def copy_missing_packages(out: Path) -> None:
    for name in DEVICE_MISSING:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise SystemExit(f"{name} is not installed here; install the training requirements first")
        source = Path(spec.origin)
        if source.name == "__init__.py":
            shutil.copytree(source.parent, out / "deps" / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, out / "deps" / source.name)


def full_state(corpus: str, run: str) -> tuple[Path, str]:
    """(where the full training state of the run to go on with lies here, its name in the tar):
    the bundled model's for the first corpus, the side run's (``run``, or "kokoro" for the Kokoro
    corpus, as train.py names it) otherwise."""
    run = run or ("kokoro" if corpus == "kokoro" else "")
    if not run:
        return FULL_CHECKPOINT, "checkpoints/model.pt"
    return RUNS / run / "model.pt", f"runs/{run}/model.pt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--utterances",
        type=int,
        default=None,
        help="training utterances with audio (default 2000, --all-features: the trainer's vocoder set; "
        "about 8 a packed MB, 7 for the Kokoro corpus: 2,000 took 6 pieces, 7 of Kokoro's)",
    )
    parser.add_argument(
        "--corpus",
        default="classic",
        choices=tuple(CORPORA),
        help="the first corpus (8 voices, 22,050 Hz) or the Kokoro one (10 voices, 24 kHz); "
        "research/device_run.sh takes the same --corpus",
    )
    parser.add_argument(
        "--run", default="", help="the side run to go on with there (its full state travels; default: the corpus')"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--piece-mib",
        type=float,
        default=PIECE_MIB,
        help="MiB a piece: what one call may upload less the repository's tracked files "
        "(default: 64 MiB less about 20 MB, with room to spare)",
    )
    parser.add_argument(
        "--max-pieces",
        type=int,
        default=0,
        help="refuse a pack of more pieces, one call of device time each (0: no limit)",
    )
    parser.add_argument(
        "--compact-only",
        action="store_true",
        help="leave the full training state behind (50 MB; Kokoro/Vocos: 60 MB): the machine starts from "
        "the committed weights (a Kokoro run: anew)",
    )
    parser.add_argument(
        "--all-features",
        action="store_true",
        help="every training utterance's features and the vocoder set's audio (all of it, or --utterances "
        "of it): the acoustic stage runs there too, at several times the pieces",
    )
    args = parser.parse_args()
    manifest = CORPORA[args.corpus].manifest
    if not manifest.exists():
        teachers = " --teachers kokoro" if args.corpus == "kokoro" else ""
        raise SystemExit(f"no corpus features at {manifest}: run python -m training.corpus.features{teachers} first")
    shutil.rmtree(args.out, ignore_errors=True)
    (args.out / "deps").mkdir(parents=True)
    if args.all_features:
        train, features_only, valid = all_feature_rows(manifest, args.corpus, args.utterances)
    else:
        (train, valid), features_only = subset_rows(args.utterances or 2000, manifest, args.corpus), []
    state, state_as = full_state(args.corpus, args.run)
    checkpoint = None if args.compact_only or not state.exists() else state
    data = subset_tar(
        train,
        valid,
        manifest.parent.parent,
        checkpoint,
        features_only,
        features=manifest.parent.name,
        checkpoint_as=state_as,
    )
    pieces = write_pieces(data, args.out, int(args.piece_mib * 2**20), args.max_pieces)
    copy_missing_packages(args.out)
    hours = sum(r["seconds"] for r in train) / 3600
    extra = f", the features of {len(features_only)} more" if features_only else ""
    packed = sum(p.stat().st_size for p in pieces)
    print(
        f"{len(train)} training utterances ({hours:.2f} h){extra} and {len(valid)} validation utterances "
        f"{'and the full checkpoint ' if checkpoint else ''}in {len(pieces)} pieces under {args.out}/ "
        f"({packed / 2**20:.0f} MiB)"
    )
    corpus = "" if args.corpus == "classic" else f"--corpus {args.corpus} "
    for piece in pieces[:-1]:
        print(f'  call: bash research/device_run.sh {corpus}stash                      carry ["{piece}"]')
    limit = f" --vocoder-utterances {len(train)}" if args.utterances or not args.all_features else ""
    run = f" --run {args.run}" if args.run else ""
    print(
        f"  last: bash research/device_run.sh {corpus}train{limit}{run} <train.py flags>   "
        f'carry ["{pieces[-1]}", "{args.out}/deps"]'
    )


if __name__ == "__main__":
    main()
