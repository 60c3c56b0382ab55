"""The text front end facade the synthesis API calls: text -> chunks -> words -> phones -> ids.

Each stage is a public method that can be called and tested on its own::

    fe = TextFrontEnd(Lexicon.from_bytes(blob), user_dict=UserDict.load())
    for chunk in fe.chunks(text):                 # sentences / clauses with spans
        phonemized = fe.phonemize(chunk.words)    # [(Word, [ARPAbet...]), ...]
        ids = fe.phone_ids(phonemized)            # model input ids (phones.SYMBOLS)

or all at once with ``fe.process(text)``, which yields ``FrontEndChunk`` objects.

The id sequence of one chunk is ``<bos>``, the phones of each word separated by ``<wb>`` (or by
the word's prosody punctuation token, which stands for the pause), the last word's punctuation,
``<eos>``. ``PhoneSequence.word_index`` says which word each symbol belongs to (-1 for
``<bos>``/``<eos>``/pauses), so word timestamps can be derived from phone durations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .chunking import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, Chunk, chunks, iter_chunks
from .g2p import G2P, FallbackG2P
from .lexicon import Lexicon
from .normalize import Word, check_date_order, normalize
from .phonemize import WordPhones, phonemize
from .phones import BOS, EOS, PHONE_TO_ID, PUNCT_TOKENS, UNK, WORD_BOUNDARY
from .user_dict import UserDict

if TYPE_CHECKING:
    from .ssml import Break, SsmlChunk, SsmlDocument, SsmlWord

__all__ = ["TextFrontEnd", "FrontEndChunk", "FrontEndSsmlChunk", "PhoneSequence", "encode_phones"]


@dataclass(frozen=True, slots=True)
class PhoneSequence:
    """Model input for one chunk: ids, their symbols, and the word each symbol belongs to."""

    ids: tuple[int, ...]
    symbols: tuple[str, ...]
    word_index: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FrontEndChunk:
    """One chunk through every stage."""

    chunk: Chunk
    phonemized: tuple[WordPhones, ...]
    phones: PhoneSequence


def encode_phones(
    phonemized: Sequence[WordPhones | tuple[Word, Sequence[str]]], *, bos_eos: bool = True
) -> PhoneSequence:
    """Phonemized words -> symbols and ids (see the module docstring for the layout).

    A phone that is not in the inventory becomes ``<unk>`` (never an error at synthesis time).
    """
    symbols: list[str] = []
    owner: list[int] = []
    if bos_eos:
        symbols.append(BOS)
        owner.append(-1)
    last = len(phonemized) - 1
    for k, (word, phones) in enumerate(phonemized):
        for p in phones:
            symbols.append(p if p in PHONE_TO_ID else UNK)
            owner.append(k)
        punct = word.punct_after if word.punct_after in PUNCT_TOKENS else ""
        if punct:
            symbols.append(punct)
            owner.append(-1)
        elif k < last:
            symbols.append(WORD_BOUNDARY)
            owner.append(-1)
    if bos_eos:
        symbols.append(EOS)
        owner.append(-1)
    return PhoneSequence(tuple(PHONE_TO_ID[s] for s in symbols), tuple(symbols), tuple(owner))


@dataclass(frozen=True, slots=True)
class FrontEndSsmlChunk:
    """One SSML chunk through every stage; ``chunk.words[k]`` holds the prosody, emphasis and
    forced phones of ``phonemized[k]``; ``chunk.pause_after_ms`` the silence after it."""

    chunk: SsmlChunk
    phonemized: tuple[WordPhones, ...]
    phones: PhoneSequence


class TextFrontEnd:
    """The English front end, configured once (lexicon, user dictionary, OOV G2P).

    ``date_order``: how an all-numeric date that could be read either way is read, ``"MDY"``
    (03/04/2021 is March 4th; en-US, the default) or ``"DMY"`` (the 3rd of April).
    """

    def __init__(
        self,
        lexicon: Lexicon,
        user_dict: UserDict | None = None,
        g2p: G2P | None = None,
        *,
        max_words: int = DEFAULT_MAX_WORDS,
        min_words: int = DEFAULT_MIN_WORDS,
        date_order: str = "MDY",
    ):
        self.lexicon = lexicon
        self.user_dict = user_dict
        self.g2p: G2P = g2p if g2p is not None else FallbackG2P(lexicon)
        self.max_words = max_words
        self.min_words = min_words
        self.date_order = check_date_order(date_order)

    def parse_ssml(self, ssml: str) -> list[SsmlWord | Break]:
        """SSML -> words and breaks (``ssml.parse_ssml`` with this front end's settings)."""
        return list(self.parse_ssml_document(ssml).items)

    def parse_ssml_document(self, ssml: str) -> SsmlDocument:
        """SSML -> words, breaks and the warnings about what was ignored
        (``ssml.parse_ssml_document`` with this front end's settings)."""
        from .ssml import parse_ssml_document  # noqa: PLC0415

        return parse_ssml_document(ssml, keep_words=self._keep_words(), date_order=self.date_order)

    def _keep_words(self) -> frozenset[str]:
        return self.user_dict.words() if self.user_dict is not None else frozenset()

    def normalize(self, text: str) -> list[Word]:
        """Raw text -> spoken words with spans (user-dictionary words pass through whole)."""
        return normalize(text, keep_words=self._keep_words(), date_order=self.date_order)

    def chunks(self, text: str) -> list[Chunk]:
        """Raw text -> sentences/clauses, each with its span and words."""
        return chunks(
            text,
            max_words=self.max_words,
            min_words=self.min_words,
            keep_words=self._keep_words(),
            date_order=self.date_order,
        )

    def phonemize(self, words: Sequence[Word]) -> list[WordPhones]:
        """Words -> (word, ARPAbet phones) pairs (user dictionary first)."""
        return phonemize(words, self.lexicon, self.user_dict, self.g2p)

    def phone_sequence(self, phonemized: Sequence[WordPhones]) -> PhoneSequence:
        return encode_phones(phonemized)

    def phone_ids(self, phonemized: Sequence[WordPhones]) -> list[int]:
        """Phonemized words -> model input ids (``phones.SYMBOLS`` indexes)."""
        return list(encode_phones(phonemized).ids)

    def ssml(self, ssml: str) -> list:
        """SSML -> words with phones (``(SsmlWord, phones)``) and ``Break`` pauses, in order.

        Raises ``ssml.SsmlError`` for malformed SSML.
        """
        from .ssml import phonemize_ssml  # noqa: PLC0415

        return phonemize_ssml(self.parse_ssml(ssml), self.lexicon, self.user_dict, self.g2p)

    def process_ssml(self, ssml: str) -> Iterator[FrontEndSsmlChunk]:
        """SSML through every stage, one chunk at a time; raises ``ssml.SsmlError`` for
        malformed SSML (before anything is yielded). Homograph context spans the whole
        document; ``<phoneme>`` phones replace the looked-up ones; ``chunk.voice`` is the
        ``<voice>`` request of the chunk's words (``parse_ssml_document`` has the warnings)."""
        from .ssml import phonemize_ssml, ssml_chunks  # noqa: PLC0415

        items = self.parse_ssml(ssml)
        # phonemized once for the whole document; keyed by the SsmlWord objects themselves
        phones_of = {
            id(x[0]): x[1]
            for x in phonemize_ssml(items, self.lexicon, self.user_dict, self.g2p)
            if isinstance(x, tuple)
        }
        for chunk in ssml_chunks(items, max_words=self.max_words, min_words=self.min_words):
            ph = tuple(WordPhones(w.word, phones_of[id(w)]) for w in chunk.words)
            yield FrontEndSsmlChunk(chunk, ph, encode_phones(ph))

    def process(self, text: str) -> Iterator[FrontEndChunk]:
        """Every stage, one chunk at a time. Lazy: the text is normalized and chunked as the
        chunks are taken, so the first chunk of a long text, even of one huge paragraph, is
        ready at once; the chunks are those of ``chunks(text)``."""
        for chunk in iter_chunks(
            text,
            max_words=self.max_words,
            min_words=self.min_words,
            keep_words=self._keep_words(),
            date_order=self.date_order,
        ):
            ph = self.phonemize(chunk.words)
            yield FrontEndChunk(chunk, tuple(ph), encode_phones(ph))
