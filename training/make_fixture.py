"""Writes the engine's parity fixture from the quantized PyTorch forward pass.

    python -m training.make_fixture [--vocoder ddsp|vocos|vocos-f0]
    python -m training.make_fixture --checkpoint work-data/checkpoints/model.pt

Without a checkpoint it uses a small seeded random model (so the fixture exists before any
training) and writes its model.bttm and expected.npz: fixed phones and speaker with the
PyTorch model's durations, phone pitch and acoustic frames, then the vocoder's outputs. With
``--vocoder ddsp`` (the default; tests/fixtures/parity/) those are the DDSP controls, the noise
it used and the waveform; with ``--vocoder vocos`` (tests/fixtures/parity-vocos/, a 24 kHz,
hop 300 model like the second generation's) the network's STFT frames (``stft``: log-magnitude
then phase, [frames, n_fft + 2]) and the waveform. ``--vocoder vocos-f0``
(tests/fixtures/parity-vocos-f0/, as small) is that model with ``vocos_pitch_inputs``
(``arch.vocos_pitch_inputs`` in its file): its vocoder reads the normalized log-F0 and the
voicing beside the log-mel, so the engine's pitch rows are checked where torch is not installed.

With --checkpoint (the one exported to the bundled model, of either vocoder: its config's
``vocoder_kind`` and ``vocos_pitch_inputs``) it writes only tests/fixtures/bundled/expected.npz,
with the bundled file's SHA-256, so the engine is checked against the trained weights without a
second copy of the model. tests/engine/test_parity.py checks the engine against every one of them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from training.export import build_writer, load_checkpoint, round_to_fp16_
from training.model import ddsp
from training.model.config import ModelConfig
from training.model.networks import (
    LOG_F0_MEAN,
    LOG_F0_STD,
    AcousticModel,
    VocoderNet,
    durations_from_log,
    min_frames_for,
    vocoder_for,
)
from training.model.vocos import VocosVocoder

# --vocoder -> (the fixture's folder, the random model's vocoder kind, its vocos_pitch_inputs)
FIXTURES = {
    "ddsp": (Path("tests/fixtures/parity"), "ddsp", False),
    "vocos": (Path("tests/fixtures/parity-vocos"), "vocos", False),
    "vocos-f0": (Path("tests/fixtures/parity-vocos-f0"), "vocos", True),
}
PHONES = [6, 73, 37, 71, 15, 77, 4, 69, 30, 62, 8, 6]  # "<sil> S EH1 R AA0 T <wb> N AE1 D . <sil>"-like ids


def small_random_model(seed: int = 0, vocoder_kind: str = "ddsp", vocos_pitch_inputs: bool = False):
    """A small seeded random model: (cfg, acoustic, vocoder, phone symbols, speakers); with
    ``vocos_pitch_inputs`` (Vocos only) its vocoder reads F0 and voicing beside the log-mel."""
    torch.manual_seed(seed)
    from bittts.engine.text.phones import SYMBOLS

    sizes = dict(encoder_channels=48, decoder_channels=40, encoder_layers=2, decoder_layers=2)
    if vocoder_kind == "vocos":
        # The second generation's layout (24 kHz, hop 300, n_fft 1200) with a narrow network;
        # 16 channels keep the 16 -> 1202 head, and so the committed fixture, small.
        sizes.update(sample_rate=24000, hop_size=300, vocos_channels=16, vocos_blocks=2, vocos_fft=1200)
        sizes.update(vocos_pitch_inputs=vocos_pitch_inputs)
    elif vocos_pitch_inputs:
        raise ValueError("vocos_pitch_inputs is a Vocos vocoder's option (the DDSP always reads F0 and voicing)")
    else:
        sizes.update(vocoder_channels=44, vocoder_layers=2)
    cfg = ModelConfig(n_phones=len(SYMBOLS), n_speakers=3, vocoder_kind=vocoder_kind, **sizes)
    acoustic, vocoder = AcousticModel(cfg).eval(), vocoder_for(cfg).eval()
    with torch.no_grad():  # a plausible output range instead of an untrained zero
        acoustic.duration_predictor.out.bias.fill_(1.6)
        if isinstance(vocoder, VocosVocoder):
            randomize_vocos_(vocoder)
        else:
            vocoder.out.bias[: cfg.envelope_points].fill_(-4.0)
            vocoder.out.bias[cfg.envelope_points :].fill_(-3.0)
    speakers = [{"name": f"spk{i}", "sex": "female", "accent": "US", "licence": "test"} for i in range(3)]
    return cfg, acoustic, vocoder, list(SYMBOLS), speakers


@torch.no_grad()
def randomize_vocos_(vocoder: VocosVocoder) -> None:
    """Draw the parameters whose defaults would hide a mistake (norm gains 1, shifts 0, scales
    0.1 alike for every channel), and log-magnitudes of about exp(-1), so that the clamp
    at LOG_MAGNITUDE_CEILING is reached nowhere and the waveform stays within [-1, 1]."""
    for name, param in vocoder.named_parameters():
        if "norm" in name and name.endswith("weight"):
            param.copy_(1 + 0.2 * torch.randn_like(param))
        elif "norm" in name or name.startswith("scales"):
            param.copy_(0.3 * torch.randn_like(param))
    bins = vocoder.n_fft // 2 + 1
    vocoder.head.bias[:bins].copy_(-1.0 + 0.3 * torch.randn(bins))
    vocoder.head.bias[bins:].copy_(torch.rand(bins) * 6.283 - 3.1416)  # phases


@torch.no_grad()
def expected_outputs(
    cfg,
    acoustic: AcousticModel,
    vocoder: VocoderNet | VocosVocoder,
    symbols: list[str],
    phones: list[int],
    speaker: int,
    seed: int = 1,
):
    """Every stage's output for ``phones`` spoken by ``speaker``: the acoustic model's, then
    the vocoder's (``cfg.vocoder_kind``'s, reading what training/train.py ``vocoder_wave`` hands
    it: the log-mel, with F0 and voicing for the DDSP and with ``cfg.vocos_pitch_inputs``);
    ``seed`` draws the DDSP's noise."""
    ids = torch.tensor([phones])
    spk = torch.tensor([speaker])
    mask = torch.ones(1, 1, len(phones))
    x = acoustic.encode(ids, spk, mask)
    log_dur, pitch = acoustic.predict(x, mask)
    durations = durations_from_log(log_dur, min_frames_for(ids, symbols))
    out, frame_mask = acoustic.decode(x, mask, pitch, durations)
    mel = out[:, : cfg.n_mels]
    norm_f0 = out[:, cfg.n_mels]
    voiced = (out[:, cfg.n_mels + 1] > 0).float()
    f0 = torch.exp(norm_f0 * LOG_F0_STD + LOG_F0_MEAN)
    expected = {
        "phones": np.array(phones, np.int64),
        "speaker": np.array(speaker),
        "log_durations": log_dur[0].numpy(),
        "durations": durations[0].numpy(),
        "phone_pitch": pitch[0].numpy(),
        "mel": mel[0].T.numpy(),
        "f0": f0[0].numpy(),
        "voiced": voiced[0].numpy().astype(bool),
    }
    features = torch.cat([mel, norm_f0[:, None], voiced[:, None]], dim=1)
    if isinstance(vocoder, VocosVocoder):
        stft = vocoder.network(features if cfg.vocos_pitch_inputs else mel)
        expected["stft"] = stft[0].T.numpy()
        expected["waveform"] = vocoder.synthesize(stft)[0].numpy()
        return expected
    envelope, gains = vocoder(features, frame_mask)
    frames = mel.shape[2]
    noise = torch.from_numpy(np.random.default_rng(seed).standard_normal((1, frames, cfg.noise_fft)).astype(np.float32))
    wave = ddsp.synthesize(
        f0, envelope, gains, noise, cfg.sample_rate, cfg.hop_size, cfg.max_harmonics, cfg.harmonic_ceiling
    )
    expected.update(envelope=envelope[0].T.numpy(), gains=gains[0].T.numpy(), noise=noise[0].numpy())
    expected["waveform"] = wave[0].numpy()
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="a training checkpoint (default: a small random model)")
    parser.add_argument(
        "--vocoder",
        choices=sorted(FIXTURES),
        default="ddsp",
        help="without --checkpoint: the random model's vocoder (vocos-f0: Vocos reading F0 and voicing too)",
    )
    parser.add_argument(
        "--bundled-model", default="resources/bittts-en.bttm", help="with --checkpoint: the model file exported from it"
    )
    args = parser.parse_args()
    if args.checkpoint:
        import hashlib

        cfg, acoustic, vocoder, ckpt = load_checkpoint(args.checkpoint)
        round_to_fp16_(acoustic)
        round_to_fp16_(vocoder)
        out = Path("tests/fixtures/bundled")
        out.mkdir(parents=True, exist_ok=True)
        expected = expected_outputs(cfg, acoustic, vocoder, ckpt["phones"], PHONES, speaker=1)
        expected["model_sha256"] = np.array(hashlib.sha256(Path(args.bundled_model).read_bytes()).hexdigest())
        np.savez_compressed(out / "expected.npz", **expected)
        print(f"wrote {out}/expected.npz for {args.bundled_model}")
        return
    out, vocoder_kind, pitch_inputs = FIXTURES[args.vocoder]
    cfg, acoustic, vocoder, phones, speakers = small_random_model(
        vocoder_kind=vocoder_kind, vocos_pitch_inputs=pitch_inputs
    )
    round_to_fp16_(acoustic)
    round_to_fp16_(vocoder)
    out.mkdir(parents=True, exist_ok=True)
    build_writer(cfg, acoustic, vocoder, phones, speakers, None, "parity fixture").write(out / "model.bttm")
    np.savez_compressed(out / "expected.npz", **expected_outputs(cfg, acoustic, vocoder, phones, PHONES, speaker=1))
    print(f"wrote {out}/model.bttm and expected.npz")


if __name__ == "__main__":
    main()
