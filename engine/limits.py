"""What one request may ask of the engine: the input limits, in one place.

Every door through which text enters (``Synthesizer.synthesize``, ``parse_ssml``, the command
line, the desktop app, the speech server) is bounded by these numbers, so that no text, however
hostile, makes the engine allocate without bound or run for ever. They are documented in
docs/frontend.md (SSML) and docs/cli.md; a request past a limit fails with ``InputLimitError``
(or ``SsmlError`` for SSML, with the line and column), before any audio where the limit can be
known up front. Prosody values out of range are not errors: they are clamped to the ranges
below, and the clamping is said once per document (a warning in the log).
"""

from __future__ import annotations

__all__ = [
    "InputLimitError",
    "MAX_TEXT_CHARS",
    "MAX_SSML_CHARS",
    "MAX_SSML_DEPTH",
    "MAX_SENTENCE_PHONES",
    "MAX_PHONEME_PHONES",
    "MAX_PHONEME_CHARS",
    "MAX_BREAK_SECONDS",
    "MAX_PAUSE_SECONDS",
    "MAX_SILENCE_SECONDS",
    "MAX_AUDIO_SECONDS",
    "MAX_DOCUMENT_BYTES",
    "SSML_RATE_RANGE",
    "SSML_PITCH_RANGE",
    "SSML_VOLUME_RANGE",
]

MAX_TEXT_CHARS = 10_000_000  # characters of plain text per request (War and Peace is 3.2 million)
MAX_SSML_CHARS = 1_000_000  # characters of one SSML document
MAX_SSML_DEPTH = 32  # elements open at once, <speak> included
MAX_SENTENCE_PHONES = 2_000  # phones of one chunk (a sentence or clause; 25 words are about 150)
MAX_PHONEME_PHONES = 200  # phones in one <phoneme ph="...">
MAX_PHONEME_CHARS = 2_000  # characters of one ph attribute
MAX_BREAK_SECONDS = 10.0  # one <break time="..."/>
MAX_PAUSE_SECONDS = 60.0  # <break/> elements in a row, added up
MAX_SILENCE_SECONDS = 3_600.0  # all the <break/> elements of one request
MAX_AUDIO_SECONDS = 200 * 3_600.0  # audio one request may produce (checked as it is produced)
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # a text file, or a document after decompression (EPUB members)

# SSML <prosody> and <emphasis>, nested ones combined: values beyond are clamped.
SSML_RATE_RANGE = (0.25, 4.0)  # rate factor (the per-phone duration factor is its inverse)
SSML_PITCH_RANGE = (-12.0, 12.0)  # semitones
SSML_VOLUME_RANGE = (-120.0, 12.0)  # dB; -120 is "silent", +12 "x-loud"


class InputLimitError(ValueError):
    """A request past one of the limits above; the message names the limit and the value."""
