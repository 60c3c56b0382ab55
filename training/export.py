"""The exporter: the only bridge from training to the engine.

Writes a packed model (docs/model-format.md) from trained PyTorch modules: ternary convs as
5-trits-per-byte tensors with their absmean scale, every other parameter as fp16, each under
its name in the engine's table (engine/tensor_names.py), and the metadata the engine needs
(hyperparameters, phones, speakers with licences, provenance). The vocoder is the one the
checkpoint's config names (``vocoder_kind``: the DDSP ``VocoderNet`` or ``VocosVocoder``, whose
``vocos_pitch_inputs`` goes to ``arch.vocos_pitch_inputs`` with its other ``vocos_*`` keys).
It adds the lexicon blob, and the neural G2P (``g2p.`` tensors and metadata) when
training/checkpoints/g2p.pt exists (``--g2p FILE`` names another, ``--no-g2p`` leaves it out).

    python -m training.export --checkpoint work-data/checkpoints/model.pt --out resources/bittts-en.bttm
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from bittts.engine import tensor_names
from bittts.engine.model_check import VOCODER_KEYS
from bittts.engine.model_format import DType, ModelWriter
from training.g2p.model import CHECKPOINT as G2P_CHECKPOINT
from training.g2p.model import G2PNet, load_g2p_checkpoint
from training.model.config import ModelConfig
from training.model.networks import LOG_F0_MEAN, LOG_F0_STD, AcousticModel, VocoderNet, vocoder_for
from training.model.quant import TernaryConv1d, ternarize
from training.model.vocos import VocosVocoder

ARCHITECTURES = {"ddsp": "bittts-fastspeech-ddsp", "vocos": "bittts-fastspeech-vocos"}  # general.architecture


def arch_metadata(cfg: ModelConfig) -> dict:
    """``arch.`` metadata: every hyperparameter, less the other vocoder's (engine/model_check.py
    VOCODER_KEYS), so a file describes only the vocoder it holds."""
    others = set().union(*(keys for kind, keys in VOCODER_KEYS.items() if kind != cfg.vocoder_kind))
    return {f"arch.{key}": value for key, value in cfg.to_dict().items() if key not in others}


def module_tensors(network: str, module: torch.nn.Module, layers: tuple[tensor_names.Layer, ...], metadata: dict):
    """(name, kind, tensor, scale) for every tensor the engine's table names for ``layers`` (in a
    file with ``metadata``), in its order: kind "ternary" or "fp16". A file name is the training
    parameter's path under ``network.``; a parameter the table does not name, or a name without
    a parameter, is an error (change engine/tensor_names.py and docs/model-format.md first)."""
    params = {f"{network}.{name}": param for name, param in module.named_parameters()}
    ternary_weights = {
        f"{network}.{name}.weight" for name, m in module.named_modules() if isinstance(m, TernaryConv1d) and m.quantized
    }
    names = tensor_names.tensor_names(metadata, layers)
    unnamed, missing = sorted(set(params) - set(names)), [n for n in names if n not in params]
    if unnamed or missing:
        raise ValueError(
            f"the {network} network does not match the engine's tensor table "
            f"(engine/tensor_names.py): parameters it lacks {unnamed}, names without a parameter {missing}"
        )
    for name in names:
        param = params[name]
        if name in ternary_weights:
            trits, beta = ternarize(param.detach().float())
            yield name, "ternary", trits.to(torch.int8), float(beta)
        else:
            yield name, "fp16", param.detach().float(), None


def add_network(w: ModelWriter, network: str, module: torch.nn.Module, layers: tuple[tensor_names.Layer, ...]) -> None:
    """Write a network's tensors under the table's names (its metadata must be in ``w`` already:
    it says how many of each numbered layer there are)."""
    for name, kind, tensor, scale in module_tensors(network, module, layers, w.metadata):
        if kind == "ternary":
            w.add_ternary(name, tensor.numpy(), scale)
        else:
            w.add_tensor(name, tensor.numpy(), DType.F16)


def round_to_fp16_(module: torch.nn.Module) -> None:
    """Round the higher-precision parameters as the file stores them (for parity fixtures)."""
    ternary = {f"{n}.weight" for n, m in module.named_modules() if isinstance(m, TernaryConv1d) and m.quantized}
    with torch.no_grad():
        for name, param in module.named_parameters():
            if name not in ternary:
                param.copy_(param.half().float())


def add_g2p(w: ModelWriter, g2p: G2PNet, provenance: str = "", decoder: dict | None = None) -> None:
    """The neural G2P: ``g2p.*`` tensors (ternary convs, fp16 rest), its letter and output
    inventories and hyperparameters, and ``decoder`` (the beam search's settings, as
    ``training/g2p/evaluate.py --tune`` stores them; None: the engine decodes greedily)
    (docs/model-format.md)."""
    from bittts.engine.text.neural_g2p import G2P_LETTERS, G2P_OUTPUTS

    cfg = g2p.cfg
    if (cfg.n_letters, cfg.n_outputs) != (len(G2P_LETTERS), len(G2P_OUTPUTS)):
        raise ValueError("the G2P was trained with other letter or phone inventories than the engine's")
    w.update_metadata({"g2p.letters": list(G2P_LETTERS), "g2p.phones": list(G2P_OUTPUTS), "g2p.provenance": provenance})
    for key, value in cfg.to_dict().items():
        if key not in ("n_letters", "n_outputs", "dropout"):
            w.add_metadata(f"g2p.arch.{key}", value)
    if decoder:
        w.update_metadata(
            {
                "g2p.decoder.beam": int(decoder["width"]),
                "g2p.decoder.lm_order": int(decoder["lm_order"]),
                "g2p.decoder.lm_weight": float(decoder["lm_weight"]),
                "g2p.decoder.length_bonus": float(decoder["length_bonus"]),
            }
        )
    add_network(w, "g2p", g2p, tensor_names.G2P)


def load_g2p(path: str | Path) -> tuple[G2PNet, str, dict | None]:
    """The G2P of a compact checkpoint (training/g2p/train.py), a provenance line, and its
    decoder settings (None before ``evaluate --tune``)."""
    g2p, ckpt = load_g2p_checkpoint(path)
    provenance = (
        f"ternary CTC G2P trained on CMUdict (first pronunciations, test words held out): "
        f"{ckpt['step']} steps, {ckpt['seconds'] / 60:.1f} min on CPU"
    )
    return g2p, provenance, ckpt.get("decoder")


def build_writer(
    cfg: ModelConfig,
    acoustic: AcousticModel,
    vocoder: VocoderNet | VocosVocoder,
    phones: list[str],
    speakers: list[dict],
    lexicon_blob: bytes | None,
    provenance: str,
    name: str = "BitTTS English",
    g2p: tuple[G2PNet, str, dict | None] | None = None,
) -> ModelWriter:
    """``vocoder``: the one ``cfg.vocoder_kind`` names (:func:`vocoder_for`). ``g2p``: (the G2P
    network, its provenance line, its decoder settings), or None for a file without one."""
    w = ModelWriter()
    w.update_metadata(
        {
            "general.architecture": ARCHITECTURES[cfg.vocoder_kind],
            "general.name": name,
            "general.version": "1",
            "general.provenance": provenance,
            "general.licence": "model weights: see MODEL_CARD.md (teacher voice licences apply)",
            "audio.sample_rate": cfg.sample_rate,
            "audio.hop_size": cfg.hop_size,
            "text.phones": list(phones),
            "arch.log_f0_mean": LOG_F0_MEAN,
            "arch.log_f0_std": LOG_F0_STD,
        }
    )
    w.update_metadata(arch_metadata(cfg))
    for field in ("name", "sex", "accent", "licence", "teacher"):
        w.add_metadata(f"speakers.{field}", [str(s.get(field, "")) for s in speakers])
    add_network(w, "acoustic", acoustic, tensor_names.ACOUSTIC)
    add_network(w, "vocoder", vocoder, tensor_names.vocoder_layers(w.metadata))
    if lexicon_blob is not None:
        w.add_blob("lexicon", lexicon_blob, compress=False)  # the blob compresses itself (docs/frontend.md)
    if g2p is not None:
        add_g2p(w, *g2p)
    return w


def load_checkpoint(path: str | Path):
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    cfg = ModelConfig.from_dict(ckpt["config"])
    acoustic, vocoder = AcousticModel(cfg), vocoder_for(cfg)
    acoustic.load_state_dict({k: v.float() for k, v in ckpt["acoustic"].items()})
    vocoder.load_state_dict({k: v.float() for k, v in ckpt["vocoder"].items()})
    return cfg, acoustic.eval(), vocoder.eval(), ckpt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--g2p", default=str(G2P_CHECKPOINT), help="the G2P checkpoint to pack (default: %(default)s, when it exists)"
    )
    parser.add_argument(
        "--no-g2p", action="store_true", help="write no G2P (the engine then uses its rule-based fallback)"
    )
    args = parser.parse_args()
    from bittts.engine.text.lexicon import cmudict_lexicon  # the front end owns the lexicon layout

    cfg, acoustic, vocoder, ckpt = load_checkpoint(args.checkpoint)
    _, lexicon_blob = cmudict_lexicon()
    g2p = None
    if not args.no_g2p and Path(args.g2p).exists():
        g2p = load_g2p(args.g2p)
    elif not args.no_g2p and args.g2p != str(G2P_CHECKPOINT):
        raise SystemExit(f"no G2P checkpoint at {args.g2p}")
    writer = build_writer(
        cfg, acoustic, vocoder, ckpt["phones"], ckpt["speakers"], lexicon_blob, ckpt.get("provenance", ""), g2p=g2p
    )
    print("G2P: " + (g2p[1] if g2p else "none (the engine falls back to spelling rules)"))
    size = writer.write(args.out)
    print(f"wrote {args.out}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
