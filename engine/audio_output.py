"""Audio output shared by the command line and the desktop app.

- ``to_int16``: the one float -> 16-bit rule (round to nearest, clip to [-32768, 32767]);
- ``AudioFileWriter``: WAV, FLAC, Ogg Vorbis, Ogg Opus or MP3 through ``soundfile``, with tags
  (title, album, track number...), written to a temporary file beside the target and renamed
  over it only on ``commit`` (no half-written file, ever); WAV still works through the standard
  library when ``soundfile`` (libsndfile) cannot load. Opus takes only 8, 12, 16, 24 or 48 kHz:
  other rates are resampled (``resample.StreamResampler``) to the next one up, and ``note`` says so;
- ``PcmStreamWriter``: 16-bit audio to a pipe (standard output) as it comes, as a WAV whose
  sizes say "unknown" (0xFFFFFFFF, as sox and ffmpeg write to pipes) or as raw s16le;
- the 4 GiB of a WAV file (``WAV_MAX_DATA_BYTES``, 27 hours at 22,050 Hz): a writer told how long
  the audio may be (``expected_seconds``, from ``estimated_audio_seconds``) writes a WAV whose
  estimate passes half of that as RF64 (the WAV layout for larger files, through soundfile; it
  says so in ``note``), or refuses up front with ``AudioTooLong`` when soundfile cannot load;
  a plain WAV that reaches the limit anyway stops with ``AudioTooLong`` at once, never a
  corrupt file;
- ``synthesize_ahead``: chunks synthesized on a thread of their own, a bounded number ahead of
  the consumer (the player), so the next sentence is ready before the current one has played;
- ``check_output_device`` / ``open_output_stream`` and ``AudioUnavailable``: the sound card,
  through ``sounddevice``, with a plain reason when there is none.

``soundfile`` and ``sounddevice`` are imported only when used: the engine imports without them.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import wave
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, TypeVar, cast

import numpy as np
from numpy.typing import ArrayLike

log = logging.getLogger(__name__)

# The formats a file can be written in, by suffix: soundfile's (format, subtype).
FILE_FORMATS = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".opus": ("OGG", "OPUS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
}
FORMAT_NAMES = {".wav": "WAV", ".flac": "FLAC", ".ogg": "Ogg Vorbis", ".opus": "Ogg Opus", ".mp3": "MP3"}
LOSSY_SUBTYPES = ("VORBIS", "OPUS", "MPEG_LAYER_III")  # these codecs take float samples
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
# Samples handed to libsndfile per call: libsndfile 1.2.2's Vorbis encoder crashed (SIGSEGV) on
# one write of 2.5 million samples here (1 million passed); small writes cost nothing.
SOUNDFILE_WRITE_SAMPLES = 1 << 16
# Tags a file may carry (SoundFile attributes). Read back, all of them survive in WAV, FLAC,
# Ogg Vorbis, Ogg Opus and MP3, except that LAME writes its own name as the MP3's software.
TAG_NAMES = ("title", "artist", "album", "tracknumber", "comment", "software", "date", "genre")
INT16_SCALE = 32767


class AudioUnavailable(Exception):
    """No audio output can be opened (no device, no PortAudio); the message says why."""


class UnsupportedFormat(ValueError):
    """A file suffix this installation cannot write; the message lists the ones it can."""


class AudioTooLong(ValueError):
    """More audio than the chosen file format can hold; the message says which format can."""


# A WAV file's sizes are 32-bit: its data chunk holds at most this many bytes (less the header).
WAV_MAX_DATA_BYTES = 2**32 - 1 - 44
SECONDS_PER_CHAR = 0.1  # speech takes about 0.07 s per character of text at speed 1: a margin
SSML_SLOWEST = 4.0  # SSML prosody may make speech this much slower (limits.SSML_RATE_RANGE)


def estimated_audio_seconds(text_chars: int, speed: float = 1.0, ssml: bool = False) -> float:
    """A generous estimate of the audio a text of ``text_chars`` characters makes, for choosing
    a file layout up front: 0.1 s a character divided by ``speed`` (SSML: four times that, for
    the slowest prosody, plus the longest silence it may ask for)."""
    from .limits import MAX_SILENCE_SECONDS

    seconds = text_chars * SECONDS_PER_CHAR / max(speed, 0.01)
    return seconds * SSML_SLOWEST + MAX_SILENCE_SECONDS if ssml else seconds


def wav_max_seconds(sample_rate: int) -> float:
    """The longest 16-bit mono audio a WAV file holds at ``sample_rate``."""
    return WAV_MAX_DATA_BYTES // 2 / sample_rate


# --- samples --------------------------------------------------------------------------------
def to_int16(samples: ArrayLike) -> np.ndarray:
    """Float samples (full scale +-1) as 16-bit PCM: scaled by 32767, rounded to the nearest
    integer (halves to even) and clipped to [-32768, 32767]; NaN becomes 0."""
    x = np.nan_to_num(np.asarray(samples, dtype=np.float64).reshape(-1), nan=0.0, posinf=2.0, neginf=-2.0)
    return np.clip(np.rint(x * INT16_SCALE), -32768, 32767).astype(np.int16)


def from_int16(pcm: np.ndarray) -> np.ndarray:
    """16-bit PCM back to float32 samples; ``to_int16(from_int16(pcm))`` gives ``pcm`` again,
    exactly (for audio kept as PCM, such as an export's spool, on its way into a file)."""
    return np.asarray(pcm, dtype=np.float32) / np.float32(INT16_SCALE)


def clip_float(samples: ArrayLike) -> np.ndarray:
    """Float32 samples clipped to [-1, 1] (for the lossy codec, which takes floats)."""
    return np.clip(np.nan_to_num(np.asarray(samples, dtype=np.float32).reshape(-1)), -1.0, 1.0)


# --- files ----------------------------------------------------------------------------------
def _soundfile() -> ModuleType | None:
    """The soundfile module, or None when it (or libsndfile) cannot be loaded."""
    try:
        import soundfile
    except (ImportError, OSError):
        return None
    return soundfile


def available_formats() -> list[str]:
    """Suffixes this installation can write: WAV always; FLAC, OGG, OPUS and MP3 when this
    soundfile's libsndfile has the codec (MP3 and Opus came with libsndfile 1.1 and 1.0.29)."""
    soundfile = _soundfile()
    if soundfile is None:
        return [".wav"]
    have = soundfile.available_formats()
    return [
        s
        for s, (fmt, subtype) in FILE_FORMATS.items()
        if fmt == "WAV" or (fmt in have and subtype in soundfile.available_subtypes(fmt))
    ]


def check_format(path: str | Path) -> str:
    """The suffix of ``path`` (lower case) if it can be written, else UnsupportedFormat."""
    suffix = Path(path).suffix.lower()
    formats = available_formats()
    if suffix not in formats:
        raise UnsupportedFormat(
            f"cannot write {suffix or 'files without a suffix'}: the formats available are {', '.join(formats)}"
        )
    return suffix


def wav_needs_rf64(sample_rate: int, expected_seconds: float) -> bool:
    """Whether a WAV of up to ``expected_seconds`` is written as RF64 (its estimate passes half
    of what a plain WAV holds); AudioTooLong when it would need RF64 and soundfile cannot load."""
    limit = wav_max_seconds(sample_rate)
    if expected_seconds <= limit / 2:
        return False
    soundfile = _soundfile()
    if soundfile is None or "RF64" not in soundfile.available_formats():
        raise AudioTooLong(
            f"the text may make up to {expected_seconds / 3600:,.0f} hours of audio, more than a WAV file holds "
            f"({limit / 3600:.0f} hours); write .flac or .ogg, or split the text"
        )
    return True


class _WaveFile:
    """16-bit mono WAV through the standard library (when soundfile cannot load)."""

    def __init__(self, path: Path, sample_rate: int):
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by close(); wave.open(path) leaks it on failure
        try:
            self._wav = wave.open(self._fh, "wb")  # noqa: SIM115 - closed by close()
            self._wav.setnchannels(1)
            self._wav.setsampwidth(2)
            self._wav.setframerate(sample_rate)
        except BaseException:
            self._fh.close()
            raise

    def write(self, samples: ArrayLike) -> None:
        self._wav.writeframes(to_int16(samples).astype("<i2").tobytes())

    def close(self) -> None:
        try:
            self._wav.close()
        finally:
            self._fh.close()


def opus_rate(sample_rate: int) -> int:
    """The rate an Opus file is written at: ``sample_rate`` if Opus takes it, else the next one up."""
    return next((r for r in OPUS_RATES if r >= sample_rate), OPUS_RATES[-1])


class _SoundFile:
    """Any of FILE_FORMATS through soundfile: 16-bit PCM from ``to_int16``, the lossy codecs
    from clipped floats (Opus resampled first when it cannot take ``sample_rate``)."""

    def __init__(
        self, soundfile: ModuleType, path: Path, sample_rate: int, fmt: str, subtype: str, tags: dict[str, str]
    ):
        from .resample import StreamResampler

        self._lossy = subtype in LOSSY_SUBTYPES  # fmt may also be "RF64" for a long WAV
        file_rate = opus_rate(sample_rate) if subtype == "OPUS" else sample_rate
        self.resampler = StreamResampler(sample_rate, file_rate) if file_rate != sample_rate else None
        self._file = soundfile.SoundFile(str(path), "w", samplerate=file_rate, channels=1, format=fmt, subtype=subtype)
        try:
            for name, value in tags.items():  # before the first write: some formats put them in the header
                setattr(self._file, name, value)
        except BaseException:
            self._file.close()
            raise

    def write(self, samples: ArrayLike) -> None:
        if self.resampler is not None:
            samples = self.resampler.process(clip_float(samples))
        data = clip_float(samples) if self._lossy else to_int16(samples)
        for start in range(0, len(data), SOUNDFILE_WRITE_SAMPLES):
            self._file.write(data[start : start + SOUNDFILE_WRITE_SAMPLES])

    def close(self) -> None:
        try:
            if self.resampler is not None:
                self._file.write(clip_float(self.resampler.flush()))
        finally:
            self._file.close()


class AudioFileWriter:
    """Mono audio into ``path`` (format from its suffix, ``FILE_FORMATS``), all or nothing.

    The samples go to a hidden temporary file in the same folder; ``commit()`` closes it and
    renames it over ``path``. Leaving the ``with`` block (or calling ``discard()``) without a
    commit removes the temporary file, so an error or a cancel leaves no partial file and an
    existing ``path`` untouched. Raises UnsupportedFormat for a suffix that cannot be written,
    OSError (or soundfile's error) when the file cannot be made.

    ``expected_seconds`` (``estimated_audio_seconds``): for a ``.wav`` whose estimate passes half
    of what WAV holds, the file is written as RF64 and ``note`` says so; without soundfile that
    is ``AudioTooLong``, before anything is written. A plain WAV stops with ``AudioTooLong`` as
    soon as a write would pass ``WAV_MAX_DATA_BYTES``.

    ``tags``: names from ``TAG_NAMES`` -> text (unknown names are a ValueError); the standard
    library's WAV writer (no soundfile) cannot write them and drops them.
    """

    def __init__(
        self,
        path: str | Path,
        sample_rate: int,
        expected_seconds: float | None = None,
        tags: dict[str, str] | None = None,
    ):
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.frames = 0
        self.note = ""  # a line for the user about how the file is written, or ""
        fmt, subtype = FILE_FORMATS[check_format(self.path)]
        tags = {name: value for name, value in (tags or {}).items() if value}
        unknown = sorted(set(tags) - set(TAG_NAMES))
        if unknown:
            raise ValueError(f"unknown tags {', '.join(unknown)}; the tags are {', '.join(TAG_NAMES)}")
        soundfile = _soundfile()
        limit = wav_max_seconds(sample_rate)
        self._max_frames: int | None = WAV_MAX_DATA_BYTES // 2 if fmt == "WAV" else None
        if fmt == "WAV" and expected_seconds is not None and wav_needs_rf64(sample_rate, expected_seconds):
            hours = f"{expected_seconds / 3600:,.0f} hours"
            fmt, self._max_frames = "RF64", None
            self.note = (
                f"the text may make up to {hours} of audio, more than a plain WAV file holds "
                f"({limit / 3600:.0f} hours): {self.path.name} is written as RF64, the WAV layout for large files"
            )
        self.temp_path = self.path.with_name(f".{self.path.stem}.partial-{os.getpid()}{self.path.suffix}")
        self._file: _SoundFile | _WaveFile = (
            _SoundFile(soundfile, self.temp_path, sample_rate, fmt, subtype, tags)
            if soundfile is not None
            else _WaveFile(self.temp_path, sample_rate)
        )
        if isinstance(self._file, _SoundFile) and self._file.resampler is not None:
            rate = self._file.resampler.rate_out
            self.note = f"Opus takes no {sample_rate:,} Hz audio: {self.path.name} is resampled to {rate:,} Hz"
        self._open = True

    def write(self, samples: np.ndarray) -> None:
        if self._max_frames is not None and self.frames + len(samples) > self._max_frames:
            limit = wav_max_seconds(self.sample_rate) / 3600
            raise AudioTooLong(
                f"the audio passed the 4 GiB ({limit:.0f} hours) a WAV file holds; "
                "write .flac or .ogg, or split the text"
            )
        self._file.write(samples)
        self.frames += len(samples)

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def _close(self) -> None:
        if self._open:
            self._open = False
            self._file.close()

    def commit(self) -> Path:
        """Finish the file and put it in place; returns ``path``."""
        try:
            self._close()
            os.replace(self.temp_path, self.path)
        finally:
            self.temp_path.unlink(missing_ok=True)
        return self.path

    def discard(self) -> None:
        """Drop what was written (``path`` is left as it was)."""
        try:
            self._close()
        except Exception as exc:  # noqa: BLE001 - closing a file that is thrown away anyway
            log.debug("closing a discarded %s: %s", self.temp_path, exc)
        finally:
            self.temp_path.unlink(missing_ok=True)

    def __enter__(self) -> AudioFileWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()  # after a commit there is nothing left to discard


# --- streams (standard output) -------------------------------------------------------------
STREAM_UNKNOWN_SIZE = 0xFFFFFFFF  # a WAV size field that says "until the end of the stream"


def wav_stream_header(sample_rate: int) -> bytes:
    """The 44-byte header of a 16-bit mono WAV whose length is not known yet (a pipe): the RIFF
    and data sizes are 0xFFFFFFFF, which sox, ffmpeg and libsndfile read as "to the end"."""
    import struct

    return (
        b"RIFF"
        + struct.pack("<I", STREAM_UNKNOWN_SIZE)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", STREAM_UNKNOWN_SIZE)
    )


class PcmStreamWriter:
    """16-bit mono audio (``to_int16``) written to a binary stream as it comes: a WAV header
    with unknown sizes first (``wav_stream_header``), or nothing before raw s16le with
    ``raw=True``. For pipes, where a file's sizes cannot be written at the end. The caller
    owns the stream; ``close()`` flushes it."""

    def __init__(self, stream: BinaryIO, sample_rate: int, raw: bool = False):
        self.stream, self.sample_rate = stream, sample_rate
        self.frames = 0
        if not raw:
            stream.write(wav_stream_header(sample_rate))

    def write(self, samples: ArrayLike) -> None:
        pcm = to_int16(samples)
        self.stream.write(pcm.astype("<i2", copy=False).tobytes())
        self.frames += len(pcm)

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def close(self) -> None:
        self.stream.flush()


# --- synthesizing ahead of the player -------------------------------------------------------
_END = object()
T = TypeVar("T")


def synthesize_ahead(
    synthesize: Callable[[threading.Event], Iterable[T]],
    *,
    ahead: int = 2,
    cancel: threading.Event | None = None,
    poll: float = 0.02,
    thread_name: str = "bittts-synthesis",
) -> Generator[T, None, None]:
    """Yield the items of ``synthesize(cancel)``, which runs on a thread of its own up to
    ``ahead`` items in front of the consumer (bounded memory on long texts, no gaps between
    sentences).

    An exception in ``synthesize`` is raised here, in the consumer. The iteration stops early,
    without an error, when ``cancel`` is set (by anyone). Use it with ``contextlib.closing``:
    when the consumer stops early (break, an exception, Ctrl-C), closing sets ``cancel``, so the
    synthesizer stops too, and gives the thread a moment to end. ``poll`` bounds how long a
    cancel or Ctrl-C goes unnoticed.
    """
    cancel = cancel if cancel is not None else threading.Event()
    items: queue.Queue[object] = queue.Queue(maxsize=max(1, ahead))  # T, _END or an exception

    def put(item: object) -> bool:
        while not cancel.is_set():
            try:
                items.put(item, timeout=poll)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in synthesize(cancel):
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            put(exc)

    thread = threading.Thread(target=produce, name=thread_name, daemon=True)
    thread.start()
    finished = False
    try:
        while not cancel.is_set():
            try:
                item = items.get(timeout=poll)  # a timeout, so that a cancel or Ctrl-C is seen at once
            except queue.Empty:
                continue
            if item is _END:
                finished = True
                return
            if isinstance(item, BaseException):
                finished = True
                raise item
            yield cast(T, item)
    finally:
        if not finished:
            cancel.set()
        thread.join(timeout=2.0)  # it stops within the engine's cancel time


# --- the sound card -------------------------------------------------------------------------
def sounddevice_module() -> ModuleType:
    """The sounddevice module; AudioUnavailable when it or the PortAudio library cannot load."""
    try:
        import sounddevice
    except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
        raise AudioUnavailable(f"the audio library cannot be loaded ({exc})") from None
    return sounddevice


def check_output_device() -> None:
    """Raise AudioUnavailable with a plain reason when there is no output device."""
    sd = sounddevice_module()
    try:
        sd.query_devices(kind="output")
    except Exception as exc:  # noqa: BLE001 - sounddevice raises PortAudioError or ValueError here
        log.info("no audio output device: %s", exc)
        raise AudioUnavailable("no output device was found") from None


def open_output_stream(sample_rate: int, **options: Any) -> Any:  # a sounddevice.OutputStream
    """A started mono float32 ``sounddevice.OutputStream`` (``options``: blocksize, latency,
    device, callback...); raises AudioUnavailable when there is none to open."""
    check_output_device()
    sd = sounddevice_module()
    try:
        stream = sd.OutputStream(samplerate=sample_rate, channels=1, dtype="float32", **options)
    except Exception as exc:  # noqa: BLE001 - PortAudioError, ValueError: no device or no such rate
        raise AudioUnavailable(f"the audio output cannot be opened ({_first_line(exc)})") from None
    try:
        stream.start()
    except Exception as exc:  # noqa: BLE001 - as above
        stream.close()
        raise AudioUnavailable(f"the audio output cannot be opened ({_first_line(exc)})") from None
    return stream


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
