"""The corpus report: per speaker hours, utterances kept and dropped, alignment error, coverage,
and the teacher's Whisper WER and Distill-MOS on the test split. Reads only what the other
steps wrote. Both teacher sets are shown: the classic eight voices and the Kokoro voices (whose
alignment is Kokoro's own durations, checked against pocketsphinx on a sample).

    .venv/bin/python -m training.corpus.report            # text table
    .venv/bin/python -m training.corpus.report --json     # the same as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from training.corpus import frontend_adapter as fe
from training.corpus.align import ALIGN
from training.corpus.features import FEATURES_KOKORO, MANIFEST
from training.corpus.generate import AUDIO, CORPUS, plan_path
from training.corpus.text import COVERAGE, SENTENCES
from training.teachers.voices import ALL_VOICES, KOKORO_VOICES, VOICES


def _read_jsonl(p: Path) -> list[dict]:
    if not p.exists():
        return []
    with open(p) as f:
        return [json.loads(line) for line in f if line.strip()]


def collect() -> dict:
    plan = _read_jsonl(plan_path("classic"))[1:]
    kokoro_plan = _read_jsonl(plan_path("kokoro"))[1:]
    planned = Counter((j["speaker"], j["split"]) for j in plan + kokoro_plan)
    out = {"speakers": {}, "text": {}, "alignment_check": {}, "wer": {}}
    gen_sec = defaultdict(float)
    gen_n = Counter()
    for v in ALL_VOICES:
        d = AUDIO / v.name
        for j in d.glob("s*.json") if d.exists() else []:
            m = json.loads(j.read_text())
            gen_sec[(v.name, m["split"])] += m["duration_s"]
            gen_n[(v.name, m["split"])] += 1
    al_ok, al_bad, reasons = Counter(), Counter(), defaultdict(Counter)
    for v in VOICES:
        d = ALIGN / v.name
        for j in d.glob("s*.json") if d.exists() else []:
            r = json.loads(j.read_text())
            if r.get("ok"):
                al_ok[v.name] += 1
            else:
                al_bad[v.name] += 1
                reasons[v.name][r.get("reason", "?").split(":")[0]] += 1
    feats = Counter()
    feat_sec = defaultdict(float)
    for r in _read_jsonl(MANIFEST) + _read_jsonl(FEATURES_KOKORO / MANIFEST.name):
        feats[(r["speaker"], r["split"])] += 1
        feat_sec[(r["speaker"], r["split"])] += r["seconds"]
    kokoro_names = {v.name for v in KOKORO_VOICES}
    for (spk, _), n in gen_n.items():  # Kokoro's own durations: every utterance is aligned
        if spk in kokoro_names:
            al_ok[spk] += n
    chk_p = CORPUS / "align_check.json"
    chk = json.loads(chk_p.read_text()) if chk_p.exists() else {}
    kchk_p = CORPUS / "align_check_kokoro.json"
    kchk = json.loads(kchk_p.read_text()) if kchk_p.exists() else None
    wer_p = CORPUS / "wer.json"
    wer = json.loads(wer_p.read_text()) if wer_p.exists() else {}
    for v in ALL_VOICES:
        s = v.name
        if v not in VOICES and not planned[(s, "train")] and not gen_n[(s, "valid")] + gen_n[(s, "test")]:
            continue  # a Kokoro voice not planned yet
        out["speakers"][s] = {
            "speaker_id": v.speaker_id,
            "engine": v.engine,
            "sex": v.sex,
            "accent": v.accent,
            "licence": v.licence,
            "native_rate": v.native_rate,
            "planned": {sp: planned[(s, sp)] for sp in ("train", "valid", "test")},
            "generated": {sp: gen_n[(s, sp)] for sp in ("train", "valid", "test")},
            "hours_generated": {sp: round(gen_sec[(s, sp)] / 3600, 3) for sp in ("train", "valid", "test")},
            "aligned_ok": al_ok[s],
            "dropped": al_bad[s],
            "drop_reasons": dict(reasons[s]),
            "features": {sp: feats[(s, sp)] for sp in ("train", "valid", "test")},
            "hours_features": {sp: round(feat_sec[(s, sp)] / 3600, 3) for sp in ("train", "valid", "test")},
            "alignment_check": (kchk or {}).get("per_voice", {}).get(s) if s in kokoro_names else chk.get(s),
            "teacher_wer": (wer.get("speakers") or {}).get(s),
        }
    if COVERAGE.exists():
        c = json.loads(COVERAGE.read_text())
        out["text"] = {
            k: c[k]
            for k in (
                "sentences",
                "splits",
                "sources",
                "cmu_diphone_types",
                "diphones_covered",
                "diphone_coverage",
                "diphone_coverage_train",
                "stressed_diphone_coverage",
                "min_phone",
                "phones_missing",
            )
            if k in c
        }
        out["text"]["phone_counts"] = c.get("phone_counts")
    out["text"]["sentences_file"] = str(SENTENCES)
    if plan and SENTENCES.exists():
        # coverage of what the speakers actually say in training (the union of their lists)
        from training.corpus.text import cmu_diphones, corpus_counts, load_sentences

        planned_ids = {j["id"] for j in plan if j["split"] == "train"}
        rows = [r for r in load_sentences() if r["id"] in planned_ids]
        phones, diph = corpus_counts(rows, ("train",))
        target = cmu_diphones()
        out["text"]["planned_train_sentences"] = len(rows)
        out["text"]["planned_train_diphone_coverage"] = sum(1 for d in target if d in diph) / len(target)
        out["text"]["planned_train_min_phone"] = min((phones.get(p, 0), p) for p in fe.ARPABET)
    out["alignment_check"] = {**chk, **({"kokoro": kchk} if kchk else {})}
    out["wer"] = wer
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rep = collect()
    if args.json:
        print(json.dumps(rep, indent=1))
        return 0
    t = rep["text"]
    if t.get("sentences"):
        print(f"Text: {t['sentences']} sentences {t['splits']}; sources {t['sources']}")
        print(
            f"  diphones (CMU word-internal, no stress): {t['diphones_covered']}/{t['cmu_diphone_types']}"
            f" = {100 * t['diphone_coverage']:.1f}% (train only {100 * t['diphone_coverage_train']:.1f}%);"
            f" with stress {100 * t['stressed_diphone_coverage']:.1f}%"
        )
        print(f"  rarest phone: {t['min_phone'][1]} x{t['min_phone'][0]}; missing: {t['phones_missing'] or 'none'}")
        if "planned_train_sentences" in t:
            print(
                f"  planned training text (union over speakers): {t['planned_train_sentences']} sentences,"
                f" diphone coverage {100 * t['planned_train_diphone_coverage']:.1f}%,"
                f" rarest phone {t['planned_train_min_phone'][1]} x{t['planned_train_min_phone'][0]}"
            )
    print()
    hdr = (
        f"{'speaker':8} {'id':>2} {'eng':7} {'sx'} {'accent':8} {'train h':>7} {'val h':>5} {'test h':>6}"
        f" {'gen/plan':>11} {'kept':>5} {'drop':>4} {'feat':>5} {'align err (ms, <=20ms)':>24} {'WER':>6} {'DMOS':>5}"
    )
    print(hdr)
    print("-" * len(hdr))
    for s, r in rep["speakers"].items():
        g, p, h = r["generated"], r["planned"], r["hours_generated"]
        gen = sum(g.values())
        pl = sum(p.values())
        ac = r["alignment_check"]
        acs = (
            f"{ac['mean_ms']} ms, {100 * ac['within_20ms']:.0f}%"
            if ac and ac.get("mean_ms") is not None
            else "n/a (no engine timings)"
        )
        w = r["teacher_wer"]
        ws = f"{100 * w['wer']:.1f}%" if w and w.get("wer") is not None else "-"
        ms = f"{w['distill_mos']:.2f}" if w and w.get("distill_mos") is not None else "-"
        print(
            f"{s:8} {r['speaker_id']:>2} {r['engine']:7} {r['sex']:2} {r['accent']:8} {h['train']:7.2f}"
            f" {h['valid']:5.2f} {h['test']:6.2f} {gen:>5}/{pl:<5} {r['aligned_ok']:5d} {r['dropped']:4d}"
            f" {sum(r['features'].values()):5d} {acs:>24} {ws:>6} {ms:>5}"
        )
    tot = sum(sum(r["hours_generated"].values()) for r in rep["speakers"].values())
    print(
        f"\nTotal generated audio: {tot:.2f} h. Drop reasons: "
        + "; ".join(f"{s}: {r['drop_reasons']}" for s, r in rep["speakers"].items() if r["drop_reasons"])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
