"""Every hyperparameter of the model, with its default and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class ModelConfig:
    # --- audio (must match the corpus features: training/corpus/features.py) ---
    sample_rate: int = 22050  # Piper's rate; halves the cost of a 44.1 kHz model
    hop_size: int = 256  # samples per frame (11.6 ms)
    n_mels: int = 80  # log-mel bins, 0 to 11,025 Hz
    # --- text and speakers ---
    n_phones: int = 0  # set from the front end's inventory
    n_speakers: int = 0  # set from the corpus
    # --- acoustic model (the paper: 4 conv layers, kernel 5; 256 encoder / 192 decoder channels) ---
    encoder_channels: int = 256
    encoder_layers: int = 4
    encoder_kernel: int = 5
    decoder_channels: int = 192
    decoder_layers: int = 4
    decoder_kernel: int = 5
    predictor_layers: int = 2  # duration and pitch predictors: small conv stacks
    predictor_kernel: int = 3
    dropout: float = 0.1
    # --- vocoder network: acoustic features -> harmonic envelope + noise gains ---
    vocoder_channels: int = 256
    vocoder_layers: int = 3  # residual blocks after the input conv
    vocoder_kernel: int = 5
    envelope_points: int = 128  # log-amplitude envelope, linear in frequency 0..Nyquist
    noise_bands: int = 65  # noise filter gains, linear in frequency 0..Nyquist
    max_harmonics: int = 100
    harmonic_ceiling: float = 0.95  # harmonics above this share of Nyquist are silent
    noise_fft: int = 512  # STFT size of the filtered-noise path (hop = hop_size)
    # --- or the neural vocoder (issue 30; training/model/vocos.py): log-mel -> STFT -> samples ---
    vocoder_kind: str = "ddsp"  # "ddsp": the network above + harmonic-plus-noise; "vocos": VocosVocoder
    vocos_channels: int = 256
    vocos_blocks: int = 4  # ConvNeXt-like blocks (docs/experiments/2026-12-vocoder-cost.md)
    vocos_kernel: int = 7
    vocos_fft: int = 1200  # the inverse STFT's size: a window of 4 hops at the Kokoro layout's hop 300
    vocos_pitch_inputs: bool = False  # it also reads the normalized log-F0 and the voicing (n_mels + 2
    # rows, as the DDSP's network does; research.copy_synthesis' vocos-CxB-f0 candidates); off: the log-mel
    # --- quantization ---
    quantize_acoustic: bool = True  # ternary convs in the acoustic model
    quantize_vocoder: bool = True  # ternary convs in the vocoder network

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        """The configuration a checkpoint stored. Checkpoints from before the removal of the
        decoder dilations and the fine gains (docs/experiments/removed-options.md) may hold
        their fields: read where they hold what the network is now (every dilation 1, no fine
        gains), refused (ValueError naming the field) otherwise."""
        values = dict(values)
        dilations = values.pop("decoder_dilations", None)
        layers = values.get("decoder_layers", cls.decoder_layers)
        if dilations is not None and tuple(dilations) not in ((), (1,) * layers):
            raise ValueError(
                f"decoder_dilations {tuple(dilations)}: this trainer has no dilated decoder "
                f"layers (only 1 for each of the {layers})"
            )
        fine_gains = values.pop("subframe_gains", 0)
        if fine_gains != 0:
            raise ValueError(f"subframe_gains {fine_gains}: this trainer has no fine gains (only 0)")
        return cls(**values)
