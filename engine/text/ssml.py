"""SSML 1.1, parsed into words (with spans into the SSML string), pauses and warnings.

Read as the specification says::

    <speak>                                    the root (required)
    <p>, <s> (<paragraph>, <sentence>)         paragraph / sentence: ends a sentence
    <break time="500ms"|"1.5s" strength="none|x-weak|weak|medium|strong|x-strong"/>
    <say-as interpret-as="characters|spell-out|cardinal|ordinal|date|telephone"
            format="mdy|dmy|ymd">              (format for dates only; mdy by default)
    <phoneme alphabet="arpabet" ph="T AH0 M EY1 T OW2">tomato</phoneme>
    <sub alias="World Wide Web">WWW</sub>
    <prosody rate="slow|x-slow|medium|fast|x-fast|default|150%|1.2"
             pitch="x-low|low|medium|high|x-high|default|+2st|-10%"
             volume="silent|x-soft|soft|medium|loud|x-loud|default|+6dB|-3dB">
    <emphasis level="strong|moderate|reduced|none">
    <voice name="slt bdl" gender="female|male|neutral" variant="2" languages="en-US">
                                               the words inside are marked with a ``VoiceRequest``
                                               (the synthesizer picks the voice; nested ones inherit)
    <token>, <w>                               their text is read
    <mark name="..."/>, <meta/>, <metadata>    accepted; nothing is said
    <![CDATA[ ... ]]>                          character data, read as text ("<" and "&" as written)

Tolerated, with one warning per kind in ``SsmlDocument.warnings`` (never an error): an unknown
element, with or without a namespace prefix (ignored, its content read); ``<audio>`` (no
file is played: its content, the fallback, is read, ``<desc>`` not); ``<lang>`` and
``xml:lang`` for a language other than English (read with the English voices); ``<say-as>``
with an unknown ``interpret-as`` (its text read as plain text); ``<voice age>``;
``<lexicon>`` and ``<lookup>`` (no lexicon documents are loaded); prosody beyond its range.

The standard entities (``&amp; &lt; &gt; &quot; &apos;``) and numeric character references
are decoded; spans always point into the original SSML string. A document that is not
well-formed XML (a tag not closed, a bare ``&``, text outside ``<speak>``) or a supported
element with a bad value (``<break time="soon"/>``) raises ``SsmlError`` whose message names
the problem and its line and column.

Limits (``bittts.engine.limits``, docs/frontend.md): a document of at most ``MAX_SSML_CHARS``
characters and ``MAX_SSML_DEPTH`` open elements; a ``<break>`` of at most ``MAX_BREAK_SECONDS``,
breaks in a row at most ``MAX_PAUSE_SECONDS`` together and all of a document's breaks at most
``MAX_SILENCE_SECONDS``; a ``<phoneme>`` of at most ``MAX_PHONEME_PHONES`` phones. Past one of
them is an ``SsmlError``. Prosody is clamped instead (rate, pitch and volume, nested ones
combined, to ``SSML_RATE_RANGE``, ``SSML_PITCH_RANGE``, ``SSML_VOLUME_RANGE``), and a document
that needed it gets one warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from ..limits import (
    MAX_BREAK_SECONDS,
    MAX_PAUSE_SECONDS,
    MAX_PHONEME_CHARS,
    MAX_PHONEME_PHONES,
    MAX_SILENCE_SECONDS,
    MAX_SSML_CHARS,
    MAX_SSML_DEPTH,
    SSML_PITCH_RANGE,
    SSML_RATE_RANGE,
    SSML_VOLUME_RANGE,
)
from .g2p import G2P
from .lexicon import Lexicon
from .normalize import MONTH_NAMES, Word, cardinal, check_date_order, digits, normalize, ordinal, year
from .phonemize import WordPhones, phonemize
from .user_dict import UserDict, UserDictError, parse_arpabet

__all__ = [
    "SsmlError",
    "Prosody",
    "SsmlWord",
    "Break",
    "SsmlChunk",
    "SsmlDocument",
    "VoiceRequest",
    "parse_ssml",
    "parse_ssml_document",
    "phonemize_ssml",
    "ssml_chunks",
    "looks_like_ssml",
    "BREAK_STRENGTH_MS",
]


class SsmlError(ValueError):
    """Malformed or unsupported SSML; ``position`` is the offset in the SSML string."""

    def __init__(self, message: str, ssml: str, position: int):
        line = ssml.count("\n", 0, position) + 1
        col = position - (ssml.rfind("\n", 0, position) + 1) + 1
        super().__init__(f"SSML error at line {line}, column {col}: {message}")
        self.position = position
        self.line = line
        self.column = col


@dataclass(frozen=True, slots=True)
class Prosody:
    """Relative prosody: rate factor (1 = normal), pitch in semitones, volume in dB."""

    rate: float = 1.0
    pitch_st: float = 0.0
    volume_db: float = 0.0


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """What the ``<voice>`` elements around a word ask for (the inner one's attributes over the
    outer one's). The synthesizer picks the voice (``bittts.engine.voice_select``).

    names: voice names, most wanted first; gender: "female", "male", "neutral" (or whatever
    was written: it then matches no voice); variant: the n-th (from 1) of the voices that
    match; languages: language tags the voice should speak ("en-US").
    """

    names: tuple[str, ...] = ()
    gender: str | None = None
    variant: int | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SsmlWord:
    """A spoken word with what the SSML says about it.

    phones: forced ARPAbet phones (from ``<phoneme>``), or None to phonemize as usual.
    emphasis: "strong", "moderate", "reduced" or None.
    voice: the ``<voice>`` request it is inside, or None (the caller's voice).
    """

    word: Word
    phones: tuple[str, ...] | None = None
    prosody: Prosody = Prosody()
    emphasis: str | None = None
    voice: VoiceRequest | None = None


@dataclass(frozen=True, slots=True)
class Break:
    """A pause of ``time_ms`` milliseconds; the span is that of the ``<break/>`` tag."""

    time_ms: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SsmlDocument:
    """A parsed SSML document: its words and breaks in order, and one line per kind of thing
    that was ignored or changed (an unknown element, ``<audio>``, another language, clamped
    prosody), in the order first met; empty when everything was read as written."""

    items: tuple[SsmlWord | Break, ...]
    warnings: tuple[str, ...]


BREAK_STRENGTH_MS = {"none": 0, "x-weak": 100, "weak": 200, "medium": 400, "strong": 700, "x-strong": 1000}
_RATE_WORDS = {"x-slow": 0.5, "slow": 0.75, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.6}
_PITCH_WORDS = {"x-low": -6.0, "low": -3.0, "medium": 0.0, "default": 0.0, "high": 3.0, "x-high": 6.0}
# fmt: off
_VOLUME_WORDS = {"silent": -120.0, "x-soft": -12.0, "soft": -6.0, "medium": 0.0,
                 "default": 0.0, "loud": 6.0, "x-loud": 12.0}
# fmt: on
_EMPHASIS = {"strong", "moderate", "reduced", "none"}
_SAY_AS_KINDS = ("characters", "spell-out", "cardinal", "number", "ordinal", "date", "telephone")
# SSML 1.1 elements whose content is read as it stands (their own meaning, if any, is in ``open``)
_CONTAINERS = {"speak", "p", "s", "prosody", "emphasis", "voice", "lang", "audio", "token", "w", "lookup"}
_ELEMENTS = _CONTAINERS | {"break", "say-as", "phoneme", "sub", "mark", "meta", "metadata", "desc", "lexicon"}
_SYNONYMS = {"paragraph": "p", "sentence": "s"}  # the SSML 1.0 names
_EMPTY_ONLY = {"break", "mark"}
_TEXT_ONLY = {"say-as", "phoneme", "sub"}
_NOT_SPOKEN = {"metadata", "desc", "meta", "lexicon"}  # their content is never read (SSML 1.1 3.1.5, 3.3.3)
_GENDERS = ("female", "male", "neutral")
# One line per kind of tolerated thing; {0} is the list of what was met, in order.
_WARNINGS = {
    "unknown": "unknown elements ignored, their text is read: {0}",
    "namespaced": "elements of other namespaces ignored, their text is read: {0}",
    "audio": "audio files are not played, the text inside <audio> is read instead: {0}",
    "lang": "text marked as another language is read with the English voices: {0}",
    "say-as": "<say-as> kinds not supported, their text is read as plain text: {0}",
    "voice-age": "<voice age> is not used (voices are chosen by name, gender, variant and languages): {0}",
    "lexicon": "lexicon documents are not loaded (the user dictionary is): {0}",
    "clamped": "prosody beyond the supported range was clamped ({ranges}): {0}",
}

_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>")
_ATTR_RE = re.compile(r"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY_RE = re.compile(r"&(?:#(\d+)|#x([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def is_english(tag: str) -> bool:
    """Whether a language tag ("en", "en-GB", "EN_us") names English, the only language the voices speak."""
    return re.fullmatch(r"en(?:[-_][\w-]*)?", tag.strip(), re.IGNORECASE) is not None


def _attr(name: str, value: str, limit: int = 20) -> str:
    """``name="value"`` as written, a long value cut, for a warning line."""
    return f'{name}="{value if len(value) <= limit else value[: limit - 3] + "..."}"'


def looks_like_ssml(text: str) -> bool:
    """True when the text starts (after an XML declaration) with ``<speak``."""
    return bool(re.match(r"\s*(?:<\?xml[^>]*\?>\s*)?<speak[\s>/]", text))


@dataclass
class _Frame:
    name: str
    attrs: dict
    start: int  # offset of the start tag
    content_start: int  # offset after the start tag
    prosody: Prosody
    emphasis: str | None
    voice: VoiceRequest | None = None
    silent: bool = False  # inside <desc>, <metadata>...: nothing is said


class _Parser:
    def __init__(self, ssml: str, keep_words: Collection[str] = (), date_order: str = "MDY"):
        self.ssml = ssml
        self.keep_words = keep_words
        self.date_order = date_order
        self.items: list[SsmlWord | Break] = []
        self.pause_ms = 0.0  # the breaks since the last word, added up
        self.silence_ms = 0.0  # all the breaks so far
        self.noted: dict[str, dict[str, None]] = {}  # warning kind -> what was met, each once, in order

    def error(self, message: str, pos: int) -> SsmlError:
        return SsmlError(message, self.ssml, pos)

    # ---- text
    def decode(self, a: int, b: int) -> tuple[str, list[int], list[int]]:
        """Decoded text of ssml[a:b] and, for each decoded char, its original start and end."""
        s = self.ssml
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i = a
        while i < b:
            c = s[i]
            if c == "<" and s.startswith("<![CDATA[", i):  # character data: every character as written
                k = s.find("]]>", i + 9, b)
                if k < 0:
                    raise self.error("CDATA section is not closed", i)
                for n in range(i + 9, k):
                    out.append(s[n])
                    starts.append(n)
                    ends.append(n + 1)
                i = k + 3
                continue
            if c == "&":
                m = _ENTITY_RE.match(s, i, b)
                if not m:
                    raise self.error("a bare '&' (write &amp;) or an unknown entity", i)
                if m.group(3):
                    ch = _ENTITIES[m.group(3)]
                else:
                    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
                    try:
                        ch = chr(code)
                    except (ValueError, OverflowError):
                        raise self.error(f"character reference {m.group(0)} is out of range", i) from None
                out.append(ch)
                starts.append(i)
                ends.append(m.end())
                i = m.end()
                continue
            out.append(c)  # (">" is allowed in text)
            starts.append(i)
            ends.append(i + 1)
            i += 1
        return "".join(out), starts, ends

    def map_words(self, words: list[Word], starts: list[int], ends: list[int]) -> list[Word]:
        return [replace(w, start=starts[w.start], end=ends[w.end - 1]) for w in words]

    def emit_words(self, words: list[Word], frame: _Frame, phones: tuple[str, ...] | None = None) -> None:
        if frame.silent or not words:
            return
        self.pause_ms = 0.0
        for w in words:
            self.items.append(SsmlWord(w, phones, frame.prosody, frame.emphasis, frame.voice))

    def note(self, kind: str, detail: str) -> None:
        """Something tolerated (a key of ``_WARNINGS``); each detail is listed once."""
        self.noted.setdefault(kind, {})[detail] = None

    def warnings(self) -> tuple[str, ...]:
        """One line per kind noted, in the order first noted."""
        ranges = (
            f"rate {SSML_RATE_RANGE[0]:g} to {SSML_RATE_RANGE[1]:g}, pitch {SSML_PITCH_RANGE[0]:+g} to "
            f"{SSML_PITCH_RANGE[1]:+g} st, volume {SSML_VOLUME_RANGE[0]:+g} to {SSML_VOLUME_RANGE[1]:+g} dB"
        )
        out = []
        for kind, noted in self.noted.items():
            details = list(noted)
            listed = ", ".join(details[:3]) + (f" and {len(details) - 3} more" if len(details) > 3 else "")
            out.append(_WARNINGS[kind].format(listed, ranges=ranges))
        return tuple(out)

    def text(self, a: int, b: int, frame: _Frame | None) -> None:
        decoded, starts, ends = self.decode(a, b)
        if frame is None:
            if decoded.strip():
                raise self.error("text outside <speak>", starts[len(decoded) - len(decoded.lstrip())])
            return
        if frame.silent:
            return
        lead = re.match(r"\s*([,.;:?!\u2026])", decoded)
        if lead:  # punctuation right after an element belongs to the word before it
            self.punct_on_last(lead.group(1).replace("\u2026", "…"))
        words = normalize(decoded, keep_words=self.keep_words, date_order=self.date_order)
        self.emit_words(self.map_words(words, starts, ends), frame)

    def punct_on_last(self, mark: str) -> None:
        for k in range(len(self.items) - 1, -1, -1):
            it = self.items[k]
            if isinstance(it, SsmlWord):
                if not it.word.punct_after:
                    self.items[k] = replace(it, word=replace(it.word, punct_after=mark))
                return
            return  # a break stands between: its pause is enough

    # ---- elements
    def attrs(self, raw: str, pos: int) -> dict:
        out = {}
        for m in _ATTR_RE.finditer(raw):
            name = m.group(1)
            if name in out:
                raise self.error(f"attribute {name!r} is given twice", pos)
            value = m.group(2) if m.group(2) is not None else m.group(3)
            out[name] = self.decode_attr(value, pos)
        return out

    def decode_attr(self, value: str, pos: int) -> str:
        def sub(m: re.Match[str]) -> str:
            if m.group(3):
                return _ENTITIES[m.group(3)]
            try:
                return chr(int(m.group(1)) if m.group(1) else int(m.group(2), 16))
            except (ValueError, OverflowError):
                raise self.error(f"character reference {m.group(0)} is out of range", pos) from None

        if "&" in _ENTITY_RE.sub("", value):
            raise self.error("a bare '&' in an attribute value (write &amp;)", pos)
        return _ENTITY_RE.sub(sub, value)

    def open(self, name: str, attrs: dict, parent: _Frame, pos: int, end: int) -> _Frame:
        """The frame of an element inside ``parent``: what its words inherit, and what it changes."""
        prosody, emphasis, voice = parent.prosody, parent.emphasis, parent.voice
        if parent.silent:  # inside <metadata>, <desc>...: not read, so not checked either
            return _Frame(name, attrs, pos, end, prosody, emphasis, voice, True)
        silent = name in _NOT_SPOKEN
        if name not in _ELEMENTS:
            self.note("namespaced" if ":" in name else "unknown", f"<{name}>")
        elif name == "voice":
            voice = self.voice_request(attrs, voice, pos)
        elif name == "audio":
            src = attrs.get("src", "")
            self.note("audio", f"<audio {_attr('src', src)}>" if src else "<audio>")
        elif name in ("lexicon", "lookup"):
            ref = attrs.get("uri" if name == "lexicon" else "ref", "")
            self.note("lexicon", f"<{name} {_attr('uri' if name == 'lexicon' else 'ref', ref)}>")
        elif name == "prosody":
            if not attrs.keys() & {"rate", "pitch", "volume"}:
                raise self.error("<prosody> needs rate, pitch or volume", pos)
            prosody = Prosody(
                rate=self.combine(prosody.rate, attrs, "rate", pos),
                pitch_st=self.combine(prosody.pitch_st, attrs, "pitch", pos),
                volume_db=self.combine(prosody.volume_db, attrs, "volume", pos),
            )
        elif name == "emphasis":
            level = attrs.get("level", "moderate")
            if level not in _EMPHASIS:
                raise self.error(f"<emphasis level={level!r}> is not one of {sorted(_EMPHASIS)}", pos)
            emphasis = None if level == "none" else level
        elif name == "say-as":
            kind = attrs.get("interpret-as")
            if kind not in _SAY_AS_KINDS:  # SSML 1.1 3.1.9: read the text as if say-as were not there
                self.note("say-as", _attr("interpret-as", kind) if kind is not None else "no interpret-as")
                attrs["_plain"] = True
        elif name == "phoneme":
            alphabet = attrs.get("alphabet", "arpabet").lower()
            if alphabet not in ("arpabet", "x-arpabet", "cmu"):
                raise self.error(f"<phoneme alphabet={attrs.get('alphabet')!r}> is not supported (only arpabet)", pos)
            if "ph" not in attrs:
                raise self.error("<phoneme> needs a ph attribute", pos)
            if len(attrs["ph"]) > MAX_PHONEME_CHARS:
                raise self.error(f"<phoneme ph> is longer than {MAX_PHONEME_CHARS:,} characters", pos)
            try:
                attrs["_phones"] = parse_arpabet(attrs["ph"])
            except UserDictError as e:
                raise self.error(f"<phoneme ph={attrs['ph']!r}>: {e}", pos) from None
            if len(attrs["_phones"]) > MAX_PHONEME_PHONES:
                raise self.error(
                    f"<phoneme ph> has {len(attrs['_phones']):,} phones; the limit is {MAX_PHONEME_PHONES}", pos
                )
        elif name == "sub":
            if "alias" not in attrs:
                raise self.error("<sub> needs an alias attribute", pos)
        return _Frame(name, attrs, pos, end, prosody, emphasis, voice, silent)

    def voice_request(self, attrs: dict, outer: VoiceRequest | None, pos: int) -> VoiceRequest | None:
        """The request of a ``<voice>`` inside one asking for ``outer``. Attributes not given are
        inherited (SSML 1.1 3.2.1), except that a new name or gender is a new choice: the
        outer name and variant are then dropped."""
        names = tuple(attrs.get("name", "").split())
        gender = attrs.get("gender", "").strip().lower() or None
        variant = None
        if "variant" in attrs:
            v = attrs["variant"].strip()
            if not re.fullmatch(r"[1-9]\d{0,3}", v):
                raise self.error(f"<voice {_attr('variant', v)}> is not a whole number from 1", pos)
            variant = int(v)
        languages = tuple(tag.split(":")[0] for tag in attrs.get("languages", "").split())
        if "age" in attrs:
            self.note("voice-age", _attr("age", attrs["age"]))
        base = outer or VoiceRequest()
        if not names and gender is None:
            names = base.names
            variant = variant if variant is not None else base.variant
        request = VoiceRequest(names, gender or base.gender, variant, languages or base.languages)
        return outer if request == VoiceRequest() else request

    def check_language(self, attrs: dict) -> None:
        """``xml:lang`` on any element: another language than English is read all the same."""
        lang = attrs.get("xml:lang")
        if lang is not None and not is_english(lang):
            self.note("lang", _attr("xml:lang", lang))

    def combine(self, outer: float, attrs: dict, what: str, pos: int) -> float:
        """A prosody value of ``attrs`` (if given) on top of the enclosing one, both clamped:
        rates multiply, pitches (semitones) and volumes (dB) add."""
        if what not in attrs:
            return outer
        read, bounds = {
            "rate": (self.rate, SSML_RATE_RANGE),
            "pitch": (self.pitch, SSML_PITCH_RANGE),
            "volume": (self.volume, SSML_VOLUME_RANGE),
        }[what]
        value = self.clamp(read(attrs[what], pos), bounds, what, attrs)
        return self.clamp(outer * value if what == "rate" else outer + value, bounds, what, attrs)

    def clamp(self, value: float, bounds: tuple[float, float], what: str, attrs: dict) -> float:
        """``value`` within ``bounds``; a value beyond them is noted (said once, in ``parse``)."""
        lo, hi = bounds
        if lo <= value <= hi:
            return value
        self.note("clamped", _attr(what, str(attrs.get(what))))
        return lo if value < lo else hi  # NaN cannot come: each value is clamped before adding

    def rate(self, v: str, pos: int) -> float:
        v = v.strip()
        if v in _RATE_WORDS:
            return _RATE_WORDS[v]
        m = re.fullmatch(r"(\d+(?:\.\d+)?)%", v)
        if m and float(m.group(1)) > 0:
            return float(m.group(1)) / 100
        m = re.fullmatch(r"\d+(?:\.\d+)?", v)
        if m and float(v) > 0:
            return float(v)
        raise self.error(f"prosody rate {v!r} is not a rate (x-slow..x-fast, 150%, 1.2)", pos)

    def pitch(self, v: str, pos: int) -> float:
        v = v.strip()
        if v in _PITCH_WORDS:
            return _PITCH_WORDS[v]
        m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)st", v)
        if m:
            return float(m.group(1))
        m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)%", v)
        if m and float(m.group(1)) > -100:
            return 12 * math.log2(1 + float(m.group(1)) / 100)
        raise self.error(f"prosody pitch {v!r} is not a pitch (x-low..x-high, +2st, -10%)", pos)

    def volume(self, v: str, pos: int) -> float:
        v = v.strip()
        if v in _VOLUME_WORDS:
            return _VOLUME_WORDS[v]
        m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)dB", v)
        if m:
            return float(m.group(1))
        raise self.error(f"prosody volume {v!r} is not a volume (silent..x-loud, +6dB)", pos)

    def close_text_element(self, frame: _Frame, end: int) -> None:
        """say-as / phoneme / sub: their content is plain text read in their own way."""
        a, b = frame.content_start, end
        if frame.silent:
            return
        if frame.attrs.get("_plain"):  # a <say-as> of a kind not supported
            self.text(a, b, frame)
            return
        decoded, starts, ends = self.decode(a, b)
        stripped = decoded.strip()
        if not stripped:
            if frame.name == "sub":
                words = normalize(frame.attrs["alias"])
                self.emit_words([replace(w, start=frame.start, end=end) for w in words], frame)
                return
            raise self.error(f"<{frame.name}> is empty", frame.start)
        lead = len(decoded) - len(decoded.lstrip())
        span = (starts[lead], ends[lead + len(stripped) - 1])
        name = frame.name
        if name == "phoneme":
            w = Word(" ".join(stripped.lower().split()), *span)
            self.emit_words([w], frame, phones=frame.attrs["_phones"])
            return
        if name == "sub":
            words = normalize(frame.attrs["alias"])
            self.emit_words([replace(w, start=span[0], end=span[1]) for w in words], frame)
            return
        kind = frame.attrs["interpret-as"]
        if kind in ("characters", "spell-out"):
            words = []
            for k, c in enumerate(decoded):
                if c.isalpha():
                    words.append(Word(c.lower(), starts[k], ends[k], letter=True))
                elif c.isdecimal():
                    words.append(Word(digits(c), starts[k], ends[k]))
            self.emit_words(words, frame)
            return
        spoken = self.say_as(kind, stripped, frame)
        words = [Word(t, *span) for t in re.split(r"[\s-]+", spoken) if t]
        if kind == "telephone":  # pauses between digit groups
            words = self.phone_pauses(stripped, words)
        self.emit_words(words, frame)

    def say_as(self, kind: str, text: str, frame: _Frame) -> str:
        pos = frame.start
        plain = text.replace(",", "")
        if kind in ("cardinal", "number"):
            if not re.fullmatch(r"[+-]?\d+", plain):
                raise self.error(f"<say-as interpret-as='{kind}'> needs an integer, got {text!r}", pos)
            # as a digit string: a number of any length is read (never through int())
            return ("minus " if plain.startswith("-") else "") + cardinal(plain.lstrip("+-"))
        if kind == "ordinal":
            m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", plain)
            if not m:
                raise self.error(f"<say-as interpret-as='ordinal'> needs a number, got {text!r}", pos)
            return ordinal(m.group(1))
        if kind == "date":
            fmt = frame.attrs.get("format", "mdy")
            if fmt not in ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y"):
                raise self.error(f"<say-as format={fmt!r}> is not a date format", pos)
            parts = re.findall(r"\d+", text)
            if len(parts) != len(fmt) or any(len(p) > 6 for p in parts):
                raise self.error(f"date {text!r} does not match format {fmt!r}", pos)
            val = dict(zip(fmt, (int(p) for p in parts)))
            if "m" in val and not 1 <= val["m"] <= 12 or "d" in val and not 1 <= val["d"] <= 31:
                raise self.error(f"date {text!r} has no such month or day", pos)
            out = []
            if "m" in val:
                out.append(MONTH_NAMES[val["m"]])
            if "d" in val:
                out.append(ordinal(val["d"]))
            if "y" in val:
                out.append(year(val["y"]))
            return " ".join(out)
        # telephone
        if not re.search(r"\d", text):
            raise self.error(f"<say-as interpret-as='telephone'> needs digits, got {text!r}", pos)
        return " ".join(("plus" if t == "+" else digits(t)) for t in re.findall(r"\+|\d+", text))

    @staticmethod
    def phone_pauses(text: str, words: list[Word]) -> list[Word]:
        groups = [len(g) if g != "+" else 1 for g in re.findall(r"\+|\d+", text)]
        out = list(words)
        k = 0
        for g in groups[:-1]:
            k += g
            out[k - 1] = replace(out[k - 1], punct_after=",")
        return out

    # ---- main loop
    def parse(self) -> list[SsmlWord | Break]:
        s = self.ssml
        if len(s) > MAX_SSML_CHARS:
            raise self.error(
                f"the document is {len(s):,} characters long; the limit is {MAX_SSML_CHARS:,}", MAX_SSML_CHARS
            )
        i = 0
        m = re.match(r"\s*<\?xml[^>]*\?>", s)
        if m:
            i = m.end()
        stack: list[_Frame] = []
        seen_root = False
        text_start = i
        while i < len(s):
            j = s.find("<", i)
            if j < 0:
                break
            if s.startswith("<![CDATA[", j):  # part of the text around it (``decode`` reads it)
                k = s.find("]]>", j + 9)
                if k < 0:
                    raise self.error("CDATA section is not closed", j)
                i = k + 3
                continue
            instruction = s.startswith("<?", j)
            if instruction or (s.startswith("<!DOCTYPE", j) and not stack and not seen_root):
                # a processing instruction, or the document type (its internal subset too): nothing to read
                gt = s.find(">", j)
                close = "?>" if instruction else "]>" if "[" in s[j : gt if gt >= 0 else len(s)] else ">"
                k = s.find(close, j + 2)
                if k < 0:
                    raise self.error("processing instruction or DOCTYPE is not closed", j)
                self.flush(text_start, j, stack)
                i = text_start = k + len(close)
                continue
            if s.startswith("<!--", j):
                k = s.find("-->", j + 4)
                if k < 0:
                    raise self.error("comment is not closed", j)
                self.flush(text_start, j, stack)
                i = text_start = k + 3
                continue
            m = _TAG_RE.match(s, j)
            if not m:
                raise self.error('malformed tag (expected <name attr="value">)', j)
            self.flush(text_start, j, stack)
            closing, name, raw_attrs, self_closing = m.group(1), m.group(2), m.group(3), m.group(4)
            name = _SYNONYMS.get(name, name)
            if closing:
                if raw_attrs.strip() or self_closing:
                    raise self.error(f"malformed closing tag </{name}>", j)
                if not stack:
                    raise self.error(f"</{name}> has no matching start tag", j)
                top = stack.pop()
                if top.name != name:
                    raise self.error(f"</{name}> closes <{top.name}> (opened at offset {top.start})", j)
                if name in _TEXT_ONLY:
                    self.close_text_element(top, j)
                if name in ("p", "s") and not top.silent:
                    self.sentence_end()
            else:
                attrs = self.attrs(raw_attrs, j)
                if not (stack and stack[-1].silent):
                    self.check_language(attrs)
                if not stack:
                    if name != "speak" or seen_root:
                        raise self.error("the document must be one <speak> element", j)
                    seen_root = True
                    frame = _Frame("speak", attrs, j, m.end(), Prosody(), None)
                else:
                    if name == "speak":
                        raise self.error("<speak> inside <speak>", j)
                    if stack[-1].name in _TEXT_ONLY:
                        raise self.error(f"<{name}> inside <{stack[-1].name}> (it takes text only)", j)
                    frame = self.open(name, attrs, stack[-1], j, m.end())
                if name == "break" and not frame.silent:
                    self.add_break(attrs, j, m.end())
                if self_closing:
                    if name in _TEXT_ONLY or name == "speak":
                        if name == "sub" and "alias" in attrs:
                            self.emit_words(
                                [replace(w, start=j, end=m.end()) for w in normalize(attrs["alias"])], frame
                            )
                        elif name != "speak":
                            raise self.error(f"<{name}/> is empty", j)
                    if name in ("p", "s") and not frame.silent:
                        self.sentence_end()
                else:
                    if name in _EMPTY_ONLY:
                        raise self.error(f"<{name}> must be empty: write <{name} .../>", j)
                    if len(stack) >= MAX_SSML_DEPTH:
                        raise self.error(f"more than {MAX_SSML_DEPTH} elements are open at once", j)
                    stack.append(frame)
            i = text_start = m.end()
        self.flush(text_start, len(s), stack)
        if stack:
            raise self.error(f"<{stack[-1].name}> is not closed", stack[-1].start)
        if not seen_root:
            raise self.error("no <speak> element", 0)
        return self.items

    def flush(self, a: int, b: int, stack: list[_Frame]) -> None:
        if a >= b:
            return
        if stack and stack[-1].name in _TEXT_ONLY:
            return  # read when the element closes
        self.text(a, b, stack[-1] if stack else None)

    def add_break(self, attrs: dict, a: int, b: int) -> None:
        if "time" in attrs:
            v = attrs["time"].strip()
            m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", v)
            if not m:
                raise self.error(f"<break time={v!r}> is not a time (500ms, 1.5s)", a)
            ms = float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
            if ms > MAX_BREAK_SECONDS * 1000:
                raise self.error(f"<break time={v!r}> is longer than {MAX_BREAK_SECONDS:g} s", a)
        else:
            strength = attrs.get("strength", "medium")
            if strength not in BREAK_STRENGTH_MS:
                raise self.error(f"<break strength={strength!r}> is not one of {', '.join(BREAK_STRENGTH_MS)}", a)
            ms = BREAK_STRENGTH_MS[strength]
        self.pause_ms += ms
        self.silence_ms += ms
        if self.pause_ms > MAX_PAUSE_SECONDS * 1000:
            raise self.error(f"the breaks in a row here add up to more than {MAX_PAUSE_SECONDS:g} s", a)
        if self.silence_ms > MAX_SILENCE_SECONDS * 1000:
            raise self.error(f"the breaks of the document add up to more than {MAX_SILENCE_SECONDS:g} s", a)
        self.items.append(Break(int(round(ms)), a, b))

    def sentence_end(self) -> None:
        for k in range(len(self.items) - 1, -1, -1):
            it = self.items[k]
            if isinstance(it, SsmlWord):
                if it.word.punct_after not in ("?", "!", ".", "…"):
                    self.items[k] = replace(it, word=replace(it.word, punct_after="."))
                return
            if isinstance(it, Break):
                continue


def parse_ssml_document(ssml: str, *, keep_words: Collection[str] = (), date_order: str = "MDY") -> SsmlDocument:
    """SSML -> words and breaks, in order, with the warnings about what was ignored; raises
    ``SsmlError`` for malformed SSML.

    ``keep_words`` and ``date_order`` as for ``normalize`` (the user dictionary's words; how an
    ambiguous numeric date is read)."""
    parser = _Parser(ssml, keep_words, check_date_order(date_order))
    items = parser.parse()
    return SsmlDocument(tuple(items), parser.warnings())


def parse_ssml(ssml: str, *, keep_words: Collection[str] = (), date_order: str = "MDY") -> list[SsmlWord | Break]:
    """``parse_ssml_document(...).items`` as a list (the warnings dropped)."""
    return list(parse_ssml_document(ssml, keep_words=keep_words, date_order=date_order).items)


def phonemize_ssml(
    items: Sequence[SsmlWord | Break], lexicon: Lexicon, user_dict: UserDict | None = None, g2p: G2P | None = None
) -> list[tuple[SsmlWord, list[str]] | Break]:
    """Phones for the words of ``parse_ssml`` (forced ``<phoneme>`` phones win)."""
    words = [it.word for it in items if isinstance(it, SsmlWord)]
    phonemized: list[WordPhones] = phonemize(words, lexicon, user_dict, g2p)
    out: list[tuple[SsmlWord, list[str]] | Break] = []
    k = 0
    for it in items:
        if isinstance(it, Break):
            out.append(it)
            continue
        phones = list(it.phones) if it.phones is not None else phonemized[k].phones
        out.append((it, phones))
        k += 1
    return out


@dataclass(frozen=True, slots=True)
class SsmlChunk:
    """A piece of an SSML document to synthesize at once.

    start, end: its span in the SSML string (from its first to its last word, or the breaks
        of a chunk that has no words); pause_after_ms: silence to play after it (the sum of
        the ``<break/>`` elements that follow it); sentence_end: whether it ends a sentence;
        voice: the ``<voice>`` request of all its words (None: the caller's voice).
    """

    start: int
    end: int
    words: tuple[SsmlWord, ...]
    pause_after_ms: int = 0
    sentence_end: bool = True
    voice: VoiceRequest | None = None


def ssml_chunks(
    items: Sequence[SsmlWord | Break], *, max_words: int | None = 25, min_words: int = 6
) -> list[SsmlChunk]:
    """Cut parsed SSML into chunks: at sentence ends, at every ``<break/>``, where the
    ``<voice>`` changes, and long sentences at clause boundaries (as ``chunking.chunks`` does
    for plain text)."""
    from .chunking import _split_long  # noqa: PLC0415 - shared clause-cutting rule

    out: list[SsmlChunk] = []
    current: list[SsmlWord] = []

    def close(sentence_end: bool) -> None:
        if not current:
            return
        pieces = [current]
        if max_words is not None and len(current) > max_words:
            index = {id(w.word): k for k, w in enumerate(current)}
            pieces = [
                [current[index[id(w)]] for w in piece]
                for piece in _split_long([w.word for w in current], max_words, min_words)
            ]
        for k, piece in enumerate(pieces):
            last = k == len(pieces) - 1
            out.append(
                SsmlChunk(
                    min(w.word.start for w in piece),
                    max(w.word.end for w in piece),
                    tuple(piece),
                    0,
                    sentence_end if last else False,
                    piece[0].voice,
                )
            )
        current.clear()

    for it in items:
        if isinstance(it, Break):
            close(sentence_end=False)
            if out and not current:
                prev = out[-1]
                out[-1] = replace(
                    prev,
                    pause_after_ms=prev.pause_after_ms + it.time_ms,
                    end=max(prev.end, it.end) if not prev.words else prev.end,
                )
            if not out:  # a break before any word: a chunk of silence
                out.append(SsmlChunk(it.start, it.end, (), it.time_ms, False))
            continue
        if current and current[-1].voice != it.voice:
            close(sentence_end=False)
        current.append(it)
        if it.word.punct_after in (".", "?", "!"):
            close(sentence_end=True)
    close(sentence_end=True)
    return out
