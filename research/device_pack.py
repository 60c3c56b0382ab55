"""Pack a corpus subset for a lent GPU machine, in pieces that fit its transfer limit.

A GPU machine here starts bare, cannot reach the corpus, and takes a limited upload a call (64 MiB
in November 2026), the repository's tracked files included. So the subset (the vocoder's utterances: features and audio,
plus the validation utterances' features) travels as one xz-compressed tar cut into pieces, one
piece a call, gathered on the machine; the last call also carries the pure-Python packages the
machine lacks and runs research/device_run.sh. docs/training.md ("Training on a GPU") has
the calls; a subset serves the vocoder's stages and the joint fine-tuning, not the acoustic stage.
With --all-features the acoustic stage can run there too: every training utterance's features
travel (fp16 log-mel, the bulk of the corpus), with audio for the whole vocoder set.

    PYTHONPATH=. .venv/bin/python -m research.device_pack --utterances 2000    # writes .gpu/
    PYTHONPATH=. .venv/bin/python -m research.device_pack --all-features       # every stage

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

from training.data import CORPUS, MANIFEST, select_rows
from training.run_info import FULL_CHECKPOINT
from training.train import TrainConfig

OUT = Path(".gpu")  # ignored (.git/info/exclude): it travels only where a call carries it
PIECE_MIB = 40  # default: with about 20 MB of tracked files, a call stays under its 64 MiB
DEVICE_MISSING = ("num2words", "docopt")  # pure Python; the engine's text front end imports num2words


def subset_rows(utterances: int, manifest: Path = MANIFEST) -> tuple[list[dict], list[dict]]:
    """The first ``utterances`` of the trainer's vocoder set (load_split's limit, the same
    segment-length filter), and its validation set: the rows train.py would pick."""
    tc = TrainConfig()
    train = [
        r for r in select_rows("train", manifest, limit=tc.vocoder_utterances) if r["frames"] > tc.segment_frames + 2
    ][:utterances]
    return train, select_rows("valid", manifest, limit=tc.validation_utterances)


def all_feature_rows(manifest: Path = MANIFEST) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows for every stage: the trainer's whole vocoder set (its audio travels: load_split
    picks the same rows from the full training split on the machine as here), the other training
    rows (features only, for the acoustic stage), and the validation set."""
    tc = TrainConfig()
    with_audio = select_rows("train", manifest, limit=tc.vocoder_utterances)
    chosen = {(r["speaker"], r["id"]) for r in with_audio}  # voices read the same sentences: an id alone repeats
    features_only = [r for r in select_rows("train", manifest) if (r["speaker"], r["id"]) not in chosen]
    return with_audio, features_only, select_rows("valid", manifest, limit=tc.validation_utterances)


def subset_tar(
    train: list[dict],
    valid: list[dict],
    corpus: Path = CORPUS,
    checkpoint: Path | None = None,
    features_only: list[dict] = (),
) -> bytes:
    """A tar of corpus/: a manifest of just these rows, their features, the training rows' audio
    (``features_only`` rows: features alone);
    with ``checkpoint``, the full training state too (checkpoints/model.pt), so that the run goes
    on with its optimizers and discriminators instead of the compact copy's weights alone."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        if checkpoint is not None:
            tar.add(checkpoint, "checkpoints/model.pt")
        rows = [*train, *features_only, *valid]
        manifest = "".join(json.dumps(r) + "\n" for r in rows).encode()
        info = tarfile.TarInfo("corpus/features/manifest.jsonl")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        for r in rows:
            tar.add(corpus / "features" / r["path"], f"corpus/features/{r['path']}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--utterances", type=int, default=2000, help="training utterances (about 8 per packed MB: 2,000 took 6 pieces)"
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
        help=f"leave {FULL_CHECKPOINT} behind (50 MB): the machine starts from the committed weights",
    )
    parser.add_argument(
        "--all-features",
        action="store_true",
        help="every training utterance's features and the whole vocoder set's audio "
        "(--utterances is ignored): the acoustic stage runs there too, at several times the pieces",
    )
    args = parser.parse_args()
    if not MANIFEST.exists():
        raise SystemExit(f"no corpus features at {MANIFEST}: run python -m training.corpus.features first")
    shutil.rmtree(args.out, ignore_errors=True)
    (args.out / "deps").mkdir(parents=True)
    if args.all_features:
        train, features_only, valid = all_feature_rows()
    else:
        (train, valid), features_only = subset_rows(args.utterances), []
    checkpoint = None if args.compact_only or not FULL_CHECKPOINT.exists() else FULL_CHECKPOINT
    pieces = write_pieces(
        subset_tar(train, valid, checkpoint=checkpoint, features_only=features_only),
        args.out,
        int(args.piece_mib * 2**20),
        args.max_pieces,
    )
    copy_missing_packages(args.out)
    hours = sum(r["seconds"] for r in train) / 3600
    extra = f", the features of {len(features_only)} more" if features_only else ""
    print(
        f"{len(train)} training utterances ({hours:.2f} h){extra} and {len(valid)} validation utterances "
        f"{'and the full checkpoint ' if checkpoint else ''}in {len(pieces)} pieces under {args.out}/"
    )
    for piece in pieces[:-1]:
        print(f'  call: bash research/device_run.sh stash                      carry ["{piece}"]')
    limit = "" if args.all_features else f" --vocoder-utterances {len(train)}"
    print(
        f'  last: bash research/device_run.sh train{limit} <train.py flags>   carry ["{pieces[-1]}", "{args.out}/deps"]'
    )


if __name__ == "__main__":
    main()
