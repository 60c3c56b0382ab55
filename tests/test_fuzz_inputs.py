"""Issue 29: hostile text, SSML, documents and settings give clear errors, never a traceback, a
hang or unbounded memory. Hypothesis drives the parsers and loaders here; bench/fuzz_inputs.py
is the corpus-driven runner (a worker process, time and memory watched), and a short run of it
is the last test."""

import json
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bittts.app.settings import Settings, SettingsStore
from bittts.documents import DocumentError, read_document
from bittts.documents.html import html_to_text
from bittts.documents.markdown import markdown_to_text
from bittts.engine.text.ssml import Break, SsmlError, SsmlWord, parse_ssml
from bittts.engine.text.user_dict import UserDict

ROOT = Path(__file__).resolve().parent.parent

# fmt: off
EXTREME = ["1" + "0" * 400, "9" * 4400, "-" + "9" * 400, "1e400", "nan", "0", "-0", "0.0000001", "+100000", ""]
SSML_PART = st.one_of(
    st.sampled_from(["<s>", "</s>", "<p>", "</p>", "<emphasis>", "</emphasis>", "</prosody>", "</say-as>",
                     "</phoneme>", "</sub>", "hello", " ", ".", "$4.50", "Dr.", "&amp;", "&#99999999999;", "&",
                     "<", ">", "<!--", "-->", "<mark name='m'/>"]),
    st.builds(lambda v, u: f'<break time="{v}{u}"/>', st.sampled_from(EXTREME + ["10", "500"]),
              st.sampled_from(["ms", "s", ""])),
    st.builds(lambda a, v, u: f'<prosody {a}="{v}{u}">', st.sampled_from(["rate", "pitch", "volume"]),
              st.sampled_from(EXTREME + ["+6", "150"]), st.sampled_from(["", "%", "st", "dB"])),
    st.builds(lambda k, v: f'<say-as interpret-as="{k}">{v}',
              st.sampled_from(["cardinal", "ordinal", "date", "telephone", "characters"]),
              st.sampled_from(EXTREME + ["4/5/2021", "555-1234"])),
    st.builds(lambda n: '<phoneme ph="' + "AH0 " * n + '">', st.sampled_from([0, 1, 200, 201, 1000])),
    st.builds(lambda n: '<break time="10s"/>' * n, st.sampled_from([1, 6, 7])),
    st.builds(lambda n: "<emphasis>" * n, st.sampled_from([1, 31, 32, 200])),
    st.text(max_size=20),
)
# fmt: on


def parsed_or_clear_error(ssml):
    """The items of ``ssml``, or none when it is refused with a clear SsmlError."""
    try:
        return parse_ssml(ssml)
    except SsmlError as e:
        assert "SSML error at line" in str(e)
        return []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SSML_PART, max_size=12).map("".join))
def test_ssml_extremes_give_ssml_errors_or_bounded_items(body):
    pause = silence = 0
    for it in parsed_or_clear_error("<speak>" + body + "</speak>"):
        if isinstance(it, Break):
            pause += it.time_ms
            silence += it.time_ms
            assert pause <= 60_000 and silence <= 3_600_000
        else:
            assert isinstance(it, SsmlWord)
            pause = 0
            p = it.prosody
            assert 0.25 <= p.rate <= 4 and -12 <= p.pitch_st <= 12 and -120 <= p.volume_db <= 12
            assert it.phones is None or len(it.phones) <= 200


MARKUP = st.lists(
    st.one_of(
        st.sampled_from(["[", "]", "(", ")", "!", "*", "_", "`", "<", ">", "/", "=", "'", '"', "&", "#", "-", " ",
                         "\n", "a", "<a ", "<p>", "</p>", "<!--", "-->", "<script>", "</script>", "&amp;", "<br/>"]),
        st.text(max_size=5),
    ),
    max_size=60,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(MARKUP, st.integers(min_value=1, max_value=2000))
def test_markup_readers_never_raise_and_stay_linear(piece, repeat):
    # markdown-it-py is linear but slow on hostile input (about 16 us a character of "![", where
    # prose takes 1 us), so it is given a quarter of the text the HTML parser gets
    for reader, size in ((markdown_to_text, 50_000), (html_to_text, 200_000)):
        text = (piece * repeat)[:size]
        started = time.process_time()
        out = reader(text)
        assert isinstance(out, str) and out == out.strip()
        assert time.process_time() - started < 2.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html", ".epub", ".pdf"]))
def test_any_bytes_under_a_document_name_read_or_give_a_document_error(tmp_path, data, suffix):
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    try:
        assert read_document(path).text.strip()
    except DocumentError as e:
        assert str(e)


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)
SETTINGS_TEXT = st.one_of(
    st.dictionaries(st.sampled_from(["speed", "pitch", "volume", "font_size", "voice", "theme", "recent_files",
                                     "blend_weight", "date_order", "other"]), JSON_VALUE).map(json.dumps),
    st.sampled_from(['{"speed": ' + "9" * 400 + "}", '{"speed": ' + "9" * 5000 + "}", "[" * 50_000, "1e400",
                     '{"speed": NaN, "pitch": -Infinity}']),
    st.text(max_size=50),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SETTINGS_TEXT)
def test_settings_and_dictionary_always_load_and_keep_what_they_cannot_read(tmp_path, text):
    for old in tmp_path.iterdir():
        old.unlink()
    path = tmp_path / "settings.json"
    data = text.encode("utf-8", errors="surrogatepass")
    path.write_bytes(data)
    store = SettingsStore(path)
    loaded = store.load()
    assert isinstance(loaded, Settings)
    store.save(loaded)
    if store.problem:
        assert (tmp_path / "settings.json.corrupt").read_bytes() == data
    pron = tmp_path / "pron.json"
    pron.write_bytes(data)
    ud = UserDict.load(pron)
    ud.add("fuzz", respell="fuzz")
    ud.save()
    assert UserDict.load(pron).get("fuzz") is not None


def test_a_short_run_of_the_fuzz_runner_finds_no_failure():
    argv = [sys.executable, str(ROOT / "bench" / "fuzz_inputs.py"), "--runs", "60", "--doc-runs", "12",
            "--settings-runs", "12", "--seed", "1", "--quiet"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| text | 30 |" in done.stdout and "| ssml | 30 |" in done.stdout and "| document | 12 |" in done.stdout
