"""The phone inventory: every symbol the acoustic model reads, in one explicit ordered list.

The id of a symbol is its index in ``SYMBOLS``. The list goes into the model's metadata
(``PHONE_INVENTORY_VERSION`` and ``SYMBOLS``), so it may only ever change together with a new
version number: append, never reorder.

Groups, in order:

* special tokens: ``<pad>`` (id 0), ``<bos>``, ``<eos>``, ``<unk>``;
* pauses: ``<wb>`` (word boundary, no pause), ``<sp>`` (short pause), ``<sil>`` (long silence);
* prosody punctuation: ``,`` ``.`` ``?`` ``!`` ``;`` ``:`` ``…`` ``—`` (the marks that
  change pauses and intonation; see ``PUNCT_TOKENS``);
* the 15 ARPAbet vowels, each with stress 0, 1 and 2 (``AA0 AA1 AA2 ... UW2``);
* the 24 ARPAbet consonants (``B CH D ... ZH``).
"""

from __future__ import annotations

PHONE_INVENTORY_VERSION = 1

PAD = "<pad>"
BOS = "<bos>"
EOS = "<eos>"
UNK = "<unk>"
WORD_BOUNDARY = "<wb>"
SHORT_PAUSE = "<sp>"
SILENCE = "<sil>"

SPECIAL_TOKENS: tuple[str, ...] = (PAD, BOS, EOS, UNK)
PAUSE_TOKENS: tuple[str, ...] = (WORD_BOUNDARY, SHORT_PAUSE, SILENCE)
# Punctuation that the acoustic model sees: pause length and final intonation.
PUNCT_TOKENS: tuple[str, ...] = (",", ".", "?", "!", ";", ":", "…", "—")

# fmt: off
VOWELS: tuple[str, ...] = (
    "AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
    "EY", "IH", "IY", "OW", "OY", "UH", "UW",
)
CONSONANTS: tuple[str, ...] = (
    "B", "CH", "D", "DH", "F", "G", "HH", "JH", "K", "L", "M", "N",
    "NG", "P", "R", "S", "SH", "T", "TH", "V", "W", "Y", "Z", "ZH",
)

# Written out in full on purpose: this exact order is the model's input vocabulary.
SYMBOLS: tuple[str, ...] = (
    # 0-3 special
    "<pad>", "<bos>", "<eos>", "<unk>",
    # 4-6 pauses
    "<wb>", "<sp>", "<sil>",
    # 7-14 prosody punctuation
    ",", ".", "?", "!", ";", ":", "…", "—",
    # 15-59 vowels with stress
    "AA0", "AA1", "AA2", "AE0", "AE1", "AE2", "AH0", "AH1", "AH2",
    "AO0", "AO1", "AO2", "AW0", "AW1", "AW2", "AY0", "AY1", "AY2",
    "EH0", "EH1", "EH2", "ER0", "ER1", "ER2", "EY0", "EY1", "EY2",
    "IH0", "IH1", "IH2", "IY0", "IY1", "IY2", "OW0", "OW1", "OW2",
    "OY0", "OY1", "OY2", "UH0", "UH1", "UH2", "UW0", "UW1", "UW2",
    # 60-83 consonants
    "B", "CH", "D", "DH", "F", "G", "HH", "JH", "K", "L", "M", "N",
    "NG", "P", "R", "S", "SH", "T", "TH", "V", "W", "Y", "Z", "ZH",
)
# fmt: on

# The ARPAbet phones proper (what a lexicon entry may contain).
ARPABET: tuple[str, ...] = tuple(s for s in SYMBOLS if s[0].isalpha())
ARPABET_SET: frozenset[str] = frozenset(ARPABET)

PHONE_TO_ID: dict[str, int] = {s: i for i, s in enumerate(SYMBOLS)}


def phone_to_id(phone: str) -> int:
    """The id of one symbol; raises KeyError naming the symbol if it is not in the inventory."""
    try:
        return PHONE_TO_ID[phone]
    except KeyError:
        raise KeyError(f"symbol {phone!r} is not in the phone inventory") from None


def id_to_phone(phone_id: int) -> str:
    """The symbol of one id; raises IndexError for an id outside the inventory."""
    if not 0 <= phone_id < len(SYMBOLS):
        raise IndexError(f"phone id {phone_id} is outside the inventory (0..{len(SYMBOLS) - 1})")
    return SYMBOLS[phone_id]


def is_vowel(phone: str) -> bool:
    """True for an ARPAbet vowel, with or without its stress digit."""
    return phone.rstrip("012") in VOWELS


def split_stress(phone: str) -> tuple[str, int | None]:
    """``"AH0"`` -> ``("AH", 0)``; a consonant -> ``("B", None)``."""
    if phone and phone[-1] in "012":
        return phone[:-1], int(phone[-1])
    return phone, None


def _check() -> None:
    assert len(SYMBOLS) == len(set(SYMBOLS)), "duplicate symbol in SYMBOLS"
    expected = {v + s for v in VOWELS for s in "012"} | set(CONSONANTS)
    assert ARPABET_SET == expected, "SYMBOLS does not hold exactly the ARPAbet phones"
    assert SYMBOLS[: len(SPECIAL_TOKENS)] == SPECIAL_TOKENS


_check()
