"""The text corpus: >= 20,000 distinct English sentences from offline sources, cleaned,
deduplicated, split by sentence (seeded), with a phone / diphone coverage report.

    .venv/bin/python -m training.corpus.text                 # build (cached) + coverage report
    .venv/bin/python -m training.corpus.text --rebuild       # ignore the cache

Sources (all Debian main, installed by training/teachers/install.sh):
- fortune cookie files (`fortunes`, `fortunes-min`, `fortunes-bofh-excuses`, `fortune-anarchism`)
  - English files only; verse, ASCII art, code and definition files skipped; there is no
    offensive-fortune package in Debian any more, and `ethnic` is skipped as well;
- WordNet 3.0 (`wordnet-base`, WordNet licence, BSD-like): the usage examples in the glosses;
- generated sentences (templates, seeded): numbers, dates, times, currency, abbreviations,
  questions, exclamations; and carrier sentences that fill missing CMU-dictionary diphones.

Every sentence must normalize with OUR front end (training/corpus/frontend_adapter.py) and every
spoken word must be in the lexicon, so that the phones we train on are what the front end says.

Output: work-data/corpus/text/sentences.jsonl, one JSON object per line:
    {"id": "s1a2b3c4d5e6", "text": ..., "source": ..., "split": "train"|"valid"|"test"}
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from training.corpus import frontend_adapter as fe

WORK = Path("work-data")
TEXT_DIR = WORK / "corpus" / "text"
SENTENCES = TEXT_DIR / "sentences.jsonl"
COVERAGE = TEXT_DIR / "coverage.json"


@dataclass
class TextConfig:
    seed: int = 1234  # split and generation seed
    valid_frac: float = 0.006  # validation share (~310 sentences; all speakers speak them)
    test_frac: float = 0.006  # test share (~310; all speakers speak them; never trained on)
    min_words: int = 3  # spoken-word length limits
    max_words: int = 30
    n_generated: int = 4000  # template sentences (numbers, dates, ...)
    diphone_target: float = 0.95  # share of CMU word-internal diphones to cover


FORTUNE_DIR = Path("/usr/share/games/fortunes")
# English fortune files not used: layout-dependent or not prose.
FORTUNE_SKIP = {
    "ascii-art",
    "songs-poems",
    "definitions",
    "perl",
    "translate-me",
    "debian-hints",
    "zippy",
    "ethnic",
    "art",
}
WORDNET_DIR = Path("/usr/share/wordnet")

_ALLOWED = re.compile(r"^[A-Za-z0-9 ,.;:'!?$%&\-]+$")
_BLOCK = {
    "fuck",
    "fucking",
    "shit",
    "cunt",
    "nigger",
    "faggot",
    "bitch",
    "whore",
    "rape",
    "slut",
    "dick",
    "cock",
    "pussy",
    "asshole",
    "bastard",
    "retard",
    "kike",
    "spic",
}


def sentence_id(text: str) -> str:
    return "s" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:11]


# --------------------------------------------------------------------------------------------
# Sources


def _split_sentences(paragraph: str) -> list[str]:
    paragraph = re.sub(r"\s+", " ", paragraph).strip()
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])", paragraph)
    return [p.strip() for p in parts if p.strip()]


def fortune_sentences() -> list[tuple[str, str]]:
    out = []
    for path in sorted(FORTUNE_DIR.iterdir()):
        if not path.is_file() or "." in path.name or path.name in FORTUNE_SKIP:
            continue
        raw = path.read_bytes().decode("utf-8", errors="replace")
        for entry in raw.split("\n%\n"):
            lines = entry.split("\n")
            # verse / layout junk: many short indented lines, tabs, or centered text
            if sum(1 for ln in lines if ln.startswith(("  ", "\t"))) > 1:
                continue
            body = []
            for ln in lines:
                s = ln.strip()
                if s.startswith("--") or s.startswith("-- ") or s.startswith("~"):
                    break  # attribution
                if re.match(r"^[A-Z][A-Za-z ]{0,20}:", s):  # dialogue / Q: A: layouts
                    body = None
                    break
                body.append(s)
            if not body:
                continue
            for sent in _split_sentences(" ".join(body)):
                out.append((sent, f"fortunes/{path.name}"))
    return out


def wordnet_sentences() -> list[tuple[str, str]]:
    out = []
    for pos in ("noun", "verb", "adj", "adv"):
        p = WORDNET_DIR / f"data.{pos}"
        if not p.exists():
            continue
        for line in p.read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            gloss = line.split("|", 1)[1]
            for ex in re.findall(r'"([^"]+)"', gloss):
                ex = ex.strip()
                if not ex:
                    continue
                if ex[-1] not in ".!?":
                    ex += "."
                ex = ex[0].upper() + ex[1:]
                out.append((ex, f"wordnet/{pos}"))
    return out


_FIRST = [
    "Anna",
    "Ben",
    "Carlos",
    "Diana",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Irene",
    "Jack",
    "Karen",
    "Leo",
    "Maria",
    "Nathan",
    "Olivia",
    "Peter",
    "Rachel",
    "Sam",
    "Tina",
    "Victor",
]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_THINGS = [
    "book",
    "ticket",
    "lamp",
    "jacket",
    "bicycle",
    "coffee",
    "sandwich",
    "umbrella",
    "camera",
    "chair",
    "guitar",
    "notebook",
    "watch",
    "pair of shoes",
    "basket of apples",
]
_PLACES = [
    "the station",
    "the museum",
    "the library",
    "the office",
    "the harbor",
    "the market",
    "the airport",
    "the school",
    "the hospital",
    "the park",
    "the bakery",
    "the bank",
]
_ABBR = ["Dr.", "Mr.", "Mrs.", "Prof.", "St.", "Mt.", "Capt.", "Gen."]


def _rand_amount(r: random.Random) -> str:
    k = r.random()
    if k < 0.4:
        return f"${r.randint(1, 99)}.{r.randint(0, 99):02d}"
    if k < 0.7:
        return f"${r.randint(1, 999)}"
    if k < 0.85:
        return f"${r.randint(1, 99)},{r.randint(0, 999):03d}"
    return r.choice(["£", "€"]) + f"{r.randint(1, 500)}"


def _rand_time(r: random.Random) -> str:
    if r.random() < 0.5:
        return f"{r.randint(1, 12)}:{r.choice([0, 5, 10, 15, 20, 30, 45, r.randint(1, 59)]):02d} " + r.choice(
            ["am", "pm"]
        )
    return f"{r.randint(0, 23)}:{r.randint(0, 59):02d}"


def _rand_num(r: random.Random) -> str:
    k = r.random()
    if k < 0.3:
        return str(r.randint(2, 20))
    if k < 0.6:
        return str(r.randint(21, 999))
    if k < 0.8:
        return f"{r.randint(1, 99)},{r.randint(0, 999):03d}"
    if k < 0.9:
        return f"{r.randint(0, 99)}.{r.randint(1, 99)}"
    return str(r.randint(1000, 1000000))


def generated_sentences(n: int, seed: int) -> list[tuple[str, str]]:
    r = random.Random(seed)
    templates = [
        (
            "numbers",
            lambda: (
                f"{r.choice(_FIRST)} counted {_rand_num(r)} {r.choice(['birds', 'cars', 'people', 'boxes', 'stars'])} "
                f"{r.choice(['this morning', 'yesterday', 'in the park', 'at the fair'])}."
            ),
        ),
        ("numbers", lambda: f"The population of the town grew to {_rand_num(r)} last year."),
        ("numbers", lambda: f"Room {r.randint(1, 999)} is on floor {r.randint(1, 40)}, next to the stairs."),
        ("numbers", lambda: f"About {r.randint(2, 99)}% of the votes were counted by noon."),
        (
            "numbers",
            lambda: (
                f"The recipe needs {r.randint(2, 12)} eggs and {r.randint(1, 4)}.{r.choice([5, 25, 75])} cups of flour."
            ),
        ),
        ("ordinals", lambda: f"She finished {_ord(r.randint(1, 99))} out of {r.randint(100, 500)} runners."),
        (
            "dates",
            lambda: (
                f"The meeting is on {r.choice(_DAYS)}, {r.choice(_MONTHS)} "
                f"{_ord(r.randint(1, 28)) if r.random() < 0.5 else r.randint(1, 28)}."
            ),
        ),
        (
            "dates",
            lambda: f"{r.choice(_FIRST)} was born on {r.choice(_MONTHS)} {r.randint(1, 28)}, {r.randint(1920, 2020)}.",
        ),
        ("dates", lambda: f"In {r.randint(1500, 2024)}, the old bridge was finally rebuilt."),
        (
            "dates",
            lambda: (
                f"The shop will close on {r.choice(_MONTHS)} {r.randint(1, 30)} and open again in {r.choice(_MONTHS)}."
            ),
        ),
        ("times", lambda: f"The train to {r.choice(_PLACES).replace('the ', '')} leaves at {_rand_time(r)}."),
        ("times", lambda: f"Please meet me at {r.choice(_PLACES)} at {_rand_time(r)} on {r.choice(_DAYS)}."),
        ("times", lambda: f"Is the {r.choice(['dentist', 'doctor', 'lawyer'])} still free at {_rand_time(r)}?"),
        ("currency", lambda: f"The {r.choice(_THINGS)} cost {_rand_amount(r)} at {r.choice(_PLACES)}."),
        ("currency", lambda: f"{r.choice(_FIRST)} paid {_rand_amount(r)} for a {r.choice(_THINGS)}."),
        ("currency", lambda: f"Did you really spend {_rand_amount(r)} on that {r.choice(_THINGS)}?"),
        (
            "abbreviations",
            lambda: (
                f"{r.choice(_ABBR[:4])} {r.choice(['Smith', 'Brown', 'Miller', 'Wilson', 'Taylor', 'Clark'])} "
                f"will see you at {_rand_time(r)}."
            ),
        ),
        (
            "abbreviations",
            lambda: (
                f"We climbed {r.choice(['Mt. Everest', 'Mt. Hood', 'Mt. Rainier'])} in {r.choice(_MONTHS)}, "
                f"{r.randint(1990, 2023)}."
            ),
        ),
        ("abbreviations", lambda: f"Bring pens, paper, tape, etc. to {r.choice(_PLACES)}."),
        (
            "abbreviations",
            lambda: (
                f"The U.S. team won {r.randint(2, 40)} medals, and {r.choice(_FIRST)} won {r.randint(2, 5)} of them."
            ),
        ),
        ("questions", lambda: f"Where did {r.choice(_FIRST)} put the {r.choice(_THINGS)}?"),
        ("questions", lambda: f"Have you ever been to {r.choice(_PLACES)} on a {r.choice(_DAYS)}?"),
        ("questions", lambda: f"Why would anyone buy a {r.choice(_THINGS)} for {_rand_amount(r)}?"),
        ("questions", lambda: f"Could you tell {r.choice(_FIRST)} that the {r.choice(_THINGS)} is ready?"),
        (
            "exclamations",
            lambda: (
                f"What a {r.choice(['wonderful', 'strange', 'lovely', 'terrible', 'beautiful'])} "
                f"{r.choice(['day', 'idea', 'surprise', 'view', 'song'])} this is!"
            ),
        ),
        ("exclamations", lambda: f"Look out, {r.choice(_FIRST)}, the {r.choice(_THINGS)} is falling!"),
        ("exclamations", lambda: f"I can't believe we won {_rand_amount(r)}!"),
        ("exclamations", lambda: f"Hurry up, the bus leaves at {_rand_time(r)}!"),
    ]
    out, seen = [], set()
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        cat, make = templates[r.randrange(len(templates))]
        s = make()
        if s not in seen:
            seen.add(s)
            out.append((s, f"generated/{cat}"))
    return out


def _ord(n: int) -> str:
    sx = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{sx}"


# --------------------------------------------------------------------------------------------
# Cleaning


def clean(text: str, cfg: TextConfig) -> str | None:
    """A cleaned sentence, or None to drop it."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("``", '"').replace("''", '"')
    text = text.replace('"', "").replace(" -- ", ", ").replace("--", ", ")
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not _ALLOWED.match(text):
        return None
    if text[-1] not in ".!?" or not (text[0].isupper() or text[0].isdigit()):
        return None
    if re.search(r"[,;:]{2,}|\.\.|!!|\?\?|\s[,.;:!?]", text):
        return None
    low = set(re.findall(r"[a-z']+", text.lower()))
    if low & _BLOCK:
        return None
    return text


def build(cfg: TextConfig) -> list[dict]:
    raw = fortune_sentences() + wordnet_sentences() + generated_sentences(cfg.n_generated, cfg.seed)
    print(f"raw candidates: {len(raw)}", file=sys.stderr)
    seen: set[str] = set()
    rows = []
    dropped = Counter()
    for text, source in raw:
        c = clean(text, cfg)
        if c is None:
            dropped["clean"] += 1
            continue
        key = re.sub(r"[^a-z0-9 ]", "", c.lower())
        if key in seen:
            dropped["duplicate"] += 1
            continue
        u = fe.utterance(c)
        if u is None:
            dropped["front end / lexicon"] += 1
            continue
        if not cfg.min_words <= len(u.words) <= cfg.max_words:
            dropped["length"] += 1
            continue
        seen.add(key)
        rows.append({"id": sentence_id(c), "text": c, "source": source})
    print(f"kept {len(rows)}; dropped {dict(dropped)}", file=sys.stderr)
    rows = fill_diphones(rows, cfg)
    assign_splits(rows, cfg)
    return rows


def assign_splits(rows: list[dict], cfg: TextConfig) -> None:
    """Seeded split by sentence: a keyed hash of the sentence id, as a number in [0, 1), puts
    a sentence in test below test_frac, in validation below test_frac + valid_frac, else in
    train. Each sentence's split depends only on its own text and the seed, so adding or
    removing other sentences never moves a sentence between splits."""
    for r in rows:
        h = int(hashlib.sha1(f"{cfg.seed}:{r['id']}".encode()).hexdigest()[:15], 16) / 16**15
        r["split"] = "test" if h < cfg.test_frac else "valid" if h < cfg.test_frac + cfg.valid_frac else "train"


# --------------------------------------------------------------------------------------------
# Coverage


def _base(p: str) -> str:
    return p.rstrip("012")


def cmu_diphones() -> Counter:
    """Word-internal diphones (stress removed) over the lexicon's words."""
    c = Counter()
    for _, prons in fe.lexicon().items():
        b = [_base(p) for p in prons[0]]
        c.update(zip(b, b[1:]))
    return c


def corpus_counts(rows: list[dict], splits=("train", "valid", "test")):
    phones, diph = Counter(), Counter()
    for r in rows:
        if r.get("split", "train") not in splits:
            continue
        u = fe.utterance(r["text"])
        if u is None:  # the front end changed since the text was built
            continue
        for wp in u.word_phones:
            phones.update(wp)
            b = [_base(p) for p in wp]
            diph.update(zip(b, b[1:]))
    return phones, diph


def fill_diphones(rows: list[dict], cfg: TextConfig) -> list[dict]:
    """Add carrier sentences whose words contain the CMU diphones the corpus lacks."""
    target = cmu_diphones()
    _, have = corpus_counts(rows)
    missing = [d for d in target if d not in have]
    need = int(len(target) * cfg.diphone_target) + 1 - (len(target) - len(missing))
    print(f"diphones: {len(target) - len(missing)}/{len(target)} covered before filling", file=sys.stderr)
    if not missing:
        return rows
    # index words by diphone; prefer common-looking (short, alphabetic) words
    first = {w: prons[0] for w, prons in fe.lexicon().items()}
    by_d: dict[tuple, list[str]] = {}
    for w, ph in first.items():
        if not re.fullmatch(r"[a-z]+", w) or len(w) < 3:
            continue
        b = [_base(p) for p in ph]
        for d in set(zip(b, b[1:])):
            by_d.setdefault(d, []).append(w)
    r = random.Random(cfg.seed + 7)
    carriers = [
        "The word {a} comes before {b} on the list.",
        "Say {a} again, and then say {b}.",
        "She wrote {a} and {b} on the board.",
        "I heard {a} and {b} in the same story.",
        "Next on the card are {a} and {b}.",
    ]
    seen = {x["id"] for x in rows}
    picked_words = []
    missing_set = set(missing)
    for d in missing:
        if d not in missing_set:
            continue
        cands = sorted(by_d.get(d, []), key=lambda w: (len(w), w))[:20]
        if not cands:
            continue
        w = r.choice(cands)
        picked_words.append(w)
        b = [_base(p) for p in first[w]]
        missing_set -= set(zip(b, b[1:]))
    added = 0
    for i in range(0, len(picked_words), 2):
        a = picked_words[i]
        b = picked_words[i + 1] if i + 1 < len(picked_words) else "again"
        s = carriers[(i // 2) % len(carriers)].format(a=a, b=b)
        sid = sentence_id(s)
        if sid in seen or fe.utterance(s) is None:
            continue
        seen.add(sid)
        rows.append({"id": sid, "text": s, "source": "generated/diphone-fill"})
        added += 1
    print(
        f"diphone fill: {added} sentences added for {len(missing)} missing diphones "
        f"(need {max(need, 0)} more to reach the target)",
        file=sys.stderr,
    )
    return rows


def coverage_report(rows: list[dict]) -> dict:
    target = cmu_diphones()
    phones, diph = corpus_counts(rows)
    _, diph_train = corpus_counts(rows, ("train",))
    stressed_target = Counter()
    for _, prons in fe.lexicon().items():
        stressed_target.update(zip(prons[0], prons[0][1:]))
    stressed_have = Counter()
    for r in rows:
        u = fe.utterance(r["text"])
        for wp in u.word_phones if u else ():
            stressed_have.update(zip(wp, wp[1:]))
    covered = sum(1 for d in target if d in diph)
    covered_train = sum(1 for d in target if d in diph_train)
    tok_cov = sum(n for d, n in target.items() if d in diph) / sum(target.values())
    rep = {
        "sentences": len(rows),
        "splits": dict(Counter(r["split"] for r in rows)),
        "sources": dict(Counter(r["source"].split("/")[0] for r in rows)),
        "sources_detail": dict(Counter(r["source"] for r in rows)),
        "phone_counts": {p: phones.get(p, 0) for p in fe.ARPABET},
        "phones_missing": [p for p in fe.ARPABET if phones.get(p, 0) == 0],
        "min_phone": min((phones.get(p, 0), p) for p in fe.ARPABET),
        "cmu_diphone_types": len(target),
        "diphones_covered": covered,
        "diphone_coverage": covered / len(target),
        "diphone_coverage_train": covered_train / len(target),
        "diphone_token_coverage_weighted_by_cmu": tok_cov,
        "stressed_diphone_coverage": sum(1 for d in stressed_target if d in stressed_have) / len(stressed_target),
        "diphones_missing_sample": [f"{a}-{b}" for (a, b) in sorted(target) if (a, b) not in diph][:40],
    }
    return rep


def load_sentences(path: Path = SENTENCES) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--seed", type=int, default=TextConfig.seed)
    args = ap.parse_args(argv)
    cfg = TextConfig(seed=args.seed)
    if SENTENCES.exists() and not args.rebuild:
        rows = load_sentences()
        print(f"cached: {SENTENCES} ({len(rows)} sentences)", file=sys.stderr)
    else:
        rows = build(cfg)
        TEXT_DIR.mkdir(parents=True, exist_ok=True)
        tmp = SENTENCES.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for r in sorted(rows, key=lambda r: r["id"]):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        tmp.replace(SENTENCES)
    rep = coverage_report(rows)
    rep["frontend"] = fe.FRONTEND_NAME
    COVERAGE.write_text(json.dumps(rep, indent=1))
    short = {k: v for k, v in rep.items() if k not in ("phone_counts",)}
    print(json.dumps(short, indent=1))
    pc = rep["phone_counts"]
    print("phone counts:", " ".join(f"{p}:{pc[p]}" for p in fe.ARPABET))
    return 0


if __name__ == "__main__":
    sys.exit(main())
