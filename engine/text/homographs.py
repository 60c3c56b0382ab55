"""Homographs: words spelled alike but pronounced differently, chosen by simple context rules.

Each rule looks only at the words of the same sentence (lowercase spoken words), mostly the
two before and after. The cues are part-of-speech hints:

* a **verb** reading after ``to``, a modal (will, can...), a negation, a subject pronoun (I,
  we, they...), in a question after do-support ("did you read", "did anyone object"), at the
  start of a sentence before an object ("Record the results", "Present them"), and after a
  plural noun before an object ("Cameras record everything", "Students present their work");
* a **noun/adjective** reading after a determiner or possessive (a, the, this, my...), a
  preposition, or an adjective of its own (``use``: "good use", "internal use");
* word-specific cues: ``read`` is past after have/had/was, after he/she/it, with a past-time
  word (yesterday, ago, last...) unless do-support or a modal asks for the base form, and
  when coordinated with a past verb ("read the letter and laughed"); ``live`` is the adjective
  after be/go or before broadcast/music/wire...; ``lead`` is the metal before poisoning/paint/
  free, after "of" or "exposure to"; ``close`` is the adjective before to/by/friend/call and
  after be/very/stay, and the noun "klohz" in "the close of"; ``used to`` is "yoost" (be used
  to + a noun or -ing form, or "I used to"), but "was used to cut" is "yoozd"; ``minute`` is
  "my-NOOT" before amount/detail or at the end after be, never after last/every/one; ``bass``
  is the fish near fishing/lake/caught unless a music word is in the sentence; ``bow`` is
  "bau" near ship words; ``row`` is a quarrel after blazing/heated, in "had a row", or before
  over/about/with.

``resolve(words, i)`` returns the phones for ``words[i]`` or None when the word is not a
homograph (then the lexicon's first pronunciation is used). The rule table below is the
documentation: each entry says its default reading and the cues that switch it.
tests/text/test_homographs.py holds a hand-written evaluation set of everyday sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["resolve", "HOMOGRAPHS"]

MODALS = {"will", "would", "can", "could", "shall", "should", "may", "might", "must", "'ll",
          "won't", "can't", "cannot", "wouldn't", "couldn't", "shouldn't", "i'll", "we'll",
          "you'll", "they'll", "he'll", "she'll", "it'll"}
DO_SUPPORT = {"do", "does", "did", "don't", "doesn't", "didn't"}
TO_MODALS = MODALS | DO_SUPPORT | {"to", "please", "let's", "not", "never"}
SUBJECTS = {"i", "we", "you", "they", "he", "she", "it", "who", "people", "i'll", "we'll",
            "you'll", "they'll", "i'd", "we'd", "they'd"}
# Subjects that take a verb's -s form, so they cue the base form only after do-support/modals.
INDEFINITE_SUBJECTS = {"anyone", "anybody", "everyone", "everybody", "someone", "somebody",
                       "nobody", "none", "one"}
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her",
               "its", "our", "their", "no", "any", "some", "every", "each", "one's", "whose"}
# What a transitive verb is often followed by: "record the", "present them", "close it".
OBJECTS = DETERMINERS | {"it", "them", "him", "us", "me", "you", "everything", "anything",
                         "something", "nothing", "all", "both"}
PREPOSITIONS = {"of", "in", "on", "for", "with", "by", "from", "at", "into", "about"}
BE = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "'m", "i'm",
      "you're", "we're", "they're", "he's", "she's", "it's", "that's", "isn't", "aren't",
      "wasn't", "weren't"}
PAST_TIME = {"yesterday", "ago", "last", "already", "earlier", "previously", "once"}
# "read ... and laughed", "read while we cooked": a past verb in the next clause
_CLAUSE_LINKS = {"and", "then", "while", "when", "as", "after", "before", "until"}
HAVE_BE = {"have", "has", "had", "having", "'ve", "was", "were", "been", "being", "is", "are",
           "i've", "we've", "you've", "they've", "he's", "she's", "it's", "haven't", "hasn't",
           "hadn't", "just", "already", "recently", "widely", "well"}
# -s words that are not plural nouns ("this record", "is present")
_NOT_PLURAL = {"this", "his", "its", "is", "was", "has", "does", "us", "as", "yes", "thus",
               "always", "perhaps", "sometimes", "hers", "ours", "yours", "theirs", "whereas",
               "less", "unless", "across", "plus", "news", "series", "species", "lens", "bus",
               "towards", "afterwards", "besides", "nevertheless"}


def _p(s: str) -> tuple[str, ...]:
    return tuple(s.split())


def _past_verb(w: str) -> bool:
    """A regular past tense ("laughed", "cooked"), not "need", "bed" or "hundred"."""
    return len(w) > 3 and w.endswith("ed") and not w.endswith("eed") \
        and w not in ("hundred", "indeed", "sacred", "wicked", "naked", "kindred")


_PLURAL_NOUNS = {"people", "police", "data", "media", "staff", "children", "men", "women",
                 "teachers", "doctors"}


def _plural_noun(w: str) -> bool:
    """A word that looks like a plural noun ("cameras", "students"), so a subject."""
    return w in _PLURAL_NOUNS or (len(w) > 3 and w.isalpha() and w.endswith("s")
                                  and not w.endswith(("ss", "us", "is")) and w not in _NOT_PLURAL)


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


def _verb_position(c: _Ctx) -> bool:
    """Cues shared by the noun/verb pairs (record, present, object): a verb reading here."""
    if c.prev in ("not", "never") and c.prev2 in BE:
        return False                    # "he was not present"
    if c.prev in TO_MODALS or c.prev in SUBJECTS:
        return True                     # "to record", "they present"
    if c.prev in INDEFINITE_SUBJECTS and (c.prev2 in MODALS or c.prev2 in DO_SUPPORT):
        return True                     # "did anyone object"
    if c.i == 0 and c.next in OBJECTS:
        return True                     # "Record the results.", "Present them ..."
    return _plural_noun(c.prev) and c.next in OBJECTS   # "cameras record everything"


def _read(c: _Ctx) -> bool:          # True -> past tense "red"
    if c.prev in ("not", "never") and c.prev2 in HAVE_BE or c.prev in ("be", "get", "got"):
        return True                     # "had not read", "must be read"
    if c.prev in TO_MODALS or (c.prev in SUBJECTS | INDEFINITE_SUBJECTS
                               and (c.prev2 in MODALS or c.prev2 in DO_SUPPORT)):
        return False                    # "to read", "will read", "did you read (yesterday)"
    if c.prev in HAVE_BE or c.prev2 in HAVE_BE and c.prev in ("been",) \
            or c.prev2 in ("have", "has", "had") and c.prev in SUBJECTS | INDEFINITE_SUBJECTS:
        return True                     # "has read", "was read", "have you read"
    # "he read" / "she read": the present would be "reads", so it is the past
    if c.prev in ("he", "she", "it", "everyone", "nobody", "somebody", "someone"):
        return True
    if c.prev in SUBJECTS or _plural_noun(c.prev):
        if c.any_in_sentence(PAST_TIME) or c.next == "somewhere":
            return True                 # "I read it yesterday", "I read somewhere that"
        # with a past verb in a clause after it: "they read the letter and laughed", "the
        # kids read while we cooked"
        later = c.words[c.i + 1:]
        return any(a in _CLAUSE_LINKS and (_past_verb(b) or b in SUBJECTS and k + 2 < len(later)
                                           and _past_verb(later[k + 2]))
                   for k, (a, b) in enumerate(zip(later, later[1:])))
    return False


_LIVE_ADJ_NEXT = {"music", "show", "shows", "broadcast", "broadcasts", "stream", "streaming",
                  "streamed", "performance", "performances", "audience", "recording", "album",
                  "concert", "event", "events", "wire", "wires", "ammunition", "rounds", "tv",
                  "television", "coverage", "feed", "action", "animals", "bait", "band",
                  "theater", "theatre", "version", "demo", "updates", "video", "chat",
                  "session", "sessions", "birth", "blog", "radio", "footage", "webcast"}
_GO = {"go", "goes", "went", "going", "gone"}


def _live(c: _Ctx) -> bool:          # True -> adjective "laiv"
    if c.next in _LIVE_ADJ_NEXT or c.prev in BE or c.prev in _GO:
        return True                     # "live music", "is live", "goes live"
    if c.prev in ("now", "currently", "still", "not") and c.prev2 in BE:
        return True                     # "we are now live"
    return c.prev in ("broadcast", "performed", "streamed", "played", "aired", "shown", "a", "an")


_LEAD_METAL_NEXT = {"poisoning", "pipe", "pipes", "paint", "pencil", "pencils", "weight",
                    "weights", "shot", "acid", "levels", "level", "exposure", "content",
                    "crystal", "balloon", "mine", "mines", "oxide", "sulfide", "roof", "glass",
                    "free", "based", "lined", "sheet", "sheets", "shielding", "apron",
                    "contamination", "ore", "alloy", "solder", "soldiers", "poisoned"}


def _lead(c: _Ctx) -> bool:          # True -> metal "led"
    return (c.next in _LEAD_METAL_NEXT
            or (c.prev == "to" and c.prev2 in ("exposure", "exposed", "contact", "exposures"))
            or (c.next == "into" and c.next2 == "gold")
            or (c.prev in ("contains", "contain", "containing", "contained", "found", "detected",
                           "toxic", "traces", "trace") and c.next not in OBJECTS)
            or (c.prev in ("of", "with", "heavy", "red", "white", "molten", "unleaded")
                and c.next not in ("to", "the", "a", "us", "them", "you", "him", "her")))


def _record(c: _Ctx) -> bool:        # True -> verb "re-CORD"
    if _verb_position(c) or c.prev in ("and", "or") and c.next in DETERMINERS:
        return True
    # "the camera records everything": a verb's -s form after a noun, before its object
    return (c.words[c.i].endswith("s") and c.next in OBJECTS and c.prev != ""
            and c.prev not in DETERMINERS and c.prev not in PREPOSITIONS)


def _present(c: _Ctx) -> bool:       # True -> verb "pre-SENT"
    return (_verb_position(c) or c.prev in ("proud", "pleased")) and \
        c.next not in ("day", "time", "moment", "situation", "tense", "company")


def _object(c: _Ctx) -> bool:        # True -> verb "ob-JECT"
    if c.next == "to" and (c.prev in SUBJECTS or _plural_noun(c.prev)):
        return True                     # "neighbours object to the noise"
    return (_verb_position(c) or c.prev in ("strongly", "might")) \
        and c.next not in ("of", "is", "was")


_WIND_VERB_NEXT = {"up", "down", "around", "round", "the", "it", "your", "its", "back", "through",
                   "along", "between"}


def _wind(c: _Ctx) -> bool:          # True -> verb "waind"
    if c.prev in DETERMINERS or c.prev in ("cold", "strong", "north", "south", "east", "west",
                                            "solar", "of", "gust", "gusts", "warm", "high"):
        return False
    return c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _WIND_VERB_NEXT


_TEAR_VERB_NEXT = {"up", "down", "apart", "off", "open", "out", "into", "through", "away", "at",
                   "it", "them", "the", "my", "your", "his", "her", "a", "along"}
# "a tear in my jeans" is a rip; "a tear in her eye" a teardrop
_TEAR_RIP_WORDS = {"jeans", "shirt", "fabric", "cloth", "paper", "dress", "trousers", "pants",
                   "sleeve", "tent", "sail", "skin", "muscle", "ligament", "tendon", "seam",
                   "jacket", "coat", "sock", "socks", "bag", "screen", "canvas", "wallpaper"}
_TEAR_INJURY_BEFORE = {"muscle", "ligament", "tendon", "hamstring", "cartilage", "meniscus",
                       "calf", "groin", "retinal", "labral", "acl", "partial"}


def _tear(c: _Ctx) -> bool:          # True -> verb/rip "tair"
    if c.prev in ("wear", "and") and c.prev2 in ("wear", "normal") or c.prev == "wear":
        return True
    if c.prev in _TEAR_INJURY_BEFORE:
        return True                     # "a muscle tear"
    if c.next in ("in", "on") and c.prev in DETERMINERS:
        return c.any_in_sentence(_TEAR_RIP_WORDS)
    if c.prev in ("a", "single", "in", "to") and c.next in ("drop", "drops", "gas", "of"):
        return False
    return c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _TEAR_VERB_NEXT


_CLOSE_ADJ_NEXT = {"to", "by", "friend", "friends", "relative", "relatives", "call", "calls",
                   "attention", "enough", "together", "behind", "contact", "range", "up",
                   "second", "race", "family", "ties", "look", "quarters", "encounter",
                   "proximity", "at"}
_CLOSE_VERB_NEXT = {"the", "your", "my", "his", "her", "their", "our", "this", "that", "it",
                    "them", "down", "out", "off", "all", "a", "an", "in", "at", "early",
                    "lower", "higher", "up"}


def _close(c: _Ctx) -> bool:         # True -> adjective "klohs"
    if c.next == "of":
        return False                    # "the close of the day", "close of business"
    if c.next in _CLOSE_ADJ_NEXT and c.next not in ("at",) and not (
            c.next == "up" and c.prev not in DETERMINERS):
        return c.prev not in TO_MODALS or c.next in ("to", "by", "together", "enough")
    if c.prev in ("very", "so", "too", "quite", "pretty", "really", "get", "got", "come", "came",
                  "stay", "stayed", "stand", "sit", "a", "up", "as", "how", "more", "most",
                  "extremely", "fairly", "is", "are", "was", "were", "be", "been", "seems",
                  "seemed", "looks", "looked", "getting", "lives", "live", "living", "lived"):
        return True
    if c.prev in TO_MODALS or c.prev in SUBJECTS or c.next in _CLOSE_VERB_NEXT \
            or _plural_noun(c.prev):
        return False                    # "shops close at six", "markets close lower"
    return c.prev in DETERMINERS


_USE_NOUN_PREV = {"of", "in", "for", "into", "much", "make", "made", "makes", "making", "fair",
                  "drug", "daily", "common", "personal", "commercial", "widespread", "out",
                  "internal", "external", "home", "private", "public", "official", "medical",
                  "domestic", "industrial", "military", "recreational", "everyday", "frequent",
                  "heavy", "excessive", "regular", "proper", "good", "best", "better", "limited",
                  "efficient", "wise", "full", "practical", "continued", "prolonged", "alcohol",
                  "land", "water", "energy", "internet", "single", "further", "general"}


def _use(c: _Ctx) -> bool:           # True -> noun "yoos"
    return c.prev in DETERMINERS or c.prev in _USE_NOUN_PREV


_BE_GET = BE | {"get", "gets", "got", "getting", "become", "became", "becoming"}


def _used(c: _Ctx) -> bool:          # True -> "yoost" (used to = was accustomed)
    if c.next != "to":
        return False                    # "we used a knife", "a used car"
    be = c.prev in _BE_GET or (c.prev in ("not", "never", "so", "quite", "really", "well",
                                          "all", "more", "completely") and c.prev2 in _BE_GET)
    if not be:
        return True                     # "I used to live here"
    # "is used to the cold", "get used to it", "used to working" (accustomed); "was used to
    # cut" (passive, then a purpose)
    return c.next2 in OBJECTS or c.next2.endswith("ing") or c.next2 in ("this", "that", "such")


_MINUTE_TINY_NEXT = {"amount", "amounts", "detail", "details", "particle", "particles",
                     "quantity", "quantities", "traces", "trace", "changes", "change",
                     "difference", "differences", "fraction", "fractions", "organisms",
                     "crystals", "variations", "fragments", "bits"}
_MINUTE_TIME_PREV = {"last", "every", "each", "per", "one", "first", "final", "same", "next",
                     "few", "any", "spare", "two", "three", "four", "five", "six", "seven",
                     "eight", "nine", "ten", "fifteen", "twenty", "thirty", "forty", "fifty",
                     "sixty", "ninety", "half"}


def _minute(c: _Ctx) -> bool:        # True -> "my-NOOT" (tiny)
    if c.prev in _MINUTE_TIME_PREV:
        return False                    # "last minute changes", "a five minute walk"
    return (c.next in _MINUTE_TINY_NEXT or (_plural_noun(c.next) and c.next != "hands")
            or c.prev in ("so", "very", "too", "most", "quite", "extremely", "even", "such")
            or (c.prev in BE and c.next == ""))      # "the particles are minute"


_WOUND_WINDING_WORDS = {"around", "round", "up", "tight", "tightly", "into", "onto", "spool",
                        "thread", "yarn", "rope", "string", "watch", "clock", "bandage", "hair"}


def _wound(c: _Ctx) -> bool:         # True -> "wownd" (past of wind)
    if c.prev in DETERMINERS:
        return False                    # "a wound", "his wound"
    if c.next in ("up", "down", "around", "round", "tight", "tightly", "through", "back", "the",
                  "itself", "along") or c.prev in ("had", "have", "has"):
        return True
    # "wound her hair around ..." (wind) but "wound her deeply" (injure)
    return c.next in ("its", "his", "her", "their") and \
        any(w in _WOUND_WINDING_WORDS for w in c.words[c.i + 2:])


_BASS_FISH = {"fishing", "boat", "fish", "lake", "pond", "caught", "catch", "striped",
              "largemouth", "smallmouth", "sea", "fillet", "fillets", "tournament", "angler",
              "anglers", "spawning"}
_BASS_FISH_SENTENCE = _BASS_FISH | {"fished", "river", "lure", "lures", "bait", "rod", "hooked",
                                     "grilled", "baked", "stocked", "trout", "perch", "pike",
                                     "landed", "reeled"}
_BASS_MUSIC = {"guitar", "guitars", "player", "players", "drum", "drums", "line", "lines",
               "music", "band", "sings", "sang", "sing", "singer", "amp", "amplifier", "speaker",
               "speakers", "treble", "clef", "note", "notes", "voice", "solo", "loud", "boost",
               "volume", "bassist", "jazz", "double", "electric", "play", "plays", "played",
               "playing", "beat", "drop", "frequencies", "tones"}


def _bass(c: _Ctx) -> bool:          # True -> fish "bass" (AE)
    if c.prev in _BASS_FISH or c.next in _BASS_FISH \
            or c.prev2 in ("caught", "catch", "fish", "fished", "fishing"):
        return True
    return c.any_in_sentence(_BASS_FISH_SENTENCE) and not c.any_in_sentence(_BASS_MUSIC)


_SHIP_WORDS = {"ship", "ships", "boat", "boats", "vessel", "deck", "stern", "hull", "yacht",
               "ferry", "starboard", "port", "anchor", "bridge", "crew", "sailed", "sail"}


def _bow(c: _Ctx) -> bool:           # True -> "boh" (weapon, ribbon)
    if c.next == "and" and c.next2 in ("arrow", "arrows"):
        return True                     # "made a bow and arrow"
    if c.prev2 in ("took", "take", "takes", "taking", "took", "make", "made") and \
            c.prev in ("a", "his", "her", "their", "my", "your", "our", "the"):
        return False
    if c.prev in ("took", "take", "takes", "taking", "deep", "final", "low", "must", "to", "will",
                  "i", "we", "they", "and") and c.next not in ("and", "tie", "ties", "string"):
        return False
    if c.next in ("and", "tie", "ties", "string", "strings", "hunting", "hunter", "hunters",
                  "legged", "saw", "drill", "window"):
        return True
    if c.next in ("down", "to", "before", "out", "of") or c.any_in_sentence(_SHIP_WORDS):
        return False                    # "the bow of the ship", "on deck at the bow"
    return c.prev in DETERMINERS or c.prev in ("violin", "cello", "pink", "red", "ribbon", "silk",
                                               "compound", "long", "cross", "rain", "with")


def _row(c: _Ctx) -> bool:           # True -> quarrel "rau"
    if c.prev == "in" or c.prev2 == "in" or c.next in ("of", "boat", "boats", "house", "houses"):
        return False
    if c.prev == "a" and c.prev2 in ("had", "have", "has", "having"):
        return True                     # "they had a row"
    return c.prev in ("blazing", "furious", "heated", "political", "diplomatic", "public",
                      "bitter", "big", "huge", "family", "almighty", "major", "flaming") or \
        c.next in ("over", "erupted", "broke", "with", "between", "about")


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
