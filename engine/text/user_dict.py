"""The user's pronunciation dictionary: fix how a word is read.

An entry maps a word (case-insensitive) to either

* ARPAbet phones with stress digits (``"T AH0 M EY1 T OW2"``), or
* a respelling, plain words that are phonemized through the lexicon (``"toe may toe"``).

The dictionary is a JSON file in the user data directory (``platformdirs``), or at a path given
by the caller (tests)::

    {"format": "bittts-user-dict", "version": 1,
     "entries": {"tomato": {"arpabet": "T AH0 M EY1 T OW2"},
                 "nguyen": {"respell": "win"}}}

Loading never raises for a bad file and never throws it away: ``UserDict.load`` returns an
object whose ``problems`` list names the file and the fault (bad JSON with line and column,
wrong structure, nesting too deep, a number of thousands of digits, a bad entry). A corrupt
file is left as it is; the first ``save()`` after that first moves it aside to the first free
name of ``<name>.corrupt``, ``<name>.corrupt.1``, ... (never overwriting an earlier one) and
says so in ``problems``. Bad entries and keys this version does not know, inside a good file,
are kept, untouched, in the file when it is saved again.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..files import keep_aside, write_atomically
from .phones import ARPABET_SET, VOWELS

__all__ = ["UserDict", "UserEntry", "UserDictError", "default_user_dict_path", "parse_arpabet"]

log = logging.getLogger(__name__)

FORMAT_NAME = "bittts-user-dict"
FORMAT_VERSION = 1
FILE_NAME = "pronunciations.json"


class UserDictError(ValueError):
    """A bad entry given to ``add`` (the message says what is wrong)."""


@dataclass(frozen=True, slots=True)
class UserEntry:
    """One user entry: exactly one of ``phones`` (ARPAbet) or ``respelling`` is set."""

    word: str
    phones: tuple[str, ...] | None = None
    respelling: str | None = None

    def to_json(self) -> dict:
        if self.phones is not None:
            return {"arpabet": " ".join(self.phones)}
        return {"respell": self.respelling}


def default_user_dict_path() -> Path:
    """``<user data dir>/BitTTS/pronunciations.json`` (platformdirs)."""
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("BitTTS", appauthor=False)) / FILE_NAME


def _key(word: str) -> str:
    return word.strip().lower().replace("\u2019", "'")


def parse_arpabet(text: str) -> tuple[str, ...]:
    """``"t ah0 m ey1 t ow2"`` -> ARPAbet phones; raises ``UserDictError`` naming a bad phone.

    A vowel written without a stress digit gets primary stress if it is the first such vowel
    and no vowel has primary stress yet, else no stress (0).
    """
    phones = [p.upper() for p in text.replace(",", " ").split()]
    if not phones:
        raise UserDictError("the pronunciation is empty")
    has_primary = any(p.endswith("1") for p in phones)
    out = []
    for p in phones:
        if p in VOWELS:
            p = p + ("0" if has_primary else "1")
            has_primary = True
        if p not in ARPABET_SET:
            raise UserDictError(f"{p!r} is not an ARPAbet phone (examples: AH0, EY1, T, SH)")
        out.append(p)
    return tuple(out)


class UserDict:
    """The user pronunciation dictionary, backed by a JSON file."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_user_dict_path()
        self._entries: dict[str, UserEntry] = {}
        self._words: frozenset[str] | None = None  # cache of the entry words
        self._invalid: dict[str, object] = {}  # bad entries, kept for the file
        self._unknown: dict[str, object] = {}  # top-level keys this version does not know, kept
        self._corrupt = False  # the file could not be read as a whole
        self.problems: list[str] = []

    # ---- loading and saving
    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> UserDict:
        """Read the file (a missing file is an empty dictionary). Never raises for bad content."""
        ud = cls(path)
        try:
            raw = ud.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ud
        except (OSError, UnicodeDecodeError) as e:
            ud._fail(f"cannot read the user dictionary {ud.path}: {e}")
            return ud
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as e:
            ud._fail(
                f"the user dictionary {ud.path} is not valid JSON (line {e.lineno}, "
                f"column {e.colno}: {e.msg}); it was left unchanged and is not used"
            )
            return ud
        except ValueError as e:  # a number of more digits than Python converts
            ud._fail(f"the user dictionary {ud.path} cannot be read ({e}); it was left unchanged and is not used")
            return ud
        except RecursionError:
            ud._fail(
                f"the user dictionary {ud.path} is nested too deeply to read; it was left unchanged and is not used"
            )
            return ud
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            ud._fail(f"the user dictionary {ud.path} has no 'entries' object; it was left unchanged and is not used")
            return ud
        if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            ud._fail(
                f"the user dictionary {ud.path} has version {data.get('version')!r}; "
                f"this program reads version {FORMAT_VERSION}; it was left unchanged"
            )
            return ud
        ud._unknown = {k: v for k, v in data.items() if k not in ("format", "version", "entries")}
        for word, value in data["entries"].items():
            try:
                entry = _entry_from_json(word, value)
            except UserDictError as e:
                ud._invalid[word] = value
                ud.problems.append(f"user dictionary {ud.path}: entry {word!r} skipped: {e}")
                log.warning(ud.problems[-1])
                continue
            ud._entries[entry.word] = entry
        return ud

    def _fail(self, message: str) -> None:
        self._corrupt = True
        self.problems.append(message)
        log.warning(message)

    def save(self) -> None:
        """Write the file atomically (a corrupt original is first moved aside, never lost)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._corrupt and self.path.exists():
            aside = keep_aside(self.path)
            self.problems.append(f"the unreadable user dictionary was kept as {aside}")
            log.warning(self.problems[-1])
            self._corrupt = False
        entries: dict[str, object] = {w: e.to_json() for w, e in sorted(self._entries.items())}
        for w, v in self._invalid.items():
            entries.setdefault(w, v)
        data = {**self._unknown, "format": FORMAT_NAME, "version": FORMAT_VERSION, "entries": entries}
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    # ---- editing
    def add(self, word: str, *, arpabet: str | None = None, respell: str | None = None) -> UserEntry:
        """Add or replace an entry (give exactly one of ``arpabet`` or ``respell``).

        Raises ``UserDictError`` for a bad word or pronunciation. Call ``save()`` to keep it.
        """
        key = _key(word)
        if not key or any(c.isspace() for c in key):
            raise UserDictError(f"{word!r} is not a single word")
        if (arpabet is None) == (respell is None):
            raise UserDictError("give exactly one of arpabet= or respell=")
        if arpabet is not None:
            entry = UserEntry(key, phones=parse_arpabet(arpabet))
        else:
            assert respell is not None  # exactly one of the two, checked above
            text = " ".join(respell.split())
            if not text:
                raise UserDictError("the respelling is empty")
            entry = UserEntry(key, respelling=text)
        self._entries[key] = entry
        self._invalid.pop(key, None)
        self._words = None
        return entry

    def remove(self, word: str) -> bool:
        """Remove an entry; True if there was one."""
        key = _key(word)
        found = self._entries.pop(key, None) is not None
        self._words = None
        found = self._invalid.pop(key, None) is not None or found
        return found

    def words(self) -> frozenset[str]:
        """The words that have an entry (lowercase)."""
        if self._words is None:
            self._words = frozenset(self._entries)
        return self._words

    def get(self, word: str) -> UserEntry | None:
        return self._entries.get(_key(word))

    def entries(self) -> list[UserEntry]:
        """All valid entries, sorted by word."""
        return [self._entries[w] for w in sorted(self._entries)]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and _key(word) in self._entries

    def __len__(self) -> int:
        return len(self._entries)


def _entry_from_json(word: object, value: object) -> UserEntry:
    if not isinstance(word, str) or not _key(word) or any(c.isspace() for c in _key(word)):
        raise UserDictError("the word must be a single word")
    if not isinstance(value, dict):
        raise UserDictError("the value must be an object with 'arpabet' or 'respell'")
    if "arpabet" in value and isinstance(value["arpabet"], str):
        return UserEntry(_key(word), phones=parse_arpabet(value["arpabet"]))
    if "respell" in value and isinstance(value["respell"], str) and value["respell"].strip():
        return UserEntry(_key(word), respelling=" ".join(value["respell"].split()))
    raise UserDictError("the value needs a string 'arpabet' or 'respell'")
