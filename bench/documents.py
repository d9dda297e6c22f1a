"""Documents sent to the bot: the generated corpus (tests/documents/corpus.py) through the
real intake, element parser and signing rules. Reports the extraction accuracy per GB/T
9704 element, the routing result per signing rule and per check, the bad files, and the
time per layout (OCR included when Tesseract is installed).

    .venv/bin/python bench/documents.py [--json]

Results: bench/results/documents.json."""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.documents.analyze import Source, analyze_lines  # noqa: E402
from bot.documents.gongwen import parse_gongwen  # noqa: E402
from bot.documents.intake import IntakeError, Limits, read_upload  # noqa: E402
from bot.documents.ocr import OcrEngine  # noqa: E402
from bot.procedures.frontdesk import FrontDesk  # noqa: E402
from bot.retrieval.index import KnowledgeIndex  # noqa: E402
from bot.services.documents import DocumentService  # noqa: E402
from tests.documents.corpus import ROSTER_PATH, bad_files, corpus  # noqa: E402
from tests.documents.heldout import heldout  # noqa: E402
from tests.documents.test_corpus import heldout_truth  # noqa: E402
from tests.documents.scoring import ASPECTS, ELEMENTS, OCR_ELEMENTS, element_results, route_results  # noqa: E402


# The parsed field an OCR-only comparison looks at.
OCR_FIELD = {"number_digits": "number", "issuer": "issuer_mark"}


def _open(data_dir: Path):
    from ingest.pipeline import ingest, is_stale

    cfg = load_config()
    cfg.storage.data_dir = data_dir
    cfg.roster.path = ROSTER_PATH
    if is_stale(cfg):
        ingest(cfg, progress=False)
    return DocumentService.from_config(cfg, FrontDesk.from_config(cfg), KnowledgeIndex.open(cfg))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse an index (default: a temp one)")
    args = parser.parse_args()
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-documents-")
        args.data_dir = Path(tmp.name)
    service = _open(args.data_dir)
    kit = service.kit
    ocr_ok = kit.ocr.available()
    samples = corpus()
    elements = defaultdict(lambda: [0, 0])       # element -> [right, compared]
    aspects = defaultdict(lambda: [0, 0])
    per_rule = defaultdict(lambda: [0, 0])       # expected primary rule -> [routed right, samples]
    per_check = defaultdict(lambda: [0, 0])      # check id -> [found where expected, expected]
    false_checks = defaultdict(int)              # check id -> fired where not expected
    times = defaultdict(list)
    misses = []
    skipped = []
    for s in samples:
        if s.layout in ("image", "scan-pdf") and not ocr_ok:
            skipped.append(s.name)
            continue
        start = time.perf_counter()
        extracted = read_upload(s.data, s.filename, kit.limits, kit.ocr)
        doc = parse_gongwen(extracted.lines)
        times[s.layout].append(time.perf_counter() - start)
        for e, ok in element_results(s.truth, doc).items():
            elements[e][0] += ok
            elements[e][1] += 1
            if not ok:
                misses.append({"sample": s.name, "element": e, "expected": s.truth.get(e),
                               "got": doc.as_dict().get(OCR_FIELD.get(e, e))})
        source = Source.of(s.filename, extracted)
        first = analyze_lines(source, kit, service.frontdesk, service.index)
        final = analyze_lines(source, kit, service.frontdesk, service.index, answers=s.expect.get("answers") or {})
        result = route_results(s.expect, first, final)
        for a, ok in result.items():
            aspects[a][0] += ok
            aspects[a][1] += 1
        rule = s.expect.get("primary_rule") or ("(refused)" if s.expect.get("refused") else "(none)")
        per_rule[rule][0] += all(result.values())
        per_rule[rule][1] += 1
        fired = {w.id for w in final.warnings}
        for c in s.expect.get("checks") or []:
            per_check[c][0] += c in fired
            per_check[c][1] += 1
        for c in s.expect.get("rule_checks") or []:
            ids = set(final.routing.rule_ids) if final.routing else set()
            per_check[c][0] += c in ids
            per_check[c][1] += 1
        known = {c.id for c in kit.checks} | {"check.one_matter", "check.report_with_request", "check.bypass",
                                              "check.multiple_recipients", "check.to_leader"}
        ids = fired | (set(final.routing.rule_ids) if final.routing else set())
        for c in (ids & known) - set(s.expect.get("checks") or []) - set(s.expect.get("rule_checks") or []):
            false_checks[c] += 1
        if not all(result.values()):
            misses.append({"sample": s.name, "routing": {k: v for k, v in result.items() if not v}})
    heldout_elements = defaultdict(lambda: [0, 0])
    heldout_docs = 0
    for h in heldout():
        extracted = read_upload(h.data, h.filename, kit.limits, kit.ocr)
        doc = parse_gongwen(extracted.lines)
        results = element_results(heldout_truth(h), doc)
        heldout_docs += all(results.values())
        for e, ok in results.items():
            heldout_elements[e][0] += ok
            heldout_elements[e][1] += 1
            if not ok:
                misses.append({"heldout": h.name, "element": e, "expected": h.truth.get(e),
                               "got": doc.as_dict().get(e)})
    bad = []
    for code, name, data in bad_files():
        ocr = OcrEngine(enabled=code != "scan_without_ocr")
        limits = Limits(max_bytes=len(data) - 1) if code == "too_big" else Limits(max_bytes=60 << 20)
        expected = "no_ocr" if code == "scan_without_ocr" else code
        start = time.perf_counter()
        try:
            read_upload(data, name, limits, ocr)
            got = "(read)"
        except IntakeError as exc:
            got = exc.code
        bad.append({"file": name, "expected": expected, "got": got, "ok": got == expected,
                    "seconds": round(time.perf_counter() - start, 3)})
    report = {
        "samples": len(samples), "ocr": ocr_ok, "skipped": skipped,
        "elements": {e: {"right": r, "of": n, "accuracy": round(r / n, 3)} for e, (r, n) in elements.items()},
        "heldout": {"documents": len(heldout()), "fully_right": heldout_docs,
                    "elements": {e: {"right": r, "of": n} for e, (r, n) in heldout_elements.items()}},
        "routing": {a: {"right": r, "of": n} for a, (r, n) in aspects.items()},
        "rules": {k: {"right": r, "of": n} for k, (r, n) in sorted(per_rule.items())},
        "checks": {k: {"found": r, "expected": n, "false_alarms": false_checks.get(k, 0)}
                   for k, (r, n) in sorted(per_check.items())},
        "false_alarms_without_expectation": {k: v for k, v in false_checks.items() if k not in per_check},
        "bad_files": bad,
        "seconds_per_file": {k: {"n": len(v), "median": round(statistics.median(v), 4), "max": round(max(v), 4)}
                             for k, v in sorted(times.items())},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "misses": misses,
    }
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "documents.json").write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                                      encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report)
    if tmp is not None:
        tmp.cleanup()
    return 0


def _print(r: dict) -> None:
    print(f"{r['samples']} documents, OCR {'on' if r['ocr'] else 'off (skipped: ' + ', '.join(r['skipped']) + ')'}")
    print("\nelement               right/of  accuracy")
    for e in list(ELEMENTS) + [x for x in OCR_ELEMENTS if x not in ELEMENTS]:
        if e in r["elements"]:
            v = r["elements"][e]
            print(f"  {e:<20} {v['right']:>3}/{v['of']:<3}  {v['accuracy']:.3f}")
    h = r["heldout"]
    right = sum(v["right"] for v in h["elements"].values())
    total = sum(v["of"] for v in h["elements"].values())
    print(f"\nheld-out corpus (written blind to the parser): {h['fully_right']}/{h['documents']} documents "
          f"fully right, {right}/{total} elements")
    for e, v in h["elements"].items():
        if v["right"] != v["of"]:
            print(f"  {e:<20} {v['right']:>3}/{v['of']}")
    print("\nrouting aspect        right/of")
    for a in ASPECTS:
        if a in r["routing"]:
            v = r["routing"][a]
            print(f"  {a:<20} {v['right']:>3}/{v['of']}")
    print("\nsigning rule (all aspects right)")
    for k, v in r["rules"].items():
        print(f"  {k:<28} {v['right']:>3}/{v['of']}")
    print("\ncheck                 found/expected  false alarms")
    for k, v in r["checks"].items():
        print(f"  {k:<24} {v['found']:>3}/{v['expected']:<3}  {v['false_alarms']}")
    for k, v in r["false_alarms_without_expectation"].items():
        print(f"  {k:<24}   -/0    {v}")
    print("\nbad files")
    for b in r["bad_files"]:
        print(f"  {'ok ' if b['ok'] else 'NO '} {b['file']:<24} expected {b['expected']:<16} got {b['got']}")
    print("\nseconds per file (read + elements)")
    for k, v in r["seconds_per_file"].items():
        print(f"  {k:<20} n={v['n']:<3} median {v['median']:.4f}  max {v['max']:.4f}")
    print(f"\npeak RSS {r['peak_rss_mb']} MB; misses: {len(r['misses'])} (bench/results/documents.json)")


if __name__ == "__main__":
    raise SystemExit(main())
