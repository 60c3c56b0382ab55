"""The synthesis API: text in, a stream of audio chunks with word timings out.

    synth = Synthesizer()                          # the bundled model, loaded once, mapped
    for chunk in synth.synthesize("Hello there. How are you?", SynthesisConfig(voice="slt")):
        play(chunk.samples)                        # chunk.words: spans in the text + sample spans

Staged public steps (each testable alone): ``frontend.process(text)`` -> phones ids ->
``model.acoustic`` -> ``model.vocoder`` (the file's DDSP or Vocos vocoder, engine/vocoder.py),
in parts through ``VocoderRun``; audio at the file's sample rate (``sample_rate``). The model
is immutable; one Synthesizer serves several threads at once. ``config`` may be a function,
read before each chunk, so settings changed during playback apply from the next chunk.

Time to first audio: the first chunk of a call is cut after a clause mark when the first
sentence is longer than ``FIRST_CHUNK_MAX_WORDS`` words (never mid-phrase; the rest of that
sentence is the next chunk, and both are phonemized with the whole sentence as context).
Later sentences are chunked by the front end alone.

Cancelling: setting ``cancel`` ends the stream at the next stage boundary (front end, acoustic
model, vocoder network, then the DDSP's oscillators and noise or the Vocos inverse STFT), each a
few milliseconds to a few tens of milliseconds for the longest chunk, so the generator returns
well within 50 ms (``bench/e2e.py`` measures it).

SSML: when ``config.ssml`` is True the text is read as SSML (the subset in
``text/ssml.py``). The API does not guess: text that merely looks like SSML is read as plain
text unless ``ssml`` is set (the command line turns it on by itself for input that starts with
``<speak``). With SSML:

* chunks end at sentence ends (``.?!``, ``</s>``, ``</p>``) and at every ``<break>``; long
  sentences are cut at clauses as in plain text;
* a ``<break>`` becomes silence of its length at its place; after a sentence it replaces the
  usual sentence pause, and breaks in a row add up;
* ``<prosody>`` and ``<emphasis>`` apply word by word: rate divides the durations of the word's
  phones, pitch shifts its phones' pitch (the total, with ``config.pitch``, is kept within
  +-12 semitones), volume scales its samples (gain changes glide over one frame: no clicks);
  emphasis is a preset of the three (``EMPHASIS``);
* ``<phoneme>`` phones are used as given;
* ``<voice>`` switches the speaker for the words inside it (chunks are cut where it changes;
  ``voice_select`` says how a name, gender, variant or language is matched, and that the
  current voice, ``config.voice``, is kept when none matches);
* what the parser tolerates (unknown elements, ``<audio>``, other languages...) and the
  ``<voice>`` requests that cannot be honoured are listed once by ``ssml_warnings(ssml)``
  and logged at INFO level by ``synthesize`` (logger ``bittts.engine.synthesis``);
* word timings, word spans and chunk spans refer to the SSML string itself;
* malformed SSML raises ``SsmlError`` (a ValueError naming the line and column) when the
  stream starts, before any audio.

Limits (``bittts.engine.limits``): a request of more than ``MAX_TEXT_CHARS`` characters
(``MAX_SSML_CHARS`` for SSML, whose other limits ``text/ssml.py`` lists) fails at the first
``next()`` with ``InputLimitError``; so does a chunk of more than ``MAX_SENTENCE_PHONES`` phones
(a "word" of thousands of letters), when it is reached, and a stream past
``MAX_AUDIO_SECONDS`` of audio.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import numpy as np

from bittts.engine.limits import (
    MAX_AUDIO_SECONDS,
    MAX_SENTENCE_PHONES,
    MAX_SSML_CHARS,
    MAX_TEXT_CHARS,
    InputLimitError,
)
from bittts.engine.model import BitTTSModel, VocoderRun
from bittts.engine.model_format import ModelFile, ModelFormatError
from bittts.engine.model_info import ModelSummary, bundled_model_path, summarize
from bittts.engine.synthesis_types import (
    AudioChunk,
    ConfigSource,
    SynthesisConfig,
    UnknownVoiceError,
    VoiceInfo,
    WordTiming,
    parse_voice_blend,
)
from bittts.engine.text.chunking import CLAUSE_MARKS
from bittts.engine.text.chunking import chunks as split_chunks
from bittts.engine.text.frontend import PhoneSequence, TextFrontEnd, encode_phones
from bittts.engine.text.lexicon import Lexicon, LexiconError
from bittts.engine.text.neural_g2p import g2p_for_model
from bittts.engine.text.normalize import Word, check_date_order
from bittts.engine.text.phonemize import SENTENCE_END, WordPhones
from bittts.engine.text.ssml import Break, SsmlDocument, SsmlError, SsmlWord, VoiceRequest, phonemize_ssml
from bittts.engine.text.user_dict import UserDict
from bittts.engine.voice_select import select_voice

__all__ = [
    "Synthesizer",
    "SynthesisConfig",
    "AudioChunk",
    "WordTiming",
    "VoiceInfo",
    "UnknownVoiceError",
    "SsmlError",
    "InputLimitError",
    "EMPHASIS",
]

log = logging.getLogger(__name__)

EDGE_FADE_SECONDS = 0.004  # speech starts and ends at zero, so adjacent chunks join without clicks
SENTENCE_PAUSE_SECONDS = 0.18  # added after a chunk that ends a sentence (a clause cut gets none)
QUICK_START_SECONDS = 0.25  # synthesize(quick_start=True): the first chunk's first part, at least this long
FIRST_CHUNK_MAX_WORDS = 12  # a longer first sentence is cut at a clause mark: the first audio comes sooner
_CLAUSE_TRAILERS = frozenset(",;:\u2014\"')]}")
PROSODY_PITCH_LIMIT = 12.0  # semitones, config pitch and SSML pitch together
PROSODY_DURATION_LIMITS = (0.25, 4.0)  # per-phone duration factor from SSML rate and emphasis

# <emphasis level>: (rate, pitch in semitones, volume in dB), applied on top of <prosody>.
EMPHASIS = {
    "strong": (0.8, 2.0, 3.0),
    "moderate": (0.9, 1.0, 1.5),
    "reduced": (1.1, -1.0, -3.0),
}


@dataclass(frozen=True)
class WordProsody:
    """What SSML asks of one word: rate factor (2 = twice as fast), pitch shift, linear gain."""

    rate: float = 1.0
    pitch: float = 0.0
    gain: float = 1.0


NEUTRAL = WordProsody()


@dataclass(frozen=True)
class _Unit:
    """One chunk to render: words with their phones, and the silence around the speech."""

    span: tuple[int, int]
    phonemized: tuple[tuple[Word, Sequence[str]], ...]
    phones: PhoneSequence
    pause_before: float = 0.0  # seconds (an SSML break before the first word of the text)
    pause_after: float = 0.0
    prosody: tuple[WordProsody, ...] | None = None  # one per word; None: all neutral
    voice: VoiceRequest | None = None  # an SSML <voice> request for all its words; None: the config's voice


@dataclass(frozen=True)
class _Speech:
    """A unit after the acoustic model: the frames per phone and the vocoder run that turns
    its frames into samples (None for a unit without phones)."""

    durations: np.ndarray
    run: VocoderRun | None
    volume: float
    sample_gain: np.ndarray | None  # SSML gain per sample, or None
    count: int  # samples of the whole speech


def limit_blas_threads() -> None:
    """NumPy's BLAS on one thread, for the whole process (once; the first Synthesizer does it).

    The engine's float matrices are small (a chunk's frames by a few hundred channels): a BLAS
    thread pool only adds its threads' wake-up, and on a busy machine their spinning tripled the
    time to the first audio (bench/server_latency.py, load average 6 on 2 cores: median 28.6 ms
    with two BLAS threads, 11.3 ms with one). threadpoolctl finds whichever BLAS NumPy loaded."""
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # a trimmed installation: correct, only slower on a busy machine
        return
    threadpool_limits(1, user_api="blas")


_blas_limited = False


def check_text_length(text: str, ssml: bool = False) -> None:
    """InputLimitError when ``text`` is longer than a request may be (``MAX_TEXT_CHARS``, or
    ``MAX_SSML_CHARS`` for SSML)."""
    limit = MAX_SSML_CHARS if ssml else MAX_TEXT_CHARS
    if len(text) > limit:
        kind = "SSML document" if ssml else "text"
        raise InputLimitError(f"the {kind} is {len(text):,} characters long; the limit is {limit:,}")


def _word_prosody(word: SsmlWord) -> WordProsody:
    rate, pitch, volume_db = word.prosody.rate, word.prosody.pitch_st, word.prosody.volume_db
    if word.emphasis in EMPHASIS:
        e_rate, e_pitch, e_db = EMPHASIS[word.emphasis]
        rate, pitch, volume_db = rate * e_rate, pitch + e_pitch, volume_db + e_db
    return WordProsody(rate, pitch, 10 ** (volume_db / 20))


def _per_symbol(values: Sequence[float], owner: Sequence[int], neutral: float) -> np.ndarray:
    """A value per word -> a value per phone symbol. Symbols that belong to no word (``<bos>``,
    boundaries, punctuation, ``<eos>``) take the value of the word before them (the first word's
    for the symbols before it), so a pause inside a slow or loud passage is slow or loud too."""
    out = np.full(len(owner), neutral, np.float32)
    current = values[0] if len(values) else neutral
    for i, k in enumerate(owner):
        if k >= 0:
            current = values[k]
        out[i] = current
    return out


class Synthesizer:
    """Text-to-speech with one packed model. Immutable after construction; thread-safe."""

    def __init__(
        self, model_path: str | Path | None = None, user_dict: UserDict | None = None, date_order: str = "MDY"
    ):
        """``date_order``: how all-numeric dates that read either way are read, ``"MDY"`` (04/05 is
        April 5) or ``"DMY"`` (4 May); ValueError for anything else. Fixed for this Synthesizer."""
        check_date_order(date_order)  # before the model is opened
        path = Path(model_path) if model_path else bundled_model_path()
        if not path.exists():
            raise ModelFormatError(f"model file not found: {path}")
        limit_blas_threads()
        self._file = ModelFile(path)
        self.model = BitTTSModel(self._file)
        self.summary: ModelSummary = summarize(self._file)
        self.sample_rate = self.model.sample_rate
        try:
            self.lexicon = Lexicon.from_bytes(self._file.blob("lexicon"))
        except LexiconError as exc:  # the lexicon is part of the model file
            raise ModelFormatError(f"{path}: blob 'lexicon': {exc}") from None
        self.frontend = TextFrontEnd(
            self.lexicon, user_dict, g2p=g2p_for_model(self._file, self.lexicon), date_order=date_order
        )
        meta = self._file.metadata
        names = meta.get("speakers.name", [])
        if len(names) != self.model.n_speakers:
            raise ModelFormatError(
                f"{path}: speakers.name lists {len(names)} voices, the model has {self.model.n_speakers}"
            )

        def field(key: str) -> list[str]:
            values = meta.get(f"speakers.{key}", [])
            return values if len(values) == len(names) else [""] * len(names)

        self.voices = tuple(
            VoiceInfo(n, s, a, lic, t)
            for n, s, a, lic, t in zip(names, field("sex"), field("accent"), field("licence"), field("teacher"))
        )
        self._voice_ids = {v.name: i for i, v in enumerate(self.voices)}
        # Every layer, the lexicon and the G2P are decoded: the file's pages, all read by the
        # checksum, need not stay resident (2.3 MB of the bundled model).
        self._file.release_pages()

    def warm_up(self) -> None:
        """Build now what the front end otherwise builds on first need: the neural G2P's phone
        n-gram model (about 0.2 s and 5 MB, docs/frontend.md), so that the first sentence with
        an unknown name does not wait for it. Slow: call it from a worker, after loading."""
        phone_lm = getattr(self.frontend.g2p, "phone_lm", None)
        if callable(phone_lm):
            phone_lm()

    @property
    def voice_names(self) -> list[str]:
        return [v.name for v in self.voices]

    def engine_resident_bytes(self) -> int:
        """Memory the engine holds for the model: decoded ternary layers plus the float layers
        and the mapped file (an upper bound on the file pages resident)."""
        floats = sum(a.nbytes for a in (self.model.phone_embedding, self.model.speaker_embedding))
        return self.model.resident_bytes + floats + self.summary.file_bytes

    def ssml_warnings(self, ssml: str | SsmlDocument) -> tuple[str, ...]:
        """One line per kind of thing in an SSML document (or one already parsed by
        ``frontend.parse_ssml_document``) that is not read as written: the parser's warnings,
        then the ``<voice>`` requests no voice matches. Raises ``SsmlError`` for malformed SSML."""
        document = self.frontend.parse_ssml_document(ssml) if isinstance(ssml, str) else ssml
        problems = dict.fromkeys(document.warnings)
        for request in dict.fromkeys(it.voice for it in document.items if isinstance(it, SsmlWord) and it.voice):
            problem = select_voice(request, self.voices).problem
            if problem:
                problems[problem] = None
        return tuple(problems)

    def voice_for(self, request: VoiceRequest | None, voice: str) -> str:
        """The voice that speaks words under an SSML ``<voice>`` ``request`` when the caller's
        voice is ``voice`` (a name or a blend, kept when nothing matches the request)."""
        if request is None:
            return voice
        current = [name for name, _ in parse_voice_blend(voice, self.voice_names)]
        return select_voice(request, self.voices, current).voice or voice

    def speaker_vector(self, voice: str) -> np.ndarray:
        """The speaker embedding of a voice or a blend ("bdl:0.7+slt:0.3")."""
        blend = parse_voice_blend(voice, self.voice_names)
        return self.model.speaker_vector({self._voice_ids[name]: weight for name, weight in blend})

    def synthesize(
        self,
        text: str,
        config: ConfigSource = SynthesisConfig(),
        cancel: threading.Event | None = None,
        *,
        quick_start: bool = False,
    ) -> Iterator[AudioChunk]:
        """Yield one AudioChunk per sentence or clause as soon as it is ready.

        ``quick_start`` (a screen reader's request): the first chunk's audio comes in two
        chunks, cut at the first word end after ``QUICK_START_SECONDS``, so that the first one is
        heard after vocoding a fraction of the sentence. The sentence's prosody is made whole, and
        the two chunks join into the one chunk it would be otherwise (equal within float32
        rounding: engine.model.VocoderRun).

        An unknown voice (``UnknownVoiceError``) or malformed SSML (``SsmlError``) fails at
        the first ``next()``, before any audio. SSML mode is read from the first config and
        holds for the whole call; voice, speed, pitch and volume are read before each chunk.
        """
        current = config if callable(config) else (lambda: config)
        first = current()
        self.speaker_vector(first.voice)  # an unknown voice fails now, before any audio
        check_text_length(text, first.ssml)
        units = self._ssml_units(text) if first.ssml else self._text_units(text)
        offset = 0  # samples yielded so far
        index = 0  # chunks yielded so far
        max_samples = MAX_AUDIO_SECONDS * self.sample_rate
        for unit_index, unit in enumerate(units):
            if cancel is not None and cancel.is_set():
                return
            if len(unit.phones.ids) > MAX_SENTENCE_PHONES:
                a, b = unit.span
                raise InputLimitError(
                    f"the sentence at characters {a}-{b} has {len(unit.phones.ids):,} phones; "
                    f"the limit is {MAX_SENTENCE_PHONES:,} (is it one very long word?)"
                )
            if offset > max_samples:
                raise InputLimitError(
                    f"the audio passed {MAX_AUDIO_SECONDS / 3600:g} hours, the most one request makes"
                )
            cfg = first if unit_index == 0 else current()
            started = time.perf_counter()
            speech = self._speech(unit, cfg, unit_index, cancel)
            if speech is None:
                return
            lead = int(round(unit.pause_before * self.sample_rate))
            tail = int(round(unit.pause_after * self.sample_rate))
            words = self._word_timings(text, unit, speech.durations, lead) if speech.count else ()
            cut = self._quick_cut(words, lead) if quick_start and unit_index == 0 else None
            pieces = [(words, unit.span)]
            if cut is not None:
                pieces = [
                    (words[:cut], (unit.span[0], words[cut - 1].end_char)),
                    (words[cut:], (words[cut].start_char, unit.span[1])),
                ]
            done = 0  # samples of this unit in the chunks already yielded
            for k, (piece_words, span) in enumerate(pieces):
                last = k == len(pieces) - 1
                if speech.run is None:
                    voice = np.zeros(0, np.float32)
                else:
                    stop = speech.run.frames if last else (piece_words[-1].end_sample - lead) // self.model.hop
                    part = self._speech_part(speech, stop, cancel)
                    if part is None:
                        return
                    voice = part
                silence_before, silence_after = (lead if k == 0 else 0), (tail if last else 0)
                samples = voice
                if silence_before or silence_after:
                    samples = np.concatenate(
                        [np.zeros(silence_before, np.float32), voice, np.zeros(silence_after, np.float32)]
                    )
                if done:
                    piece_words = tuple(
                        replace(w, start_sample=w.start_sample - done, end_sample=w.end_sample - done)
                        for w in piece_words
                    )
                yield AudioChunk(
                    samples=samples,
                    sample_rate=self.sample_rate,
                    text_span=span,
                    words=tuple(piece_words),
                    phones=unit.phones.symbols,
                    index=index,
                    stream_offset=offset,
                    synthesis_seconds=time.perf_counter() - started,
                )
                offset += len(samples)
                done += len(samples)
                index += 1
                started = time.perf_counter()

    def _quick_cut(self, words: Sequence[WordTiming], lead: int) -> int | None:
        """How many words go in a quick-start first chunk: up to the first word that ends after
        ``QUICK_START_SECONDS`` of speech, when at least as much speech follows; else None."""
        if len(words) < 2:
            return None
        at_least = QUICK_START_SECONDS * self.sample_rate + lead
        for k, word in enumerate(words[:-1]):
            if word.end_sample >= at_least:
                return k + 1 if words[-1].end_sample - word.end_sample >= at_least - lead else None
        return None

    # --- text -> units ---------------------------------------------------------------------
    def _text_units(self, text: str) -> Iterator[_Unit]:
        """Plain text -> chunks to render (lazy: the front end reads the text as each chunk is needed).

        The first chunk of a call is cut at a clause mark when it is long (``_first_cut``), so
        that audio starts sooner; its words are phonemized with the whole sentence as context.
        """
        for index, fe_chunk in enumerate(self.frontend.process(text)):
            chunk = fe_chunk.chunk
            pause = SENTENCE_PAUSE_SECONDS if chunk.sentence_end else 0.0
            cut = self._first_cut(fe_chunk.phonemized) if index == 0 else None
            if cut is None:
                yield _Unit((chunk.start, chunk.end), tuple(fe_chunk.phonemized), fe_chunk.phones, pause_after=pause)
                continue
            head, rest = tuple(fe_chunk.phonemized[:cut]), tuple(fe_chunk.phonemized[cut:])
            head_end = head[-1][0].end
            while head_end < rest[0][0].start and text[head_end] in _CLAUSE_TRAILERS:
                head_end += 1
            yield _Unit((chunk.start, head_end), head, encode_phones(head))
            yield _Unit((rest[0][0].start, chunk.end), rest, encode_phones(rest), pause_after=pause)

    def _first_cut(self, phonemized: Sequence[WordPhones]) -> int | None:
        """Where to cut a call's first chunk: after its last clause mark (``, ; : —``) within
        ``FIRST_CHUNK_MAX_WORDS`` words, leaving at least ``min_words`` on each side; None
        when the chunk is short or has no such mark (a sentence is never cut mid-phrase)."""
        words = [w for w, _ in phonemized]
        low = self.frontend.min_words
        if len(words) <= FIRST_CHUNK_MAX_WORDS or len(words) < 2 * low:
            return None
        for k in range(min(FIRST_CHUNK_MAX_WORDS, len(words) - low), low - 1, -1):
            if words[k - 1].punct_after in CLAUSE_MARKS and words[k - 1].end <= words[k].start:
                return k
        return None

    def _ssml_units(self, ssml: str) -> Iterator[_Unit]:
        """SSML -> chunks to render; raises ``SsmlError`` (at once) for malformed SSML."""
        document = self.frontend.parse_ssml_document(ssml)
        for warning in self.ssml_warnings(document):
            log.info("SSML: %s", warning)
        items = document.items
        # Groups of words that end at a sentence end, a break, a change of <voice> or the end
        # of the text, each with the total break after it (None: no break, the usual pause).
        groups: list[list] = []  # [words, break_ms or None, sentence_end]
        lead_ms = 0
        words: list[SsmlWord] = []
        for item in items:
            if isinstance(item, Break):
                if words:
                    groups.append([words, item.time_ms, False])
                    words = []
                elif groups:
                    groups[-1][1] = (groups[-1][1] or 0) + item.time_ms
                else:
                    lead_ms += item.time_ms
                continue
            if words and words[-1].voice != item.voice:
                groups.append([words, None, False])
                words = []
            words.append(item)
            if item.word.punct_after in SENTENCE_END:
                groups.append([words, None, True])
                words = []
        if words:
            groups.append([words, None, True])
        if not groups:
            if lead_ms:  # breaks and nothing else: silence
                yield _Unit((0, len(ssml)), (), PhoneSequence((), (), ()), pause_before=lead_ms / 1000)
            return
        for g, (group, break_ms, sentence_end) in enumerate(groups):
            # a group holds words only, so no breaks come back
            phonemized = cast(
                "list[tuple[SsmlWord, list[str]]]",
                phonemize_ssml(group, self.lexicon, self.frontend.user_dict, self.frontend.g2p),
            )
            pieces = [phonemized]
            if len(group) > self.frontend.max_words:
                cuts = split_chunks(
                    ssml, [w.word for w in group], max_words=self.frontend.max_words, min_words=self.frontend.min_words
                )
                pieces, k = [], 0
                for cut in cuts:
                    pieces.append(phonemized[k : k + len(cut.words)])
                    k += len(cut.words)
            for p, piece in enumerate(pieces):
                last = p == len(pieces) - 1
                pairs = tuple((w.word, list(phones)) for w, phones in piece)
                if not last:
                    pause = 0.0
                elif break_ms is not None:
                    pause = break_ms / 1000
                else:
                    pause = SENTENCE_PAUSE_SECONDS if sentence_end else 0.0
                yield _Unit(
                    span=(min(w.start for w, _ in pairs), max(w.end for w, _ in pairs)),
                    phonemized=pairs,
                    phones=encode_phones(pairs),
                    pause_before=lead_ms / 1000 if g == 0 and p == 0 else 0.0,
                    pause_after=pause,
                    prosody=tuple(_word_prosody(w) for w, _ in piece),
                    voice=group[0].voice,
                )

    # --- units -> audio --------------------------------------------------------------------
    def _speech(self, unit: _Unit, cfg: SynthesisConfig, seed: int, cancel: threading.Event | None) -> _Speech | None:
        """A unit through the acoustic model, ready to be vocoded in one or more parts; None when
        cancelled (the acoustic frames of an empty unit: ``run`` None)."""
        if not unit.phones.ids:
            return _Speech(np.zeros(0, np.int64), None, cfg.volume, None, 0)
        ids = np.asarray(unit.phones.ids, np.int64)
        duration_scale = pitch_shift = gain = None
        if unit.prosody is not None and any(p != NEUTRAL for p in unit.prosody):
            owner = unit.phones.word_index
            lo, hi = PROSODY_DURATION_LIMITS
            duration_scale = np.clip(_per_symbol([1 / p.rate for p in unit.prosody], owner, 1.0), lo, hi)
            total = np.clip(
                cfg.pitch + _per_symbol([p.pitch for p in unit.prosody], owner, 0.0),
                -PROSODY_PITCH_LIMIT,
                PROSODY_PITCH_LIMIT,
            )
            pitch_shift = total - np.float32(cfg.pitch)
            gain = _per_symbol([p.gain for p in unit.prosody], owner, 1.0)
        acoustic = self.model.acoustic(
            ids,
            self.speaker_vector(self.voice_for(unit.voice, cfg.voice)),
            speed=cfg.speed,
            pitch_semitones=cfg.pitch,
            duration_scale=duration_scale,
            pitch_shift=pitch_shift,
        )
        if cancel is not None and cancel.is_set():
            return None
        run = VocoderRun(self.model, acoustic.mel, acoustic.f0, acoustic.voiced, seed=seed)
        count = run.frames * self.model.hop
        sample_gain = None
        if gain is not None and np.any(gain != 1):
            sample_gain = self._sample_gain(gain, acoustic.durations, count)
        return _Speech(acoustic.durations, run, cfg.volume, sample_gain, count)

    def _speech_part(self, speech: _Speech, stop: int, cancel: threading.Event | None) -> np.ndarray | None:
        """The samples of the speech's next frames up to ``stop``, with volume, SSML gain, the
        fades at the speech's two ends and clipping; None when cancelled."""
        run = speech.run
        assert run is not None
        first = run.done * self.model.hop
        samples = run.part(stop, None if cancel is None else cancel.is_set)
        if samples is None:
            return None
        last = first + len(samples)
        samples *= np.float32(speech.volume)
        if speech.sample_gain is not None:
            samples *= speech.sample_gain[first:last]
        fade = min(int(EDGE_FADE_SECONDS * self.sample_rate), speech.count // 2)
        if fade:
            ramp = np.linspace(0, 1, fade, dtype=np.float32)
            if first < fade:
                samples[: fade - first] *= ramp[first : min(fade, last)]
            if last > speech.count - fade:
                tail = max(first, speech.count - fade)
                samples[tail - first :] *= ramp[::-1][tail - (speech.count - fade) : last - (speech.count - fade)]
        np.clip(samples, -1.0, 1.0, out=samples)
        return samples

    def _sample_gain(self, gain: np.ndarray, durations: np.ndarray, count: int) -> np.ndarray:
        """A gain per phone -> per sample, gliding linearly between frame centres."""
        per_frame = np.repeat(gain, durations)
        hop = self.model.hop
        centres = (np.arange(len(per_frame)) + 0.5) * hop
        return np.interp(np.arange(count), centres, per_frame).astype(np.float32)

    def _word_timings(self, text: str, unit: _Unit, durations: np.ndarray, lead: int) -> tuple[WordTiming, ...]:
        hop = self.model.hop
        ends = np.cumsum(durations)
        starts = ends - durations
        owner = np.asarray(unit.phones.word_index)
        timings = []
        for k, (word, _phones) in enumerate(unit.phonemized):
            mine = np.nonzero(owner == k)[0]
            if len(mine) == 0:
                continue
            timings.append(
                WordTiming(
                    text=text[word.start : word.end],
                    spoken=word.text,
                    start_char=word.start,
                    end_char=word.end,
                    start_sample=lead + int(starts[mine[0]]) * hop,
                    end_sample=lead + int(ends[mine[-1]]) * hop,
                )
            )
        return tuple(timings)
