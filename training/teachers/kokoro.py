"""Kokoro-82M as a teacher that reads OUR phones and reports its own durations.

Installed by training/teachers/install_kokoro.sh into work-data/teachers/kokoro/ (graph, the 28
English voice style tables, the voices' published grades). This module:

- maps the front end's symbols (ARPAbet with stress, pauses, punctuation) to Kokoro's phoneme
  tokens (`kokoro_tokens`), keeping for every Kokoro token the index of the symbol it came from,
  so that Kokoro's per-token durations sum back onto our symbols exactly;
- prepares a copy of the graph whose outputs include `/encoder/Round_output_0`, the duration of
  every token (pads included) in frames of 600 samples at 24 kHz (`prepare`); audio length is
  600 x the sum of the durations, exactly;
- synthesizes one utterance (`KokoroTeacher.synthesize`) -> 24 kHz float32 audio and the
  duration of each of our symbols in samples.

The phone table (docs/corpus.md, "Our phones in Kokoro's symbols"): consonants map one to one;
vowels to Kokoro's US symbols (its diphthongs are single tokens: A = eɪ, I = aɪ, O = oʊ, W = aʊ,
Y = ɔɪ); AH is ʌ when stressed and ə when not, ER is ɜɹ when stressed and əɹ when not. A stress
mark (ˈ primary, ˌ secondary) stands right before the vowel. All of this is how Kokoro's own G2P
(misaki) writes US English. The British voices read the vowels as misaki writes British English
(long vowels marked, TRAP a, LOT ɒ, GOAT Q) and say no R where no vowel follows it (the vowel
before it takes its British form: ɑː, ɔː, ɛː, ɪə, ʊə); such an R gets no duration. CMU's AO
is ɒ before F, S, SH, TH, NG and G (off, cross, long, dog), else ɔː. Read with the
US vowels and every R, emma lost 2 points more to Whisper than reading misaki's phones.

    .venv/bin/python -m training.teachers.kokoro --prepare          # add the duration output
    .venv/bin/python -m training.teachers.kokoro --say "Hello there." --voice af_heart -o x.wav
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KOKORO_DIR = Path("work-data/teachers/kokoro")
GRAPH = "kokoro-v1.0.int8.onnx"
GRAPH_WITH_DURATIONS = "kokoro-v1.0.int8.durations.onnx"
DURATION_OUTPUT = "/encoder/Round_output_0"
SAMPLE_RATE = 24000
SAMPLES_PER_DURATION_FRAME = 600  # Kokoro's duration unit: 25 ms at 24 kHz
MAX_TOKENS = 510  # the style tables' rows; pads not counted

# Kokoro's phoneme vocabulary (kokoro-onnx 0.6.1 config.json), the part our table can emit.
# fmt: off
VOCAB: dict[str, int] = {
    ";": 1, ":": 2, ",": 3, ".": 4, "!": 5, "?": 6, "—": 9, "…": 10, " ": 16,
    "A": 24, "I": 25, "O": 31, "Q": 33, "W": 39, "Y": 41,
    "a": 43, "b": 44, "d": 46, "f": 48, "h": 50, "i": 51, "j": 52, "k": 53, "l": 54, "m": 55,
    "n": 56, "p": 58, "s": 61, "t": 62, "u": 63, "v": 64, "w": 65, "z": 68,
    "ɑ": 69, "ɒ": 71, "æ": 72, "ɔ": 76, "ð": 81, "ʤ": 82, "ə": 83, "ɚ": 85, "ɛ": 86, "ɜ": 87,
    "ɡ": 92, "ɪ": 102, "ŋ": 112, "θ": 119, "ɹ": 123, "ʃ": 131, "ʧ": 133, "ʊ": 135,
    "ʌ": 138, "ʒ": 147, "ˈ": 156, "ˌ": 157, "ː": 158,
}
# fmt: on

CONSONANTS = {
    "B": "b",
    "CH": "ʧ",
    "D": "d",
    "DH": "ð",
    "F": "f",
    "G": "ɡ",
    "HH": "h",
    "JH": "ʤ",
    "K": "k",
    "L": "l",
    "M": "m",
    "N": "n",
    "NG": "ŋ",
    "P": "p",
    "R": "ɹ",
    "S": "s",
    "SH": "ʃ",
    "T": "t",
    "TH": "θ",
    "V": "v",
    "W": "w",
    "Y": "j",
    "Z": "z",
    "ZH": "ʒ",
}
# vowel -> (stressed, unstressed) Kokoro symbols, US
VOWELS_US = {
    "AA": ("ɑ", "ɑ"),
    "AE": ("æ", "æ"),
    "AH": ("ʌ", "ə"),
    "AO": ("ɔ", "ɔ"),
    "AW": ("W", "W"),
    "AY": ("I", "I"),
    "EH": ("ɛ", "ɛ"),
    "ER": ("ɜɹ", "əɹ"),
    "EY": ("A", "A"),
    "IH": ("ɪ", "ɪ"),
    "IY": ("i", "i"),
    "OW": ("O", "O"),
    "OY": ("Y", "Y"),
    "UH": ("ʊ", "ʊ"),
    "UW": ("u", "u"),
}
# British voices: the vowels as Kokoro's own G2P writes British English (long vowels marked,
# TRAP a, LOT ɒ, GOAT Q), and no R where no vowel follows it: the vowel before such an R takes
# its British form instead (BEFORE_R_GB). CMU's AA covers LOT and PALM/START: ɒ, but ɑː before R.
VOWELS_GB = {
    **VOWELS_US,
    "AA": ("ɒ", "ɒ"),
    "AE": ("a", "a"),
    "AO": ("ɔː", "ɔː"),
    "ER": ("ɜː", "ə"),  # fmt: skip
    "IY": ("iː", "i"),
    "OW": ("Q", "Q"),
    "UW": ("uː", "u"),  # fmt: skip
}
BEFORE_R_GB = {
    "AA": "ɑː",
    "AO": "ɔː",
    "EH": "ɛː",
    "EY": "ɛː",
    "IH": "ɪə",
    "IY": "ɪə",
    "UH": "ʊə",
    "UW": "ʊə",  # fmt: skip
    "AY": "Iə",
    "AW": "Wə",  # fmt: skip
}
# CMU's AO is THOUGHT (ɔː) but also LOT before these consonants (off, cross, cloth, long, dog).
LOT_BEFORE_GB = {"F", "S", "SH", "TH", "NG", "G"}
STRESS_MARK = {"1": "ˈ", "2": "ˌ", "0": ""}
PUNCT = {",": ",", ".": ".", "?": "?", "!": "!", ";": ";", ":": ":", "…": "…", "—": "—"}


def phone_table(accent: str = "US") -> dict[str, str]:
    """Every ARPAbet phone (vowels with stress digit) -> its Kokoro symbols, as one string."""
    vowels = VOWELS_GB if accent == "GB" else VOWELS_US
    table = dict(CONSONANTS)
    for v, (stressed, unstressed) in vowels.items():
        for s in "012":
            table[v + s] = STRESS_MARK[s] + (unstressed if s == "0" else stressed)
    return table


@dataclass(frozen=True)
class KokoroInput:
    tokens: tuple[int, ...]  # Kokoro ids, the two 0 pads included
    owner: tuple[int, ...]  # for each token, the index of our symbol it comes from
    phonemes: str  # the same as text, for reading (pads left out)


def _is_vowel(sym: str) -> bool:
    return sym[-1:] in ("0", "1", "2") and sym[:1].isalpha()


def british_r(symbols: tuple[str, ...], k: int, table: dict[str, str]) -> str:
    """A British voice's symbols for symbols[k] where an R may be silent: an R with no vowel
    after it says nothing, and the vowel before such an R takes its British form."""
    sym = symbols[k]
    after = symbols[k + 1 : k + 3]
    if sym == "R":
        return "ɹ" if after and _is_vowel(after[0]) else ""
    if _is_vowel(sym) and after[:1] == ("R",) and not (len(after) > 1 and _is_vowel(after[1])):
        vowel, stress = sym[:-1], sym[-1]
        if vowel in BEFORE_R_GB:
            return STRESS_MARK[stress] + BEFORE_R_GB[vowel]
    if sym[:-1] == "AO" and after[:1] and after[0] in LOT_BEFORE_GB:
        return STRESS_MARK[sym[-1]] + "ɒ"
    return table[sym]


def kokoro_tokens(symbols: tuple[str, ...], accent: str = "US") -> KokoroInput:
    """Our symbol sequence (<bos> ... <eos>, as `encode_phones` writes it) -> Kokoro's tokens.

    <bos>/<eos> become the pads (Kokoro's leading and trailing silence), <wb> a space, a
    punctuation mark the mark and, inside the sentence, a space after it. For a British voice
    an R with no vowel after it gets no token (and so no duration)."""
    table = phone_table(accent)
    ids: list[int] = []
    owner: list[int] = []
    text: list[str] = []
    last = len(symbols) - 1
    for k, sym in enumerate(symbols):
        if sym in ("<bos>", "<eos>"):
            ids.append(0)
            owner.append(k)
            continue
        if sym == "<wb>":
            chars = " "
        elif sym in PUNCT:
            after_is_end = k + 1 <= last and symbols[k + 1] == "<eos>"
            chars = PUNCT[sym] + ("" if after_is_end else " ")
        elif sym in table:
            chars = british_r(symbols, k, table) if accent == "GB" else table[sym]
        else:
            raise ValueError(f"symbol {sym!r} has no Kokoro phoneme")
        for c in chars:
            ids.append(VOCAB[c])
            owner.append(k)
        text.append(chars)
    if len(ids) - 2 > MAX_TOKENS:
        raise ValueError(f"{len(ids) - 2} Kokoro tokens; at most {MAX_TOKENS} fit one utterance")
    return KokoroInput(tuple(ids), tuple(owner), "".join(text))


def durations_to_symbols(token_frames: np.ndarray, owner: tuple[int, ...], n_symbols: int) -> np.ndarray:
    """Per-token durations (Kokoro frames) -> per-symbol durations in samples at 24 kHz."""
    out = np.zeros(n_symbols, dtype=np.int64)
    np.add.at(out, np.asarray(owner), np.asarray(token_frames, dtype=np.int64))
    return out * SAMPLES_PER_DURATION_FRAME


def prepare(directory: Path = KOKORO_DIR) -> Path:
    """Write the graph with the duration output added (idempotent)."""
    import onnx

    src, dst = directory / GRAPH, directory / GRAPH_WITH_DURATIONS
    if dst.exists() and dst.stat().st_mtime >= src.stat().st_mtime:
        return dst
    model = onnx.load(str(src))
    if DURATION_OUTPUT not in {o.name for o in model.graph.output}:
        model.graph.output.append(onnx.helper.make_tensor_value_info(DURATION_OUTPUT, onnx.TensorProto.FLOAT, None))
    tmp = dst.with_suffix(".tmp")
    onnx.save(model, str(tmp))
    tmp.replace(dst)
    return dst


def load_voice(name: str, directory: Path = KOKORO_DIR) -> np.ndarray:
    """A voice's style table, float32 (510, 256)."""
    path = directory / "voices" / f"{name}.bin"
    table = np.fromfile(path, dtype="<f4")
    if table.size != 510 * 256:
        raise ValueError(f"{path}: {table.size} floats, expected 510 x 256")
    return table.reshape(510, 256)


def voice_grades(directory: Path = KOKORO_DIR) -> dict[str, str]:
    """The grades published with the voices (kokoro-js), e.g. {'af_heart': 'A'}."""
    import re

    grades = {}
    path = directory / "voice-grades.txt"
    if path.exists():
        for line in path.read_text().splitlines():
            m = re.match(r'([a-z]{2}_[a-z]+):\{.*overallGrade:"([^"]+)"', line)
            if m:
                grades[m.group(1)] = m.group(2)
    return grades


class KokoroTeacher:
    """The graph loaded once per process (`threads` onnxruntime threads)."""

    def __init__(self, directory: Path = KOKORO_DIR, threads: int = 1):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.directory = directory
        self.session = ort.InferenceSession(str(prepare(directory)), opts, providers=["CPUExecutionProvider"])
        self._voices: dict[str, np.ndarray] = {}

    def voice(self, name: str) -> np.ndarray:
        if name not in self._voices:
            self._voices[name] = load_voice(name, self.directory)
        return self._voices[name]

    def run(self, tokens, voice: str, speed: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Kokoro token ids (pads included) -> (audio float32 at 24 kHz, frames per token)."""
        n_phonemes = len(tokens) - 2
        style = self.voice(voice)[min(n_phonemes, MAX_TOKENS) - 1][None, :]
        audio, frames = self.session.run(
            ["audio", DURATION_OUTPUT],
            {
                "tokens": np.asarray([tokens], dtype=np.int64),
                "style": style.astype(np.float32),
                "speed": np.asarray([speed], dtype=np.float32),
            },
        )
        return (
            np.asarray(audio, dtype=np.float32).reshape(-1),
            np.rint(np.asarray(frames)).astype(np.int64).reshape(-1),
        )

    def synthesize_tokens(self, tokens, voice: str, speed: float = 1.0) -> np.ndarray:
        """Audio of Kokoro token ids (as its own G2P would give them), pads included."""
        return self.run(tokens, voice, speed)[0]

    def synthesize(
        self, symbols: tuple[str, ...], voice: str, accent: str = "US", speed: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """-> (audio float32 at 24 kHz, duration of each of our symbols in samples)."""
        inp = kokoro_tokens(symbols, accent)
        audio, frames = self.run(inp.tokens, voice, speed)
        if frames.size != len(inp.tokens):
            raise RuntimeError(f"Kokoro gave {frames.size} durations for {len(inp.tokens)} tokens")
        durations = durations_to_symbols(frames, inp.owner, len(symbols))
        if int(durations.sum()) != audio.size:
            raise RuntimeError(f"Kokoro's durations sum to {int(durations.sum())} samples, its audio has {audio.size}")
        return audio, durations


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=KOKORO_DIR)
    ap.add_argument("--prepare", action="store_true", help="write the graph with the duration output")
    ap.add_argument("--say", help="a sentence to read with our front end's phones")
    ap.add_argument("--voice", default="af_heart")
    ap.add_argument("-o", "--out", type=Path, default=Path("kokoro.wav"))
    args = ap.parse_args(argv)
    if args.prepare:
        print(f"graph with durations: {prepare(args.dir)}")
    if args.say:
        import soundfile as sf

        from training.corpus import frontend_adapter as fe

        u = fe.utterance(args.say)
        if u is None:
            print("the front end cannot read that sentence without the OOV G2P", file=sys.stderr)
            return 2
        teacher = KokoroTeacher(args.dir)
        accent = "GB" if args.voice[0] == "b" else "US"
        audio, durations = teacher.synthesize(u.symbols, args.voice, accent)
        sf.write(str(args.out), audio, SAMPLE_RATE)
        print(kokoro_tokens(u.symbols, accent).phonemes)
        print(" ".join(f"{s}:{d}" for s, d in zip(u.symbols, durations)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
