"""The BitTTS network in NumPy and the native kernels: acoustic model and vocoder.

Reads a packed model (``ModelFile``) by the tensor names of engine/tensor_names.py, the table
the exporter writes, into the layers of engine/layers.py. The vocoder is the file's kind
(``arch.vocoder_kind``): the DDSP (engine/ddsp_vocoder.py) or Vocos (engine/vocos_vocoder.py),
held behind engine/vocoder.py's interface. Ternary convolutions run in the native
kernels; the few higher-precision layers (embeddings, norms, final projections) in NumPy.
Frames are rows: arrays are [frames, channels]. The model is immutable after loading and can
serve several threads at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bittts.engine import tensor_names as names
from bittts.engine.ddsp_vocoder import DDSPVocoder
from bittts.engine.layers import LayerReader
from bittts.engine.model_check import check_speech_model
from bittts.engine.model_format import ModelFile, ModelFormatError
from bittts.engine.tensor_names import Layer, NormNames
from bittts.engine.vocoder import Vocoder
from bittts.engine.vocos_vocoder import VocosVocoder

# arch.vocoder_kind -> the engine's vocoder (engine/vocoder.py): the one place that chooses.
VOCODERS: dict[str, Callable[[LayerReader, dict], Vocoder]] = {"ddsp": DDSPVocoder, "vocos": VocosVocoder}

# Options that training tried and dropped (docs/experiments/removed-options.md). Files written
# while they existed may carry their metadata: a file is read only where it holds the value
# that leaves the network as it is now (the bundled model's), and refused otherwise.
RETIRED_ARCH = {
    "decoder_dilations": "a dilation of 1 for every decoder layer",
    "subframe_gains": "0 (no fine gains)",
}


# A phone lasts at most this long, whatever the duration predictor says: a hostile or broken
# model (non-finite or huge durations) cannot ask for unbounded frames.
MAX_PHONE_SECONDS = 5.0


def _finite(values: np.ndarray, fill: float, low: float, high: float) -> np.ndarray:
    """``values`` with NaN as ``fill`` and everything clipped to [low, high] (values inside stay as they are)."""
    return np.clip(np.nan_to_num(values, nan=fill, posinf=high, neginf=low), low, high)


def check_retired(arch: dict, decoder_layers: int, path) -> None:
    """Refuse a file whose retired ``arch.`` metadata asks for more than the network does now."""
    if "decoder_dilations" in arch:
        value = arch["decoder_dilations"]
        if not isinstance(value, list) or value != [1] * decoder_layers:
            raise ModelFormatError(
                f"{path}: arch.decoder_dilations {value!r} is not supported; this engine reads "
                f"only {RETIRED_ARCH['decoder_dilations']} ({decoder_layers})"
            )
    if "subframe_gains" in arch and arch["subframe_gains"] != 0:
        raise ModelFormatError(
            f"{path}: arch.subframe_gains {arch['subframe_gains']!r} is not supported; "
            f"this engine reads only {RETIRED_ARCH['subframe_gains']}"
        )


class Predictor:
    """A conv stack over phones predicting one value per phone (log duration or pitch)."""

    def __init__(self, p: LayerReader, blocks: Layer, norm: NormNames, out: Layer, layers: int):
        self.blocks = [p.block(blocks.block(i)) for i in range(layers)]
        self.norm = p.norm(norm)
        self.out = p.conv(out.conv())

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
    """Acoustic model + vocoder (``vocoder``: DDSP or Vocos), loaded from one packed file."""

    def __init__(self, model: ModelFile):
        meta = model.metadata
        arch = check_speech_model(model)  # every value in bounds, every tensor of its shape
        check_retired(
            {k[len("arch.") :]: v for k, v in meta.items() if k.startswith("arch.")}, arch["decoder_layers"], model.path
        )
        self.sample_rate, self.hop = int(meta["audio.sample_rate"]), int(meta["audio.hop_size"])
        self.n_mels = arch["n_mels"]
        self.log_f0_mean, self.log_f0_std = float(arch["log_f0_mean"]), float(arch["log_f0_std"])
        enc_layers, dec_layers, pred_layers = arch["encoder_layers"], arch["decoder_layers"], arch["predictor_layers"]
        self.max_phone_frames = math.ceil(MAX_PHONE_SECONDS * self.sample_rate / self.hop)
        p = LayerReader(model)
        self.phone_embedding = p.f32(names.PHONE_EMBEDDING.tensor())
        self.speaker_embedding = p.f32(names.SPEAKER_EMBEDDING.tensor())
        self.encoder = [p.block(names.ENCODER.block(i)) for i in range(enc_layers)]
        self.duration_predictor = Predictor(
            p, names.DURATION_BLOCKS, names.DURATION_NORM.norm(), names.DURATION_OUT, pred_layers
        )
        self.pitch_predictor = Predictor(p, names.PITCH_BLOCKS, names.PITCH_NORM.norm(), names.PITCH_OUT, pred_layers)
        self.pitch_embedding = p.conv(names.PITCH_EMBEDDING.conv(), padding=1)
        self.encoder_norm = p.norm(names.ENCODER_NORM.norm())
        self.decoder_in = p.conv(names.DECODER_IN.conv(), padding=0)
        self.decoder = [p.block(names.DECODER.block(i)) for i in range(dec_layers)]
        self.decoder_norm = p.norm(names.DECODER_NORM.norm())
        self.decoder_out = p.conv(names.DECODER_OUT.conv())
        self.vocoder: Vocoder = VOCODERS[arch["vocoder_kind"]](p, arch)
        self.n_phones, self.n_speakers = self.phone_embedding.shape[0], self.speaker_embedding.shape[0]
        symbols = meta.get("text.phones")
        if not isinstance(symbols, list) or len(symbols) != self.n_phones:
            raise ModelFormatError(f"{model.path}: text.phones must list the model's {self.n_phones} phone symbols")
        self.phones = tuple(symbols)
        # Real phones last at least a frame; boundaries, pauses and punctuation may vanish.
        self.min_frames = np.array([1 if s[:1].isalpha() else 0 for s in symbols], np.int64)
        self.resident_bytes = sum(getattr(layer, "nbytes", 0) for layer in self._ternary_layers())

    def _ternary_layers(self):
        blocks = self.encoder + self.decoder + self.duration_predictor.blocks + self.pitch_predictor.blocks
        yield from (b.conv for b in blocks)
        yield self.decoder_in
        yield from self.vocoder.ternary_layers()

    # --- staged steps ---------------------------------------------------------------------
    def speaker_vector(self, weights: dict[int, float]) -> np.ndarray:
        """A weighted mix of speaker embeddings (a voice blend)."""
        return sum(w * self.speaker_embedding[s] for s, w in weights.items()).astype(np.float32)

    def encode(self, phone_ids: np.ndarray, speaker: np.ndarray) -> np.ndarray:
        x = self.phone_embedding[phone_ids] + speaker
        for block in self.encoder:
            x = block(x)
        return x + speaker

    def acoustic(
        self,
        phone_ids: np.ndarray,
        speaker: np.ndarray,
        speed: float = 1.0,
        pitch_semitones: float = 0.0,
        durations: np.ndarray | None = None,
        duration_scale: np.ndarray | None = None,
        pitch_shift: np.ndarray | None = None,
    ) -> AcousticOutput:
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
            frames = _finite(frames, 0.0, 0.0, self.max_phone_frames)
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
        log_f0 = _finite(log_f0, self.log_f0_mean, 0.0, math.log(self.sample_rate / 2))  # 1 Hz to Nyquist
        return AcousticOutput(
            durations, out[:, : self.n_mels], np.exp(log_f0).astype(np.float32), out[:, self.n_mels + 1] > 0
        )

    @staticmethod
    def _per_phone(values: np.ndarray, count: int, what: str) -> np.ndarray:
        values = np.asarray(values, np.float32)
        if values.shape != (count,):
            raise ValueError(f"{what} needs one value per phone ({count}), got shape {values.shape}")
        return values

    def vocode(
        self,
        mel: np.ndarray,
        f0: np.ndarray,
        voiced: np.ndarray,
        noise_frames: np.ndarray | None = None,
        seed: int = 0,
        cancelled: Callable[[], bool] | None = None,
    ) -> np.ndarray | None:
        """Acoustic frames -> waveform. ``cancelled`` is asked between stages; when it says
        True the work stops and None is returned. ``noise_frames``: the DDSP vocoder's noise."""
        return VocoderRun(self, mel, f0, voiced, noise_frames, seed).part(len(f0), cancelled)


class VocoderRun:
    """One utterance vocoded in consecutive parts, so that its first part can be heard before
    the rest is made. ``part(stop)`` returns the samples of frames [done, stop); the parts
    joined equal ``vocode`` of the whole (to float rounding): the model's vocoder computes each
    part from all the frames it depends on (engine/vocoder.py)."""

    def __init__(
        self,
        model: BitTTSModel,
        mel: np.ndarray,
        f0: np.ndarray,
        voiced: np.ndarray,
        noise_frames: np.ndarray | None = None,
        seed: int = 0,
    ):
        self.model = model
        self.frames = len(f0)
        self.done = 0  # frames vocoded so far
        self._stream = model.vocoder.stream(mel, f0, voiced, seed, noise_frames)

    def part(self, stop: int, cancelled: Callable[[], bool] | None = None) -> np.ndarray | None:
        """Samples of frames [done, stop) (stop is clipped to the utterance); None when
        ``cancelled`` says True between stages (the run is then where it was)."""
        start, stop = self.done, min(max(stop, self.done), self.frames)
        if start == stop:
            return np.zeros(0, np.float32)
        samples = self._stream.part(start, stop, cancelled or (lambda: False))
        if samples is not None:
            self.done = stop
        return samples
