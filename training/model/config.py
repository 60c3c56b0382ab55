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
    # dilation of each decoder layer (empty: 1 for all). Layers appended with longer dilations
    # widen the decoder's context cheaply; train.py can grow a trained decoder this way.
    decoder_dilations: tuple[int, ...] = ()
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
    # points per frame of two fine log-gain tracks (the harmonic part's, the noise part's) that shape
    # each part within a frame: the envelope and noise gains change only from frame to frame, and the
    # noise path's 512-sample window smears a burst over 23 ms (0: none, as in files before them)
    subframe_gains: int = 0
    # --- quantization ---
    quantize_acoustic: bool = True  # ternary convs in the acoustic model
    quantize_vocoder: bool = True  # ternary convs in the vocoder network

    def __post_init__(self) -> None:
        self.decoder_dilations = tuple(int(d) for d in self.decoder_dilations) or (1,) * self.decoder_layers
        if len(self.decoder_dilations) != self.decoder_layers or any(d < 1 for d in self.decoder_dilations):
            raise ValueError(f"decoder_dilations {self.decoder_dilations} must give each of the "
                             f"{self.decoder_layers} decoder layers a dilation of at least 1")
        if self.subframe_gains < 0 or (self.subframe_gains and self.hop_size % self.subframe_gains):
            raise ValueError(f"subframe_gains {self.subframe_gains} must divide the hop ({self.hop_size})")

    def to_dict(self) -> dict:
        return asdict(self)
