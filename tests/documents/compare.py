"""List where the current extractor and router disagree with the corpus (a development
tool, not a test; the same scoring as tests/documents/test_corpus.py and
bench/documents.py, without building the search index):

    .venv/bin/python -m tests.documents.compare            # every sample
    .venv/bin/python -m tests.documents.compare NAME...    # some, with the lines read
    .venv/bin/python -m tests.documents.compare --no-ocr   # skip the photo and the scan

For each sample that disagrees: the elements of `truth` read differently (expected, got),
then the routing aspects of `expect` that differ.
"""
from __future__ import annotations

import logging
import sys
from types import SimpleNamespace

from bot.config import PROJECT_ROOT
from bot.documents.analyze import DocumentKit, Source, analyze_lines
from bot.documents.checks import load_checks
from bot.documents.facts import KindTable
from bot.documents.form import FormTemplate
from bot.documents.intake import Limits, read_upload
from bot.documents.ocr import OcrEngine
from bot.documents.units import UnitDirectory
from bot.procedures.roster import Roster
from bot.procedures.rules import load_rules
from tests.documents.corpus import ROSTER_PATH, corpus
from tests.documents.scoring import element_results, route_results

GONGWEN = PROJECT_ROOT / "knowledge" / "gongwen"


def kit(ocr: bool = True):
    roster = Roster.load(ROSTER_PATH)
    k = DocumentKit(UnitDirectory.load(GONGWEN / "units.toml", roster), KindTable.load(GONGWEN / "kinds.toml"),
                    load_checks(GONGWEN / "format_checks.toml"), FormTemplate.load(GONGWEN / "fawen_gaozhi.toml"),
                    Limits(), OcrEngine(enabled=ocr))
    frontdesk = SimpleNamespace(roster=roster, rules=load_rules(), calendar=None)
    regulation = SimpleNamespace(doc_id="x", title="西平县人民政府工作规则", article=lambda n: None)
    return k, frontdesk, SimpleNamespace(documents={"x": regulation}, default_doc_id="x")


def _got(expect: dict, first, final) -> dict:
    r, cs = final.routing, final.facts.countersign
    return {"missing": [q.slot for q in first.questions], "refused": bool(final.error),
            "primary_rule": r.rule_ids[0] if r and r.rule_ids else None,
            "signer_role": r.signer_role if r else None,
            "countersign": sorted(cs.departments) if cs else [],
            "checks": sorted({w.id for w in final.warnings if "." in w.id and not w.id.startswith("check.")}),
            "rule_checks": sorted(i for i in (r.rule_ids if r else []) if i.startswith("check."))}


def compare(sample, k, frontdesk, index):
    extracted = read_upload(sample.data, sample.filename, k.limits, k.ocr)
    source = Source.of(sample.filename, extracted)
    first = analyze_lines(source, k, frontdesk, index)
    final = analyze_lines(source, k, frontdesk, index, answers=sample.expect.get("answers") or {})
    got_doc = first.doc.as_dict()
    diffs = [(e, sample.truth.get(e), got_doc.get(e) if e in got_doc else "(see lines)")
             for e, ok in element_results(sample.truth, first.doc).items() if not ok]
    got = _got(sample.expect, first, final)
    diffs += [("expect." + a, sample.expect.get(a), got[a])
              for a, ok in route_results(sample.expect, first, final).items() if not ok]
    return diffs, extracted


def main(argv: list[str]) -> int:
    logging.disable(logging.CRITICAL)
    no_ocr = "--no-ocr" in argv
    names = [a for a in argv if not a.startswith("--")]
    k, frontdesk, index = kit(ocr=not no_ocr)
    bad = 0
    for sample in corpus():
        if (names and sample.name not in names) or (no_ocr and sample.layout in ("image", "scan-pdf")):
            continue
        diffs, extracted = compare(sample, k, frontdesk, index)
        bad += bool(diffs)
        if diffs or names:
            print(f"== {sample.name} ({sample.layout})")
            for key, want, have in diffs:
                print(f"   {key}: expected {want!r}, got {have!r}")
        if names:
            print("   lines:", extracted.lines)
    print(f"{bad} samples disagree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
