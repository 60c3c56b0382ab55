"""The one small interface every vocoder of a model file has (engine/model.py holds either).

A vocoder turns an utterance's acoustic frames into samples, ``hop`` a frame, in consecutive
parts (engine/model.py ``VocoderRun``): :meth:`Vocoder.stream` starts an utterance and
:meth:`VocoderStream.part` makes the samples of its next frames. Parts joined end to end equal
the whole utterance made at once (to float rounding): each vocoder computes a part from all
the frames its output there depends on. Two kinds (``arch.vocoder_kind``, engine/tensor_names.py):

- "ddsp" (engine/ddsp_vocoder.py): a ternary control network and harmonic-plus-noise synthesis
  (docs/dsp.md), the bundled model's;
- "vocos" (engine/vocos_vocoder.py): ConvNeXt blocks to STFT frames and an inverse STFT (from
  the log-mel, and F0 and voicing with ``arch.vocos_pitch_inputs``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np


class VocoderStream(Protocol):
    """One utterance being vocoded."""

    def part(self, start: int, stop: int, halt: Callable[[], bool]) -> np.ndarray | None:
        """The samples of frames [start, stop), [(stop - start) * hop] float32, where ``start``
        is the previous part's ``stop`` (0 for the first) and start < stop <= the frames. None
        when ``halt()`` says True between stages; the stream is then as it was before the call."""
        ...


class Vocoder(Protocol):
    kind: str  # its arch.vocoder_kind
    context: int  # frames on each side that one frame's network output depends on

    def stream(
        self, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, seed: int = 0, noise_frames: np.ndarray | None = None
    ) -> VocoderStream:
        """Start an utterance: log-mel [frames, n_mels], F0 [frames] Hz, voicing [frames] bool (a
        vocoder reads what it needs), ``seed`` for any noise it draws, or ``noise_frames`` to give
        that noise (the DDSP's white-noise frames; others take None)."""
        ...

    def ternary_layers(self) -> Iterator:
        """Its native ternary layers (for the memory they hold: ``nbytes``)."""
        ...
