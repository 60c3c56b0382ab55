"""Homographs: words spelled alike but pronounced differently, chosen by simple context rules.

Each rule looks only at the neighbouring words of the same sentence (lowercase spoken words).
The cues are part-of-speech hints:

* after ``to``, a modal (will, can, would...) or a subject pronoun (I, we, they...) a homograph
  is read as a **verb**;
* after a determiner or possessive (a, the, this, my...) or an adjective cue it is read as a
  **noun/adjective**;
* a few words have their own cues (``read`` after have/had/was is past tense; ``live`` before
  music/show/broadcast is the adjective; ``lead`` before poisoning/pipe is the metal...).

``resolve(words, i)`` returns the phones for ``words[i]`` or None when the word is not a
homograph (then the lexicon's first pronunciation is used). The rule table below is the
documentation: each entry says its default reading and the cues that switch it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["resolve", "HOMOGRAPHS"]

TO_MODALS = {"to", "will", "would", "can", "could", "shall", "should", "may", "might", "must",
             "'ll", "don't", "doesn't", "didn't", "won't", "can't", "cannot", "wouldn't",
             "couldn't", "shouldn't", "please", "let's", "do", "does", "did", "not", "never"}
SUBJECTS = {"i", "we", "you", "they", "he", "she", "it", "who", "people", "i'll", "we'll",
            "you'll", "they'll", "i'd", "we'd", "they'd"}
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her",
               "its", "our", "their", "no", "any", "some", "every", "each", "one's", "whose"}
PREPOSITIONS = {"of", "in", "on", "for", "with", "by", "from", "at", "into", "about"}
PAST_TIME = {"yesterday", "ago", "last", "already", "earlier", "previously", "once"}
HAVE_BE = {"have", "has", "had", "having", "'ve", "was", "were", "been", "being", "is", "are",
           "i've", "we've", "you've", "they've", "he's", "she's", "it's", "haven't", "hasn't",
           "hadn't", "just", "already", "recently", "widely", "well"}


def _p(s: str) -> tuple[str, ...]:
    return tuple(s.split())


class _Ctx:
    def __init__(self, words: Sequence[str], i: int):
        self.words = words
        self.i = i
        self.prev = words[i - 1] if i > 0 else ""
        self.prev2 = words[i - 2] if i > 1 else ""
        self.next = words[i + 1] if i + 1 < len(words) else ""
        self.next2 = words[i + 2] if i + 2 < len(words) else ""

    def any_in_sentence(self, cues: set[str]) -> bool:
        return any(w in cues for w in self.words)


Rule = Callable[[_Ctx], bool]


def _verb_cue(c: _Ctx) -> bool:
    return c.prev in TO_MODALS or c.prev in SUBJECTS


def _noun_cue(c: _Ctx) -> bool:
    return c.prev in DETERMINERS or c.prev in PREPOSITIONS


def _read(c: _Ctx) -> bool:          # True -> past tense "red"
    # "he read" / "she read": the present would be "reads", so it is the past
    return c.prev in HAVE_BE or c.prev2 in HAVE_BE and c.prev in ("been", "not", "never") \
        or c.prev in ("he", "she", "it", "everyone", "nobody", "somebody") \
        or (c.prev in SUBJECTS and c.any_in_sentence(PAST_TIME))


_LIVE_ADJ_NEXT = {"music", "show", "shows", "broadcast", "broadcasts", "stream", "streaming",
                  "performance", "performances", "audience", "recording", "album", "concert",
                  "event", "events", "wire", "wires", "ammunition", "tv", "television",
                  "coverage", "feed", "action", "animals", "bait", "band", "theater", "theatre",
                  "version", "demo", "updates", "video", "chat", "session", "sessions", "birth"}


def _live(c: _Ctx) -> bool:          # True -> adjective "laiv"
    if c.next in _LIVE_ADJ_NEXT:
        return True
    if c.prev in ("go", "goes", "went", "going", "gone", "is", "are", "was", "were", "be",
                  "broadcast", "performed", "streamed", "now", "a", "an"):
        return c.next not in ("in", "with", "on", "at", "there", "here", "for", "to")
    return False


_LEAD_METAL_NEXT = {"poisoning", "pipe", "pipes", "paint", "pencil", "pencils", "weight",
                    "weights", "shot", "acid", "levels", "level", "exposure", "content",
                    "crystal", "balloon", "mine", "mines", "oxide", "sulfide", "roof", "glass"}


def _lead(c: _Ctx) -> bool:          # True -> metal "led"
    return (c.next in _LEAD_METAL_NEXT
            or (c.prev in ("of", "with", "heavy", "red", "white", "molten", "unleaded")
                and c.next not in ("to", "the", "a", "us", "them", "you", "him", "her")))


def _record(c: _Ctx) -> bool:        # True -> verb "re-CORD"
    return c.prev in TO_MODALS or c.prev in SUBJECTS or c.prev in ("and", "or") and \
        c.next in DETERMINERS


def _present(c: _Ctx) -> bool:       # True -> verb "pre-SENT"
    return (c.prev in TO_MODALS or c.prev in SUBJECTS or c.prev in ("proud", "pleased")) and \
        c.next not in ("day", "time", "moment", "situation", "tense", "company")


def _object(c: _Ctx) -> bool:        # True -> verb "ob-JECT"
    return (c.prev in TO_MODALS or c.prev in SUBJECTS or c.prev in ("strongly", "might")) \
        and c.next not in ("of", "is", "was")


_WIND_VERB_NEXT = {"up", "down", "around", "round", "the", "it", "your", "its", "back", "through",
                   "along", "between"}


def _wind(c: _Ctx) -> bool:          # True -> verb "waind"
    if c.prev in DETERMINERS or c.prev in ("cold", "strong", "north", "south", "east", "west",
                                            "solar", "of", "gust", "gusts", "warm", "high"):
        return False
    return c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _WIND_VERB_NEXT


_TEAR_VERB_NEXT = {"up", "down", "apart", "off", "open", "out", "into", "through", "away", "at",
                   "it", "them", "the", "my", "your", "his", "her", "a"}


def _tear(c: _Ctx) -> bool:          # True -> verb/rip "tair"
    if c.prev in ("wear", "and") and c.prev2 in ("wear", "normal") or c.prev == "wear":
        return True
    if c.prev in ("a", "single", "in", "to") and c.next in ("drop", "drops", "in", "gas", "of"):
        return False
    return c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _TEAR_VERB_NEXT


_CLOSE_ADJ_NEXT = {"to", "by", "friend", "friends", "relative", "relatives", "call", "calls",
                   "attention", "enough", "together", "behind", "contact", "range", "up",
                   "second", "race", "family", "ties", "look", "quarters", "encounter",
                   "proximity", "enough", "at", "of"}
_CLOSE_VERB_NEXT = {"the", "your", "my", "his", "her", "their", "our", "this", "that", "it",
                    "them", "down", "out", "off", "all", "a", "an", "in", "at", "early"}


def _close(c: _Ctx) -> bool:         # True -> adjective "klohs"
    if c.next in _CLOSE_ADJ_NEXT and c.next not in ("at",):
        return c.prev not in TO_MODALS or c.next in ("to", "by", "together", "enough")
    if c.prev in ("very", "so", "too", "quite", "pretty", "really", "get", "got", "come", "came",
                  "stay", "stayed", "stand", "sit", "a", "up", "as", "how", "more", "most",
                  "extremely", "fairly", "is", "are", "was", "were", "be", "been", "seems",
                  "seemed", "looks", "looked", "getting"):
        return True
    if c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _CLOSE_VERB_NEXT:
        return False
    return c.prev in DETERMINERS and c.next not in ("of",)


def _use(c: _Ctx) -> bool:           # True -> noun "yoos"
    return c.prev in DETERMINERS or c.prev in ("of", "in", "for", "into", "much", "make", "made",
                                                 "makes", "making", "fair", "drug", "daily",
                                                 "common", "personal", "commercial", "widespread",
                                                 "out")


def _used(c: _Ctx) -> bool:          # True -> "yoost" (used to = was accustomed)
    return c.next == "to" and c.next2 not in DETERMINERS and c.prev not in ("be", "been", "being",
                                                                               "was", "were", "is",
                                                                               "are")


_MINUTE_TINY_NEXT = {"amount", "amounts", "detail", "details", "particle", "particles",
                     "quantity", "quantities", "traces", "trace", "changes", "change",
                     "difference", "differences", "fraction", "fractions", "organisms",
                     "crystals", "variations", "fragments", "bits"}


def _minute(c: _Ctx) -> bool:        # True -> "my-NOOT" (tiny)
    return c.next in _MINUTE_TINY_NEXT or c.prev in ("so", "very", "too", "most", "quite",
                                                      "extremely")


def _wound(c: _Ctx) -> bool:         # True -> "wownd" (past of wind)
    return c.next in ("up", "down", "around", "round", "tight", "tightly", "through", "back",
                      "its", "his", "her", "the") or c.prev in ("had", "have", "has")


_BASS_FISH = {"fishing", "boat", "fish", "lake", "pond", "caught", "catch", "striped",
              "largemouth", "smallmouth", "sea", "fillet", "fillets", "tournament", "angler",
              "anglers", "spawning"}


def _bass(c: _Ctx) -> bool:          # True -> fish "bass" (AE)
    return c.prev in _BASS_FISH or c.next in _BASS_FISH or c.prev2 in ("caught", "catch", "fish")


def _bow(c: _Ctx) -> bool:           # True -> "boh" (weapon, ribbon)
    if c.prev2 in ("took", "take", "takes", "taking", "took", "make", "made") and \
            c.prev in ("a", "his", "her", "their", "my", "your", "our", "the"):
        return False
    if c.prev in ("took", "take", "takes", "taking", "deep", "final", "low", "must", "to", "will",
                  "i", "we", "they", "and") and c.next not in ("and", "tie", "ties", "string"):
        return False
    if c.next in ("and", "tie", "ties", "string", "strings", "hunting", "hunter", "hunters",
                  "legged", "saw", "drill", "window"):
        return True
    if c.next in ("down", "to", "before", "out", "of"):
        return False
    return c.prev in DETERMINERS or c.prev in ("violin", "cello", "pink", "red", "ribbon", "silk",
                                               "compound", "long", "cross", "rain", "with")


def _row(c: _Ctx) -> bool:           # True -> quarrel "rau"
    if c.prev == "in" or c.prev2 == "in" or c.next in ("of", "boat", "boats", "house", "houses"):
        return False
    return c.prev in ("blazing", "furious", "heated", "political", "diplomatic", "public",
                      "bitter", "big", "huge", "family", "almighty", "major", "flaming") or \
        c.next in ("over", "erupted", "broke", "with", "between")


# word -> (rule, phones when the rule is True, phones when it is False)
HOMOGRAPHS: dict[str, tuple[Rule, tuple[str, ...], tuple[str, ...]]] = {
    "read": (_read, _p("R EH1 D"), _p("R IY1 D")),
    "live": (_live, _p("L AY1 V"), _p("L IH1 V")),
    "lead": (_lead, _p("L EH1 D"), _p("L IY1 D")),
    "record": (_record, _p("R IH0 K AO1 R D"), _p("R EH1 K ER0 D")),
    "records": (_record, _p("R IH0 K AO1 R D Z"), _p("R EH1 K ER0 D Z")),
    "present": (_present, _p("P R IY0 Z EH1 N T"), _p("P R EH1 Z AH0 N T")),
    "presents": (_present, _p("P R IY0 Z EH1 N T S"), _p("P R EH1 Z AH0 N T S")),
    "object": (_object, _p("AH0 B JH EH1 K T"), _p("AA1 B JH EH0 K T")),
    "objects": (_object, _p("AH0 B JH EH1 K T S"), _p("AA1 B JH EH0 K T S")),
    "wind": (_wind, _p("W AY1 N D"), _p("W IH1 N D")),
    "tear": (_tear, _p("T EH1 R"), _p("T IH1 R")),
    "tears": (_tear, _p("T EH1 R Z"), _p("T IH1 R Z")),
    "close": (_close, _p("K L OW1 S"), _p("K L OW1 Z")),
    "use": (_use, _p("Y UW1 S"), _p("Y UW1 Z")),
    "used": (_used, _p("Y UW1 S T"), _p("Y UW1 Z D")),
    "minute": (_minute, _p("M AY0 N UW1 T"), _p("M IH1 N AH0 T")),
    "wound": (_wound, _p("W AW1 N D"), _p("W UW1 N D")),
    "bass": (_bass, _p("B AE1 S"), _p("B EY1 S")),
    "bow": (_bow, _p("B OW1"), _p("B AW1")),
    "row": (_row, _p("R AW1"), _p("R OW1")),
}


def resolve(words: Sequence[str], i: int) -> tuple[str, ...] | None:
    """Phones for ``words[i]`` chosen by its context, or None when it is not a homograph.

    ``words`` are the lowercase spoken words of one sentence.
    """
    entry = HOMOGRAPHS.get(words[i])
    if entry is None:
        return None
    rule, if_true, if_false = entry
    return if_true if rule(_Ctx(words, i)) else if_false
