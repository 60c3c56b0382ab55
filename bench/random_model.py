"""Model files of random weights, for speed measurements (speed does not depend on the weights).

    .venv/bin/python bench/random_model.py OUT.bttm [--seed N] [--frames-per-token F]

Writes a model of the second-generation architecture (issue 30) before any is trained: the
acoustic model at the default sizes of training/model/config.py ``ModelConfig`` at the Kokoro
layout (24 kHz, hop 300), the Vocos vocoder at its defaults (256 channels, 4 blocks, kernel 7,
n_fft 1200), 10 speakers; with the bundled model's phone inventory, lexicon and neural G2P
copied in, so that the front end runs as it does for the bundled model. Then, for example:

    nice -n 5 .venv/bin/python bench/e2e.py --quick --model OUT.bttm

The ternary layers hold random trits with one scale, every other tensor small normal values,
as bench/vocoder.py's random vocoder (which :func:`add_random_layers` also writes). A few are
set so that the output has the shape of speech, as far as the engine's cost goes: every token
of a phone sequence (word boundaries and punctuation too) lasts ``frames_per_token`` frames,
5 by default, which makes the e2e passage 94 s long where the bundled model makes it 91 s (its
phones last 81 ms, its boundaries mostly nothing), so that the front end's share of a second
of audio is comparable; log-mels sit near -4 with most frames voiced, norms have unit gains,
and the Vocos head's log-magnitudes near -3 keep the waveform quiet and far from the iSTFT's
clamp.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # training/ is not installed; bench/vocoder.py imports this file

from bittts.engine import tensor_names as names  # noqa: E402
from bittts.engine.model_check import VOCODER_KEYS  # noqa: E402
from bittts.engine.model_format import DType, ModelFile, ModelWriter  # noqa: E402
from bittts.engine.model_info import bundled_model_path  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402  (a dataclass: no torch)

SPEAKERS = 10
FRAMES_PER_TOKEN = 5  # 62.5 ms at hop 300 / 24 kHz (see the module docstring)
TERNARY_SCALE = 0.02  # every ternary layer's beta
FLOAT_STD = 0.05  # the other tensors' spread


def second_generation_arch(n_phones: int, n_speakers: int = SPEAKERS) -> dict[str, Any]:
    """The ``arch.`` values (without the prefix) of the issue-30 model: ModelConfig's defaults
    at 24 kHz and hop 300 with the Vocos vocoder, less the DDSP's keys (as the exporter writes
    a Vocos file)."""
    cfg = ModelConfig(
        sample_rate=24000, hop_size=300, n_phones=n_phones, n_speakers=n_speakers, vocoder_kind="vocos"
    ).to_dict()
    return {key: value for key, value in cfg.items() if key not in VOCODER_KEYS["ddsp"]}


def add_random_layers(
    writer: ModelWriter,
    layers: Iterable[names.Layer],
    sizes: Mapping[str, Any],
    rng: np.random.Generator,
    overrides: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Random tensors for every layer of ``layers`` in a network of ``sizes`` (architecture
    names without ``arch.``; the counts of numbered layers are read from ``writer.metadata``):
    a ternary layer's conv weight as random trits with scale TERNARY_SCALE, the rest F16 of
    spread FLOAT_STD, or the array ``overrides`` gives for the name (drawn all the same, so
    that an override leaves the other tensors as they were)."""
    overrides = overrides or {}
    for layer in layers:
        count = names.layer_count(layer, writer.metadata)
        for i in range(count) if layer.count else [None]:
            for name, shape in zip(layer.tensors(i), layer.shapes(sizes)):
                if layer.ternary and len(shape) == 3:  # the conv weight: a ternary layer's only 3-D tensor
                    writer.add_ternary(name, rng.integers(-1, 2, shape).astype(np.int8), TERNARY_SCALE)
                    continue
                values = rng.normal(0, FLOAT_STD, shape).astype(np.float32)
                if name in overrides:
                    values = np.broadcast_to(np.asarray(overrides[name], np.float32), shape)
                writer.add_tensor(name, values, DType.F16)


def speech_like(arch: Mapping[str, Any], frames_per_token: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The tensors set rather than drawn (see the module docstring), by name."""
    mels, bins = arch["n_mels"], arch["vocos_fft"] // 2 + 1
    out = {  # each broadcast to its tensor's shape
        names.DURATION_OUT.conv().weight: np.zeros(1),
        names.DURATION_OUT.conv().bias: np.full(1, math.log1p(frames_per_token)),
        names.DECODER_OUT.conv().bias: np.concatenate([np.full(mels, -4.0), [0.0, 1.0]]),  # log-mel, log-F0, voicing
        names.VOCOS_HEAD.conv().bias: np.concatenate([np.full(bins, -3.0), rng.uniform(-np.pi, np.pi, bins)]),
    }
    norms = [layer for layer in names.ACOUSTIC + names.VOCOS if layer.kind in (names.Kind.NORM, names.Kind.BLOCK)]
    for layer in norms:
        for i in range(arch[layer.count.removeprefix("arch.")]) if layer.count else [None]:
            gain = layer.tensors(i)[0]  # a norm's and a block's first tensor: the norm's gain
            out[gain] = np.ones(1)
    return out


def write_second_generation(
    path: str | Path,
    seed: int = 0,
    frames_per_token: float = FRAMES_PER_TOKEN,
    source: str | Path | None = None,
) -> Path:
    """Write the issue-30 architecture with random weights to ``path``, the front end's data
    (phones, lexicon, G2P) copied from ``source`` (default: the bundled model)."""
    rng = np.random.default_rng(seed)
    with ModelFile(source or bundled_model_path()) as bundled:
        meta = bundled.metadata
        arch = second_generation_arch(len(meta["text.phones"]))
        writer = ModelWriter()
        writer.update_metadata(
            {
                "general.architecture": "bittts-fastspeech-vocos",  # training/export.py ARCHITECTURES
                "general.name": "BitTTS random (second-generation architecture)",
                "general.version": "1",
                "general.provenance": f"bench/random_model.py, seed {seed}: random weights, for speed only",
                "general.licence": "random weights",
                "audio.sample_rate": arch["sample_rate"],
                "audio.hop_size": arch["hop_size"],
                "text.phones": list(meta["text.phones"]),
                "arch.log_f0_mean": meta["arch.log_f0_mean"],
                "arch.log_f0_std": meta["arch.log_f0_std"],
            }
        )
        writer.update_metadata({f"arch.{key}": value for key, value in arch.items()})
        speakers = range(arch["n_speakers"])
        writer.update_metadata(
            {
                "speakers.name": [f"random{i}" for i in speakers],
                "speakers.sex": ["female" if i % 2 else "male" for i in speakers],
                "speakers.accent": ["US"] * len(speakers),
                "speakers.licence": ["random weights"] * len(speakers),
                "speakers.teacher": [""] * len(speakers),
            }
        )
        add_random_layers(writer, names.ACOUSTIC + names.VOCOS, arch, rng, speech_like(arch, frames_per_token, rng))
        writer.update_metadata({key: value for key, value in meta.items() if key.startswith("g2p.")})
        writer.copy_from(bundled, keep=lambda name: name.startswith("g2p.") or name == "lexicon")
    writer.write(path)
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the model file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames-per-token", type=float, default=FRAMES_PER_TOKEN)
    args = parser.parse_args()
    path = write_second_generation(args.out, args.seed, args.frames_per_token)
    print(f"wrote {path}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
