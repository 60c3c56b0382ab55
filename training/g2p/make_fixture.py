"""Writes the engine's G2P parity fixture from the quantized PyTorch forward pass.

    python -m training.g2p.make_fixture                       # tests/fixtures/g2p/small.bttm + small.npz
    python -m training.g2p.make_fixture --checkpoint training/checkpoints/g2p.pt   # trained.bttm + trained.npz

Without a checkpoint: a small G2P (32 channels, three blocks) trained for 600 steps (half a
minute) on 3,000 words, so that its outputs are confident enough for an exact comparison of decoded
phones. With one: the trained G2P itself. Each fixture is a packed model holding only the G2P
(``g2p.`` tensors and metadata, as training/export.py writes them) and, for a list of letter
strings (test words and awkward inputs), the letter ids, the logits of the PyTorch model (with
fp16-rounded weights, as the file stores them) and the decoded phones (``ctc_decode``).
tests/text/test_neural_g2p.py checks the engine against both.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import torch

from bittts.engine.model_format import ModelWriter
from bittts.engine.text.neural_g2p import G2P_LETTERS, G2P_OUTPUTS, ctc_decode, letter_ids
from training.export import add_g2p, load_g2p, round_to_fp16_
from training.g2p.data import LETTER_INDEX
from training.g2p.model import G2PConfig, G2PNet
from training.g2p.train import G2PTrainConfig, G2PTrainer

OUT = Path("tests/fixtures/g2p")
# Letter strings as the network reads them (g2p_letters output): "\x00" is an unknown letter.
INPUTS = (
    "cat",
    "phoenix",
    "antidisestablishmentarianism",
    "o'reilly",
    "zyzzyva",
    "bittts",
    "a",
    "q",
    "nguyen",
    "schwarzenegger",
    "ptolemy",
    "caf\x00",
    "\x00\x00\x00",
    "'",
    "x" * 3,
    "supercalifragilisticexpialidocious",
    "thompson's",
    "knight",
    "quixotic",
    "yeah",
)


def small_trained_g2p(steps: int = 600) -> G2PNet:
    with tempfile.TemporaryDirectory() as tmp:
        tc = G2PTrainConfig(
            minutes=60,
            max_steps=steps,
            lr=5e-3,
            warmup_steps=20,
            threads=1,
            train_limit=3000,
            validation_words=100,
            validate_every=100.0,
            save_every=100.0,
            ema_decay=0.0,
            state=f"{tmp}/state.pt",
            out=f"{tmp}/g2p.pt",
        )
        # No dropout and no weight average: the recipe of the committed small fixture.
        cfg = G2PConfig(channels=32, encoder_dilations=(1, 2), decoder_dilations=(1,), dropout=0.0)
        trainer = G2PTrainer(tc, cfg)
        trainer.run()
        return trainer.ema  # what the compact checkpoint would hold (with ema_decay 0: the last weights)


@torch.no_grad()
def expected_outputs(model: G2PNet) -> dict[str, np.ndarray]:
    """Per input: ids, logits [frames, outputs], phones; stacked in flat arrays with offsets.
    The inputs are one JSON string (a NumPy string array would drop a trailing "\x00")."""
    ids_all, logits_all, phones, margins = [], [], [], []
    for letters in INPUTS:
        ids = letter_ids(letters, LETTER_INDEX)
        logits, _ = model(torch.from_numpy(ids)[None], torch.tensor([len(ids)]))
        row = logits[0].T.numpy()
        top2 = np.sort(row, axis=1)[:, -2:]
        margins.append(float((top2[:, 1] - top2[:, 0]).min()))
        ids_all.append(ids)
        logits_all.append(row)
        phones.append(" ".join(ctc_decode(row, G2P_OUTPUTS)))
    return {
        "inputs": np.array(json.dumps(INPUTS)),
        "ids": np.concatenate(ids_all),
        "id_offsets": np.cumsum([0] + [len(i) for i in ids_all]),
        "logits": np.concatenate(logits_all),
        "logit_offsets": np.cumsum([0] + [len(r) for r in logits_all]),
        "phones": np.array(phones),
        "min_margin": np.array(margins),
    }


def write(model: G2PNet, provenance: str, name: str, decoder: dict | None = None) -> None:
    round_to_fp16_(model)
    OUT.mkdir(parents=True, exist_ok=True)
    w = ModelWriter()
    w.update_metadata({"general.architecture": "bittts-g2p-fixture", "general.name": f"G2P fixture ({name})"})
    add_g2p(w, model, provenance, decoder)
    size = w.write(OUT / f"{name}.bttm")
    expected = expected_outputs(model)
    np.savez_compressed(OUT / f"{name}.npz", **expected)
    print(
        f"wrote {OUT}/{name}.bttm ({size:,} bytes) and {name}.npz; "
        f"smallest top-2 logit margin per input: {np.round(expected['min_margin'], 3).tolist()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="a compact G2P checkpoint (default: a small model trained now)")
    args = parser.parse_args()
    assert len(G2P_LETTERS) == len(LETTER_INDEX)
    if args.checkpoint:
        model, provenance, decoder = load_g2p(args.checkpoint)
        write(model, provenance, "trained", decoder)
    else:
        torch.manual_seed(0)
        write(small_trained_g2p(), "parity fixture: a small G2P trained for 600 steps", "small")


if __name__ == "__main__":
    main()
