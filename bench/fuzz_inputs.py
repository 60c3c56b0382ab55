"""Fuzz the inputs: text and SSML through the synthesizer, documents through the readers, the
settings file and the pronunciation dictionary through their loaders (issue 29).

    .venv/bin/python bench/fuzz_inputs.py                          # 1,000 text/SSML inputs
    .venv/bin/python bench/fuzz_inputs.py --runs 10000             # the long run (docs/frontend.md)
    .venv/bin/python bench/fuzz_inputs.py --runs 40 --seed 3 --keep failures/

``--runs N`` text/SSML inputs (half plain text, half SSML), and a tenth as many documents and
as many settings files (``--doc-runs``, ``--settings-runs``). Each input is made from seeds
(money, dates, numbers, abbreviations, URLs, scripts other than Latin, emoji, lone surrogates,
every supported SSML element with usual and extreme attribute values) by mutation and
amplification: a fragment repeated up to tens of thousands of times, digit strings past
Python's 4,300-digit limit, nesting past the SSML depth limit, breaks that add up to hours,
``<phoneme>`` strings of thousands of phones, prosody of +100000 dB. Documents are Markdown,
HTML and text of up to a megabyte of hostile markup, EPUBs with zip bombs (true and lying
sizes) and broken members, and devices, FIFOs and folders behind a document's name. Settings
are JSON with numbers of hundreds and thousands of digits, nesting 100,000 deep, wrong types,
unknown keys and bytes that are not UTF-8; the check there is also that nothing is lost.

A worker process (forked from this one, with ``RLIMIT_AS`` 3 GiB above its start and one BLAS
thread) loads the synthesizer once (``--model``, by default the bundled model, else the test
suite's small random model) and runs the inputs one after another: a text or SSML input goes
through the whole front end, then the synthesizer until it has made a minute of audio (the
audio of each chunk is bounded, so the rest is more of the same); after each input, the
worker's peak resident memory is read (and reset) from /proc. Outcomes per input:

    ok         no error (audio made, the document or settings read)          pass
    clear      a clear error: SsmlError, InputLimitError, DocumentError...    pass
    exception  any other exception (a traceback for the user), or data lost  FAILURE
    signal     the worker died of a signal                                    FAILURE
    hang       the input ran past ``--timeout`` seconds                        FAILURE
    memory     MemoryError, or peak resident memory above 1 GiB               FAILURE

A worker that dies or hangs is replaced. The table is printed at the end; the exit code is 1
when any input failed. ``--keep DIR`` saves each failing input. tests/test_fuzz_inputs.py runs
a short version in CI.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3
PEAK_LIMIT = GIB
AUDIO_SECONDS = 60  # audio made for each text or SSML input, at most (the front end reads it all)
OUTCOMES = ("ok", "clear", "exception", "signal", "hang", "memory")
FAILURES = ("exception", "signal", "hang", "memory")
CLASSES = ("text", "ssml", "document", "settings")

# --- inputs ------------------------------------------------------------------------------------
# fmt: off
TEXT_SEEDS = [
    "Dr. Smith paid $4.50 on March 3rd.", "It's 3:45 pm, isn't it?", "Call 555-1234 or +1 (800) 555-0199.",
    "In 1987 people moved.", "I read it yesterday; I read it now.", "Visit www.example.com/a?b=1&c=2.",
    "e.g. etc. vs. Mr. Mrs. St. Louis", "\u00bd \u00bc \u00b2 \u2460 \u0663 \uff15",
    "caf\u00e9 na\u00efve \u00e9l\u00e8ve",
    "\U0001f600\U0001f44d\U0001f3fd\u200d", "Chapter XIV, part ii.", "1st 2nd 3rd 101st", "10km 5kg 20\u00b0C 3.5%",
    "FBI CIA NASA MP3", "\u2014\u2013\u2026!?", "1/2/2021 and 2021-04-05", "\u20ac5 \u00a33 \u00a5100 $1,000,000.99",
    "#tag @user a_b", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\u4f60\u597d \u043f\u0440\u0438\u0432\u0435\u0442",
    "\x00\x07\x1b[31m", "\ud800\udfff", "\u0301\u0301\u0301a", "  \t\n\r\n  ", "-123.456e7", "0x1F 0b101",
    "O'Neil's dogs' bones", "\"quoted\" 'single' (paren) [bracket] {brace}", "a" * 60,
]
AMPLIFIED = ["9", "1,", ".", " ", "\n", "a", "xkcd", "$", "-", "?!", "&", "\u00a0", "\U0001f600", "I. ", "10:", "("]
BREAK_TIMES = ["500ms", "10s", "1.5s", "10.0001s", "1e5s", "9" * 400 + "ms", "-1s", "0s", "abc", "0.000001ms"]
RATES = ["slow", "x-fast", "150%", "0.0001", "1" + "0" * 400, "-5", "0%", "nan", "1e308", "4", "0.25"]
PITCHES = ["x-high", "+2st", "-10%", "+" + "9" * 400 + "st", "-100%", "-99.9999%", "+1000%", "high", "1e308st"]
VOLUMES = ["loud", "+6dB", "+400dB", "+100000dB", "-" + "9" * 400 + "dB", "silent", "x-soft", "-120dB"]
SAY_AS = ["characters", "spell-out", "cardinal", "ordinal", "date", "telephone", "number", "bogus"]
PHONES = ["T AH0 M EY1 T OW2", "AH0", "", "XX", "t ah m ey t ow", "AA1 " * 50]
ENTITIES = ["&amp;", "&lt;", "&#65;", "&#x1F600;", "&#99999999999;", "&#0;", "&bogus;", "&", "&#xD800;"]
HOSTILE_MARKUP = ["[", "![", "*a ", "_a ", "* ", "[a](", "[]()", "`", "<", "<a ", "</", "<!--", "<a x='", "<![",
                  "<?", "&#", "<a>", "<p>", "<head>", "<script>", "# ", "> ", "- ", "```\n", "\r", "<svg>"]
# fmt: on


def _mutate(rng: random.Random, s: str) -> str:
    """A few character-level edits: delete, duplicate or move a span, insert a special character."""
    for _ in range(rng.randint(0, 3)):
        if not s:
            break
        a = rng.randrange(len(s))
        b = min(len(s), a + rng.randint(1, 20))
        op = rng.randrange(4)
        if op == 0:
            s = s[:a] + s[b:]
        elif op == 1:
            s = s[:b] + s[a:b] * rng.randint(1, 5) + s[b:]
        elif op == 2:
            s = s[:a] + rng.choice("<>&\"'/;=\x00\n\u2028\ud800.,!?$0123456789") + s[a:]
        else:
            piece = s[a:b]
            s = s[:a] + s[b:]
            c = rng.randrange(len(s) + 1)
            s = s[:c] + piece + s[c:]
    return s


def _amplified(rng: random.Random) -> str:
    """One fragment repeated many times (cheap to speak: mostly no words), or a long token."""
    frag = rng.choice(AMPLIFIED)
    count = rng.choice([10, 100, 1000, 4301, 10_000, 50_000]) if frag in "9,.,\n \u00a0" else rng.choice([10, 100, 300])
    if frag == "9" and rng.random() < 0.5:
        count = rng.choice([400, 4300, 4301, 5000])
    return frag * count


def make_text(rng: random.Random) -> str:
    parts = [rng.choice(TEXT_SEEDS) for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), _amplified(rng))
    if rng.random() < 0.05:
        parts.append("x" * rng.choice([1000, 100_000]))  # one "word" of many letters
    return _mutate(rng, rng.choice([" ", "", "\n", ". "]).join(parts))


def _pick(rng: random.Random, pool: list[str], usual: int = 3) -> str:
    """Mostly one of the first ``usual`` (valid) values of ``pool``, now and then any."""
    return rng.choice(pool[:usual] if rng.random() < 0.75 else pool)


def _ssml_element(rng: random.Random, depth: int) -> str:
    words = html.escape(rng.choice(TEXT_SEEDS[:20]), quote=True)
    kind = rng.randrange(12)
    if kind == 0:
        return f'<break time="{_pick(rng, BREAK_TIMES)}"/>'
    if kind == 1:
        strength = _pick(rng, ["weak", "x-strong", "none", "bogus"])
        return f'<break strength="{strength}"/>' * rng.choice([1, 1, 10, 200])
    if kind == 2:
        ph = _pick(rng, PHONES, 2) if rng.random() < 0.9 else "AH0 " * rng.choice([201, 1000, 100_000])
        return f'<phoneme alphabet="arpabet" ph="{ph}">{words.split()[0]}</phoneme>'
    if kind == 3:
        kind_as = _pick(rng, SAY_AS, 6)
        usual = {"date": "4/5/2021", "telephone": "555-1234", "ordinal": "21st"}.get(kind_as, "1234")
        content = _pick(rng, [usual, "abc", "2021-04-05", "9" * rng.choice([3, 400, 4400])], 1)
        fmt = f' format="{_pick(rng, ["mdy", "dmy", "ymd", "x"])}"' if rng.random() < 0.3 else ""
        return f'<say-as interpret-as="{kind_as}"{fmt}>{content}</say-as>'
    if kind == 4:
        return f'<sub alias="{_pick(rng, ENTITIES)} {words}">{words.split()[0]}</sub>'
    if kind == 5:
        return f'<mark name="m{rng.randrange(100)}"/>' + _pick(rng, ENTITIES)
    if kind == 6:
        return "<!-- " + words + (" -->" if rng.random() < 0.9 else "")
    if kind in (7, 8, 9) and depth < 8:
        attrs = rng.choice(
            [
                f'prosody rate="{_pick(rng, RATES)}"',
                f'prosody pitch="{_pick(rng, PITCHES)}"',
                f'prosody volume="{_pick(rng, VOLUMES)}"',
                f'emphasis level="{_pick(rng, ["strong", "moderate", "reduced", "none", "x"])}"',
                "s",
                "p",
            ]
        )
        name = attrs.split()[0]
        inner = "".join(_ssml_element(rng, depth + 1) for _ in range(rng.randint(1, 2 if depth > 3 else 3)))
        return f"<{attrs}>{inner}</{name}>"
    return words


def make_ssml(rng: random.Random) -> str:
    body = "".join(_ssml_element(rng, 1) for _ in range(rng.randint(1, 6)))
    r = rng.random()
    if r < 0.05:  # breaks that add up: in a row, then across a document
        body += 'a<break time="10s"/>' * rng.choice([7, 400]) if rng.random() < 0.5 else '<break time="10s"/>' * 7
    elif r < 0.1:  # nesting past the depth limit
        d = rng.choice([31, 33, 1000])
        body = "<emphasis>" * d + body + "</emphasis>" * d
    elif r < 0.12:  # a document past the size limit
        body += "a " * 500_001
    ssml = f"<speak>{body}</speak>"
    if rng.random() < 0.1:
        ssml = '<?xml version="1.0"?>' + ssml
    return _mutate(rng, ssml) if rng.random() < 0.25 else ssml


def make_document(rng: random.Random, folder: Path, index: int) -> Path:
    """A hostile document file in ``folder`` (or a device, FIFO or folder under a document name)."""
    kind = rng.choice(["md", "html", "txt", "epub", "epub", "special"])
    path = folder / f"doc{index}.{kind if kind != 'special' else 'md'}"
    if kind == "special":
        choice = rng.randrange(3)
        if choice == 0:
            path.symlink_to("/dev/zero")
        elif choice == 1:
            os.mkfifo(path)
        else:
            path.mkdir()
        return path
    if kind == "epub":
        return _make_epub(rng, path)
    pattern = rng.choice(HOSTILE_MARKUP + TEXT_SEEDS[:10])
    size = rng.choice([100, 10_000, 1_000_000])
    text = (pattern * (size // len(pattern) + 1))[:size]
    text = _mutate(rng, text)
    data = _utf8(text)
    if rng.random() < 0.1:
        data = bytes(rng.randrange(256) for _ in range(200)) + data
    path.write_bytes(data)
    return path


def _utf8(text: str) -> bytes:
    """UTF-8, lone surrogates (which the seeds and mutations make) included as they are."""
    return text.encode("utf-8", errors="surrogatepass")


def _make_epub(rng: random.Random, path: Path) -> Path:
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>'
    )
    refs = rng.choice([1, 2, 10_000])
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>'
        '<item id="c1" href="ch1.xhtml"/><item id="c2" href="../../x/ch2.xhtml"/></manifest><spine>'
        + '<itemref idref="c1"/>' * refs
        + '<itemref idref="c2"/><itemref idref="nope"/></spine></package>'
    )
    chapter = "<html><body><p>" + rng.choice(TEXT_SEEDS) + "</p></body></html>"  # maybe a lone surrogate
    bomb = rng.random() < 0.4
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", _utf8(container if rng.random() < 0.9 else _mutate(rng, container)))
        z.writestr("OEBPS/content.opf", _utf8(opf if rng.random() < 0.9 else _mutate(rng, opf)))
        if bomb:
            with z.open("OEBPS/ch1.xhtml", "w") as fh:  # 100 MB of one letter, 100 KB packed
                block = b"a" * (1 << 20)
                for _ in range(100):
                    fh.write(block)
        else:
            z.writestr("OEBPS/ch1.xhtml", _utf8(chapter))
    if bomb and rng.random() < 0.5:  # and now it says it is small
        data = bytearray(path.read_bytes())
        true_size = (100 << 20).to_bytes(4, "little")
        path.write_bytes(bytes(data).replace(true_size, (100).to_bytes(4, "little")))
    elif rng.random() < 0.2:  # flip some bytes
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
    return path


def make_settings(rng: random.Random) -> tuple[str, bytes]:
    """("settings" or "dictionary", the file's bytes)."""
    which = rng.choice(["settings", "dictionary"])
    numbers = [1, -1.5, 0, 1e308, "1e400", "9" * 400, "-" + "9" * 400, "9" * 5000, "NaN", "Infinity", True, None]
    kind = rng.randrange(6)
    if kind == 0:
        text = "[" * 100_000 + "]" * 100_000
    elif kind == 1:
        d = rng.choice([100, 10_000, 100_000])
        text = '{"speed": ' + '{"a": ' * d + "1" + "}" * d + "}"
    elif kind == 2:
        return which, bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    else:
        if which == "settings":
            keys = ["voice", "speed", "pitch", "volume", "font_size", "theme", "recent_files", "blend_weight"]
        else:
            keys = ["format", "version", "entries"]
        parts = []
        for key in rng.sample(keys, rng.randint(0, len(keys))) + ["unknown_" + str(rng.randrange(10))]:
            value = rng.choice(numbers)
            value = value if isinstance(value, str) and value[0] in "-9NI1" else json.dumps(value)
            if key == "entries":
                value = json.dumps({"w": {"arpabet": "AH0"}, "x y": 1, "z": {"respell": rng.choice(["", "a", 5])}})
            elif key == "recent_files":
                value = json.dumps(["a", 1, None])
            parts.append(f'"{key}": {value}')
        text = "{" + ", ".join(parts) + "}"
        if kind == 5:
            text = _mutate(rng, text)
    return which, _utf8(text)


# --- the worker --------------------------------------------------------------------------------
def _peak_bytes() -> int:
    """Peak resident memory since the last reset (VmHWM), then reset it."""
    try:
        with open("/proc/self/status") as fh:
            m = re.search(r"VmHWM:\s+(\d+) kB", fh.read())
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _tiny_model(folder: Path) -> Path:
    """The test suite's small random model with the real lexicon (every code path, fast)."""
    from bittts.engine.model_format import ModelFile, ModelWriter
    from bittts.engine.text.lexicon import cmudict_lexicon

    with ModelFile(ROOT / "tests" / "fixtures" / "parity" / "model.bttm") as src:
        writer = ModelWriter.from_model(src)
    writer.add_blob("lexicon", cmudict_lexicon()[1], compress=False)
    path = folder / "tiny.bttm"
    writer.write(path)
    return path


def _worker(conn, model: str | None, folder: str) -> None:
    import logging
    import resource

    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    logging.disable(logging.WARNING)  # clamped prosody and dictionary problems: expected here
    from bittts.app.settings import SettingsStore
    from bittts.documents import DocumentError, read_document
    from bittts.engine.limits import InputLimitError
    from bittts.engine.model_info import bundled_model_path
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import SynthesisConfig
    from bittts.engine.text.ssml import SsmlError
    from bittts.engine.text.user_dict import UserDict

    if model:
        path = Path(model)
    elif bundled_model_path().exists():
        path = bundled_model_path()
    else:
        path = _tiny_model(Path(folder))
    synth = Synthesizer(path)
    with open("/proc/self/status") as fh:
        size = re.search(r"VmSize:\s+(\d+) kB", fh.read())
    if size:
        limit = int(size.group(1)) * 1024 + 3 * GIB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    clear = (SsmlError, InputLimitError, DocumentError)
    conn.send(("ready", str(path)))
    _peak_bytes()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        cls, payload = job
        outcome, detail = "ok", ""
        try:
            if cls in ("text", "ssml"):
                # the front end over the whole input, then audio for its first minute (a long
                # text is a lot of work, not a hang: the audio of each chunk is bounded anyway)
                frontend = synth.frontend.process_ssml if cls == "ssml" else synth.frontend.process
                for _chunk in frontend(payload):
                    pass
                made = 0
                for chunk in synth.synthesize(payload, SynthesisConfig(ssml=cls == "ssml")):
                    made += len(chunk.samples)
                    if made > AUDIO_SECONDS * synth.sample_rate:
                        break
            elif cls == "document":
                read_document(payload)
            else:
                outcome, detail = _settings_case(payload, SettingsStore, UserDict)
        except clear as exc:
            outcome, detail = "clear", f"{type(exc).__name__}: {str(exc)[:200]}"
        except MemoryError:
            outcome, detail = "memory", "MemoryError"
        except Exception as exc:  # noqa: BLE001 - the harness classifies every exception
            outcome = "exception"
            detail = f"{type(exc).__name__}: {str(exc)[:200]}\n" + "".join(traceback.format_exc(limit=-3))[-1500:]
        peak = _peak_bytes()
        if peak > PEAK_LIMIT and outcome != "exception":
            outcome, detail = "memory", f"peak resident memory {peak / GIB:.2f} GiB"
        conn.send((outcome, detail, peak))


def _settings_case(payload: tuple[str, bytes, str], settings_store, user_dict) -> tuple[str, str]:
    """Load and save; the original bytes must survive, in the file or a numbered backup."""
    which, data, folder = payload
    path = Path(folder) / ("settings.json" if which == "settings" else "pronunciations.json")
    for old in Path(folder).glob(path.name + "*"):
        old.unlink()
    path.write_bytes(data)
    if which == "settings":
        store = settings_store(path)
        settings = store.load()
        store.save(settings)
        unreadable = bool(store.problem)
    else:
        ud = user_dict.load(path)
        ud.add("fuzz", respell="fuzz")
        ud.save()
        unreadable = any("not used" in p or "left unchanged" in p for p in ud.problems)
    kept = [p for p in Path(folder).glob(path.name + ".corrupt*") if p.read_bytes() == data]
    if unreadable and not kept:
        return "exception", "data lost: the unreadable file was not kept aside"
    return ("clear" if unreadable else "ok"), ""


# --- the runner --------------------------------------------------------------------------------
class Runner:
    def __init__(self, model: str | None, timeout: float, folder: Path):
        self.model, self.timeout, self.folder = model, timeout, folder
        self.process: multiprocessing.Process | None = None
        self.model_used = ""

    def start(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, self.model, str(self.folder)), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(300):
            raise SystemExit("the fuzz worker did not start in 300 s")
        _, self.model_used = self.conn.recv()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None

    def run(self, cls: str, payload: object) -> tuple[str, str, int]:
        if self.process is None:
            self.start()
        assert self.process is not None
        self.conn.send((cls, payload))
        if self.conn.poll(self.timeout):
            try:
                return self.conn.recv()
            except EOFError:
                pass
        elif self.process.is_alive():
            self.stop()
            return "hang", f"no answer in {self.timeout:g} s", 0
        self.process.join(5)
        code = self.process.exitcode
        self.process = None
        if code is not None and code < 0:
            return "signal", f"signal {-code}", 0
        return "exception", f"the worker ended with exit code {code}", 0


def _cases(args: argparse.Namespace, folder: Path):
    rng = random.Random(args.seed)
    for i in range(args.runs):
        r = random.Random(rng.getrandbits(64))
        yield ("ssml", make_ssml(r)) if i % 2 else ("text", make_text(r))
    docs = folder / "docs"
    docs.mkdir()
    for i in range(args.doc_runs):
        r = random.Random(rng.getrandbits(64))
        yield "document", str(make_document(r, docs, i))
    settings = folder / "settings"
    settings.mkdir()
    for _ in range(args.settings_runs):
        r = random.Random(rng.getrandbits(64))
        which, data = make_settings(r)
        yield "settings", (which, data, str(settings))


def _keep(keep: Path, index: int, cls: str, payload: object, detail: str) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    base = keep / f"{index:05d}-{cls}"
    if cls in ("text", "ssml"):
        base.with_suffix(".txt").write_text(str(payload), encoding="utf-8", errors="surrogatepass")
    elif cls == "document":
        src = Path(str(payload))
        if src.is_file() and not src.is_symlink():
            shutil.copy(src, base.with_name(base.name + src.suffix))
    else:
        base.with_suffix(".json").write_bytes(payload[1])  # type: ignore[index]
    base.with_suffix(".why").write_text(detail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--runs", type=int, default=1000, help="text and SSML inputs (default 1000)")
    p.add_argument("--doc-runs", type=int, help="documents (default: runs / 10)")
    p.add_argument("--settings-runs", type=int, help="settings and dictionary files (default: runs / 10)")
    p.add_argument("--seed", type=int, default=29)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds one input may take (default 30)")
    p.add_argument("--model", help="the model file (default: the bundled one, else the tests' small model)")
    p.add_argument("--keep", type=Path, help="save each failing input here")
    p.add_argument("--quiet", action="store_true", help="only the table")
    args = p.parse_args(argv)
    args.doc_runs = args.runs // 10 if args.doc_runs is None else args.doc_runs
    args.settings_runs = args.runs // 10 if args.settings_runs is None else args.settings_runs

    counts: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple[str, str], str] = {}
    worst_peak: dict[str, int] = defaultdict(int)
    started = time.monotonic()
    harness_failed = False
    with tempfile.TemporaryDirectory(prefix="bittts-fuzz-") as tmp:
        folder = Path(tmp)
        runner = Runner(args.model, args.timeout, folder)
        runner.start()
        try:
            for index, (cls, payload) in enumerate(_cases(args, folder)):
                outcome, detail, peak = runner.run(cls, payload)
                counts[cls][outcome] += 1
                worst_peak[cls] = max(worst_peak[cls], peak)
                if outcome in FAILURES:
                    key = (cls, detail.split("\n")[0][:80])
                    examples.setdefault(key, detail)
                    if args.keep:
                        _keep(args.keep, index, cls, payload, detail)
                    if not args.quiet:
                        print(f"[{index}] {cls}: {outcome}: {detail.splitlines()[0] if detail else ''}", flush=True)
        except Exception:  # noqa: BLE001 - a bug of the harness itself: say it, and still print the table
            traceback.print_exc()
            harness_failed = True
        finally:
            runner.stop()
    elapsed = time.monotonic() - started
    print(f"\nmodel: {runner.model_used}; seed {args.seed}; {elapsed:.0f} s")
    print("| class | tried | ok | clear errors | other exceptions | signals | hangs | >1 GiB | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cls in CLASSES:
        c = counts[cls]
        if not sum(c.values()):
            continue
        cells = [str(sum(c.values()))] + [str(c[o]) for o in OUTCOMES]
        print(f"| {cls} | " + " | ".join(cells) + f" | {worst_peak[cls] / 2**20:.0f} MiB |")
    if examples:
        print("\nfailures, one example of each:")
        for (cls, head), detail in sorted(examples.items()):
            print(f"- {cls}: {head}")
            if not args.quiet:
                print("    " + detail.replace("\n", "\n    ")[:1500])
    failed = sum(c[o] for c in counts.values() for o in FAILURES)
    if harness_failed:
        print("\nthe harness itself failed (traceback above): the run is incomplete")
    return 1 if failed or harness_failed else 0


if __name__ == "__main__":
    sys.exit(main())
