"""The BitTTS network in NumPy and the native kernels: acoustic model and DDSP vocoder.

Reads a packed model (``ModelFile``) whose tensor names follow the training code's module
names (``acoustic.encoder.0.conv.weight``, ...). Ternary convolutions run in the native
kernels; the few higher-precision layers (embeddings, norms, final projections) in NumPy.
Frames are rows: arrays are [frames, channels]. The model is immutable after loading and can
serve several threads at once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from bittts.engine import dsp
from bittts.engine.kernels import TernaryConv1d
from bittts.engine.model_format import DType, ModelFile, ModelFormatError

LAYER_NORM_EPS = 1e-5


class _Params:
    """Typed access to a model file's tensors, with clear errors for missing or wrong ones."""

    def __init__(self, model: ModelFile):
        self.model = model

    def f32(self, name: str, shape: tuple | None = None) -> np.ndarray:
        arr = self.model.dequantized(name)
        if shape is not None and arr.shape != tuple(shape):
            raise ModelFormatError(f"tensor {name!r} has shape {arr.shape}, expected {tuple(shape)}")
        return arr

    def conv(self, prefix: str, padding: int | None = None, dilation: int = 1):
        """A conv layer: ternary kernel layer, or a float (w, b) pair for higher-precision ones."""
        info = self.model.tensor_info(f"{prefix}.weight")
        bias = self.f32(f"{prefix}.bias") if f"{prefix}.bias" in self.model.tensors else None
        kernel_size = info.shape[-1]
        pad = kernel_size // 2 * dilation if padding is None else padding
        if info.dtype == DType.TERNARY:
            return TernaryConv1d(self.model.ternary(f"{prefix}.weight"), info.scales if len(info.scales) > 1 else info.scales[0],
                                 bias, dilation=dilation, padding=pad)
        return FloatConv1d(self.f32(f"{prefix}.weight"), bias, pad)

    def norm(self, prefix: str):
        return LayerNorm(self.f32(f"{prefix}.weight"), self.f32(f"{prefix}.bias"))


class FloatConv1d:
    """A float convolution over frames (for the few layers kept at higher precision)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray | None, padding: int):
        self.c_out, self.c_in, self.kernel_size = weight.shape
        # [K * c_in, c_out] so that a conv is one matmul of shifted frames
        self.matrix = np.ascontiguousarray(weight.transpose(2, 1, 0).reshape(-1, self.c_out), np.float32)
        self.bias = np.zeros(self.c_out, np.float32) if bias is None else bias.astype(np.float32)
        self.padding = padding

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.kernel_size == 1:
            return x @ self.matrix + self.bias
        padded = np.pad(x, ((self.padding, self.padding), (0, 0)))
        frames = padded.shape[0] - self.kernel_size + 1
        cols = np.concatenate([padded[k : k + frames] for k in range(self.kernel_size)], axis=1)
        return cols @ self.matrix + self.bias


class LayerNorm:
    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        self.weight, self.bias = weight.astype(np.float32), bias.astype(np.float32)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=1, keepdims=True)
        centred = x - mean
        var = np.mean(centred * centred, axis=1, keepdims=True)
        return centred / np.sqrt(var + LAYER_NORM_EPS) * self.weight + self.bias


class ConvBlock:
    """x + act(conv(norm(x))) - training/model/quant.py ConvBlock."""

    def __init__(self, p: _Params, prefix: str, leaky: float = 0.0, dilation: int = 1):
        self.norm = p.norm(f"{prefix}.norm.norm")
        self.conv = p.conv(f"{prefix}.conv", dilation=dilation)
        self.leaky = leaky

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = self.conv(self.norm(x))
        h = np.where(h > 0, h, h * self.leaky) if self.leaky else np.maximum(h, 0)
        return x + h


class Predictor:
    def __init__(self, p: _Params, prefix: str, layers: int):
        self.blocks = [ConvBlock(p, f"{prefix}.blocks.{i}") for i in range(layers)]
        self.norm = p.norm(f"{prefix}.norm.norm")
        self.out = p.conv(f"{prefix}.out")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for block in self.blocks:
            x = block(x)
        return self.out(self.norm(x))[:, 0]


@dataclass(frozen=True)
class AcousticOutput:
    durations: np.ndarray  # int frames per phone
    mel: np.ndarray  # [frames, n_mels] log-mel
    f0: np.ndarray  # [frames] Hz (interpolated through unvoiced frames)
    voiced: np.ndarray  # [frames] bool


class BitTTSModel:
    """Acoustic model + vocoder network + DSP synthesizer, loaded from one packed file."""

    def __init__(self, model: ModelFile):
        meta = model.metadata
        try:
            self.sample_rate = int(meta["audio.sample_rate"])
            self.hop = int(meta["audio.hop_size"])
            arch = {k[len("arch."):]: v for k, v in meta.items() if k.startswith("arch.")}
            self.n_mels = int(arch["n_mels"])
            self.log_f0_mean = float(arch["log_f0_mean"])
            self.log_f0_std = float(arch["log_f0_std"])
            self.max_harmonics = int(arch["max_harmonics"])
            self.harmonic_ceiling = float(arch["harmonic_ceiling"])
            self.noise_fft = int(arch["noise_fft"])
            self.envelope_points = int(arch["envelope_points"])
            self.noise_bands = int(arch["noise_bands"])
            # files written before fine gains existed have none
            self.subframe_gains = int(arch.get("subframe_gains", 0))
            if self.subframe_gains < 0 or (self.subframe_gains and self.hop % self.subframe_gains):
                raise ValueError(f"subframe_gains {self.subframe_gains} for hop {self.hop}")
            enc_layers, dec_layers = int(arch["encoder_layers"]), int(arch["decoder_layers"])
            pred_layers, voc_layers = int(arch["predictor_layers"]), int(arch["vocoder_layers"])
            # files written before decoder dilations existed have none: 1 for every layer
            dec_dilations = [int(d) for d in arch.get("decoder_dilations") or [1] * dec_layers]
            if len(dec_dilations) != dec_layers or any(d < 1 for d in dec_dilations):
                raise ValueError(f"decoder_dilations {dec_dilations} for {dec_layers} decoder layers")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFormatError(f"{model.path}: the model's metadata lacks or garbles {exc}") from None
        p = _Params(model)
        a = "acoustic"
        self.phone_embedding = p.f32(f"{a}.phone_embedding.weight")
        self.speaker_embedding = p.f32(f"{a}.speaker_embedding.weight")
        self.encoder = [ConvBlock(p, f"{a}.encoder.{i}") for i in range(enc_layers)]
        self.duration_predictor = Predictor(p, f"{a}.duration_predictor", pred_layers)
        self.pitch_predictor = Predictor(p, f"{a}.pitch_predictor", pred_layers)
        self.pitch_embedding = p.conv(f"{a}.pitch_embedding", padding=1)
        self.encoder_norm = p.norm(f"{a}.encoder_norm.norm")
        self.decoder_in = p.conv(f"{a}.decoder_in", padding=0)
        self.decoder = [ConvBlock(p, f"{a}.decoder.{i}", dilation=d) for i, d in enumerate(dec_dilations)]
        self.decoder_norm = p.norm(f"{a}.decoder_norm.norm")
        self.decoder_out = p.conv(f"{a}.decoder_out")
        v = "vocoder"
        self.vocoder_in = p.conv(f"{v}.inp")
        self.vocoder_blocks = [ConvBlock(p, f"{v}.blocks.{i}", leaky=0.1) for i in range(voc_layers)]
        self.vocoder_norm = p.norm(f"{v}.norm.norm")
        self.vocoder_out = p.conv(f"{v}.out")
        controls = self.envelope_points + self.noise_bands + 2 * self.subframe_gains
        if self.vocoder_out.c_out != controls:
            raise ModelFormatError(f"{model.path}: the vocoder writes {self.vocoder_out.c_out} controls a frame; "
                                   f"its metadata asks for {controls}")
        self.n_phones, self.n_speakers = self.phone_embedding.shape[0], self.speaker_embedding.shape[0]
        symbols = meta.get("text.phones")
        if not isinstance(symbols, list) or len(symbols) != self.n_phones:
            raise ModelFormatError(f"{model.path}: text.phones must list the model's {self.n_phones} phone symbols")
        self.phones = tuple(symbols)
        # Real phones last at least a frame; boundaries, pauses and punctuation may vanish.
        self.min_frames = np.array([1 if s[:1].isalpha() else 0 for s in symbols], np.int64)
        self.resident_bytes = sum(getattr(layer, "nbytes", 0) for layer in self._ternary_layers())

    def _ternary_layers(self):
        blocks = self.encoder + self.decoder + self.vocoder_blocks + self.duration_predictor.blocks + self.pitch_predictor.blocks
        yield from (b.conv for b in blocks)
        yield self.decoder_in
        yield self.vocoder_in

    # --- staged steps ---------------------------------------------------------------------
    def speaker_vector(self, weights: dict[int, float]) -> np.ndarray:
        """A weighted mix of speaker embeddings (a voice blend)."""
        return sum(w * self.speaker_embedding[s] for s, w in weights.items()).astype(np.float32)

    def encode(self, phone_ids: np.ndarray, speaker: np.ndarray) -> np.ndarray:
        x = self.phone_embedding[phone_ids] + speaker
        for block in self.encoder:
            x = block(x)
        return x + speaker

    def acoustic(self, phone_ids: np.ndarray, speaker: np.ndarray, speed: float = 1.0,
                 pitch_semitones: float = 0.0, durations: np.ndarray | None = None,
                 duration_scale: np.ndarray | None = None, pitch_shift: np.ndarray | None = None) -> AcousticOutput:
        """Phone ids -> frames. ``speed`` and ``pitch_semitones`` apply to every phone;
        ``duration_scale`` (a factor per phone, 2 = twice as long) and ``pitch_shift``
        (semitones per phone) apply on top of them, phone by phone (SSML prosody).
        ``durations`` (frames per phone) replaces the predicted ones and ignores both scales."""
        phone_ids = np.asarray(phone_ids)
        x = self.encode(phone_ids, speaker)
        if durations is None:
            log_dur = self.duration_predictor(x)
            frames = np.maximum(np.expm1(log_dur), 0) / speed
            if duration_scale is not None:
                frames = frames * self._per_phone(duration_scale, len(phone_ids), "duration_scale")
            durations = np.maximum(np.round(frames).astype(np.int64), self.min_frames[phone_ids])
        semitones = pitch_semitones
        if pitch_shift is not None:
            semitones = semitones + self._per_phone(pitch_shift, len(phone_ids), "pitch_shift")
        pitch = self.pitch_predictor(x) + semitones * math.log(2) / 12 / self.log_f0_std
        x = self.encoder_norm(x + self.pitch_embedding(pitch[:, None].astype(np.float32)))
        frames = np.repeat(x, durations, axis=0)
        h = self.decoder_in(frames)
        for block in self.decoder:
            h = block(h)
        out = self.decoder_out(self.decoder_norm(h))
        log_f0 = out[:, self.n_mels] * self.log_f0_std + self.log_f0_mean
        return AcousticOutput(durations, out[:, : self.n_mels], np.exp(log_f0).astype(np.float32), out[:, self.n_mels + 1] > 0)

    @staticmethod
    def _per_phone(values: np.ndarray, count: int, what: str) -> np.ndarray:
        values = np.asarray(values, np.float32)
        if values.shape != (count,):
            raise ValueError(f"{what} needs one value per phone ({count}), got shape {values.shape}")
        return values

    def vocoder_controls(self, mel: np.ndarray, f0: np.ndarray,
                         voiced: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """-> (log harmonic envelope [frames, E], log noise gains [frames, G], fine log gains
        [frames, 2S]: S points a frame for the harmonic part, then S for the noise part)."""
        norm_f0 = (np.log(f0) - self.log_f0_mean) / self.log_f0_std
        features = np.concatenate([mel, norm_f0[:, None], voiced[:, None]], axis=1).astype(np.float32)
        h = self.vocoder_in(features)
        h = np.where(h > 0, h, h * 0.1)
        for block in self.vocoder_blocks:
            h = block(h)
        out = self.vocoder_out(self.vocoder_norm(h))
        e, g = self.envelope_points, self.envelope_points + self.noise_bands
        return out[:, :e], out[:, e:g], out[:, g:]

    def vocode(self, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, noise_frames: np.ndarray | None = None,
               seed: int = 0, cancelled: Callable[[], bool] | None = None) -> np.ndarray | None:
        """Acoustic frames -> waveform. ``cancelled`` is asked between stages; when it says
        True the work stops and None is returned."""
        stop = cancelled or (lambda: False)
        envelope, gains, fine = self.vocoder_controls(mel, f0, voiced)
        if stop():
            return None
        amps = dsp.harmonic_amplitudes(f0, envelope, self.sample_rate, self.max_harmonics, self.harmonic_ceiling)
        harmonic, _ = dsp.harmonic_signal(f0, amps, self.sample_rate, self.hop)
        if stop():
            return None
        if noise_frames is None:
            noise_frames = dsp.white_noise_frames(len(f0), self.noise_fft, seed)
        noise = dsp.noise_signal(gains, noise_frames, self.hop)
        if self.subframe_gains:
            s = self.subframe_gains
            harmonic *= dsp.subframe_gain(fine[:, :s], self.hop)
            noise *= dsp.subframe_gain(fine[:, s:], self.hop)
        return harmonic + noise
