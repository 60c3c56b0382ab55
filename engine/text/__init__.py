"""The English text front end: normalization, pronunciation and chunking.

Stages (each a public, separately testable step):

* ``normalize(text) -> list[Word]``: spoken words with spans into the original text
  (the ``normalize`` package); ``iter_normalize`` yields them lazily, for long texts;
* ``chunks(text) -> list[Chunk]``: sentences and clause pieces (``chunking.py``);
* ``phonemize(words, lexicon, user_dict) -> list[WordPhones]``: ARPAbet phones
  (``phonemize.py``, ``lexicon.py``, ``homographs.py``, ``g2p.py``, ``user_dict.py``);
* ``encode_phones(...)``/``TextFrontEnd.phone_ids``: model input ids (``phones.py``);
* ``parse_ssml(ssml)``: the SSML subset (``ssml.py``).

``TextFrontEnd`` (``frontend.py``) ties them together.
"""

from .chunking import Chunk, chunks, iter_chunks, split_sentences
from .frontend import FrontEndChunk, FrontEndSsmlChunk, PhoneSequence, TextFrontEnd, encode_phones
from .g2p import G2P, FallbackG2P
from .lexicon import Lexicon, LexiconError, encode_lexicon
from .normalize import Word, iter_normalize, normalize, normalize_to_text
from .phonemize import WordPhones, phonemize
from .ssml import Break, SsmlChunk, SsmlError, SsmlWord, parse_ssml, ssml_chunks
from .user_dict import UserDict, UserDictError, UserEntry

__all__ = [
    "Chunk",
    "chunks",
    "iter_chunks",
    "split_sentences",
    "FrontEndChunk",
    "FrontEndSsmlChunk",
    "PhoneSequence",
    "TextFrontEnd",
    "encode_phones",
    "G2P",
    "FallbackG2P",
    "Lexicon",
    "LexiconError",
    "encode_lexicon",
    "Word",
    "iter_normalize",
    "normalize",
    "normalize_to_text",
    "WordPhones",
    "phonemize",
    "Break",
    "SsmlChunk",
    "SsmlError",
    "SsmlWord",
    "parse_ssml",
    "ssml_chunks",
    "UserDict",
    "UserDictError",
    "UserEntry",
]
