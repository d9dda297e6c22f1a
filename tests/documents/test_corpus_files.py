"""Fast sanity checks of the document corpus generator itself (tests/documents/corpus.py):
its size, names, coverage, and that its files are what they claim to be. Whether the
extractor reads them right is for the tests and the benchmark that use the corpus."""
from __future__ import annotations

import io
import tomllib
import zipfile

import pytest

from bot.config import PROJECT_ROOT
from bot.documents.units import UnitDirectory
from bot.procedures.roster import Roster
from bot.procedures.rules import load_rules
from tests.documents.corpus import (KINDS, LAYOUTS, OCR_TRUTH_KEYS, ROSTER_PATH, TRUTH_KEYS, bad_files,
                                    corpus, documents)

SLOTS = ("issuer", "doc_kind", "meeting", "meeting_chair", "scope", "subject_area")
EXPECT_KEYS = {"primary_rule", "signer_role", "countersign", "checks", "rule_checks", "missing",
               "answers", "refused"}


@pytest.fixture(scope="module")
def samples():
    return corpus()


def test_at_least_44_documents_with_unique_names_and_filenames(samples):
    assert len(samples) >= 44
    assert len({s.name for s in samples}) == len(samples)
    assert all(s.data for s in samples)


def test_every_kind_and_layout_is_covered(samples):
    assert {s.truth["kind"] for s in samples} >= set(KINDS)
    assert {s.layout for s in samples} == set(LAYOUTS)


def test_truth_and_expect_have_their_keys(samples):
    for s in samples:
        keys = set(OCR_TRUTH_KEYS) | {"ocr"} if s.layout in ("image", "scan-pdf") else set(TRUTH_KEYS)
        assert set(s.truth) == keys, s.name
        assert set(s.expect) == EXPECT_KEYS, s.name
        assert s.truth["kind"] in KINDS + (None,), s.name
        assert set(s.expect["missing"]) <= set(s.expect["answers"]), s.name
        assert all(slot in SLOTS for slot in s.expect["missing"]), s.name
        assert s.expect["countersign"] == sorted(s.expect["countersign"]), s.name


def test_expectations_name_real_rules_checks_and_roster_departments(samples):
    rule_ids = {r.id for r in load_rules()}
    checks = {c["id"] for c in tomllib.loads(
        (PROJECT_ROOT / "knowledge" / "gongwen" / "format_checks.toml").read_text(encoding="utf-8"))["check"]}
    roster = Roster.load(ROSTER_PATH)
    units = UnitDirectory.load(PROJECT_ROOT / "knowledge" / "gongwen" / "units.toml", roster)
    for s in samples:
        e = s.expect
        assert e["primary_rule"] is None or e["primary_rule"] in rule_ids, s.name
        assert set(e["rule_checks"]) <= {r for r in rule_ids if r.startswith("check.")}, s.name
        assert set(e["checks"]) <= checks, s.name
        assert set(e["countersign"]) <= set(units.departments), s.name
        assert not (e["refused"] and e["primary_rule"]), s.name
    fired = {c for s in samples for c in s.expect["checks"]}
    assert fired == checks, f"format checks no sample fires: {sorted(checks - fired)}"
    decided = {s.expect["primary_rule"] for s in samples}
    for rule in rule_ids:
        # Not reachable from a document: see the module docstring of the corpus report.
        if rule.startswith("sign.") and rule not in ("sign.party_committee", "sign.gov.escalated",
                                                      "sign.office.escalated", "sign.unit.major"):
            assert rule in decided, f"no sample is decided by {rule}"
    checked = {c for s in samples for c in s.expect["rule_checks"]}
    assert checked == {r for r in rule_ids if r.startswith("check.")}


def test_roster_keeps_the_example_people_and_adds_the_corpus_departments():
    example = Roster.load(PROJECT_ROOT / "knowledge" / "roster.example.toml")
    roster = Roster.load(ROSTER_PATH)
    assert {p.name for p in example.people} < {p.name for p in roster.people}
    assert not roster.warnings
    for department, area in (("财政局", "财政"), ("水利局", "水利"), ("自然资源局", "自然资源"),
                             ("住房和城乡建设局", "住房城乡建设"), ("文化广电和旅游局", "文化旅游")):
        head = roster.head_of(department)
        assert head is not None and head.area == area
    assert roster.head_of("专探乡").role == "乡镇主要负责人"


def test_docx_files_open_with_python_docx(samples):
    from docx import Document

    for s in samples:
        if s.layout.startswith("docx"):
            assert s.filename.endswith(".docx")
            d = Document(io.BytesIO(s.data))
            assert d.paragraphs, s.name


def test_textbox_header_has_drawingml_and_a_vml_fallback(samples):
    for s in samples:
        if s.layout == "docx-textbox-header":
            xml = zipfile.ZipFile(io.BytesIO(s.data)).read("word/document.xml").decode("utf-8")
            assert "<wps:txbx>" in xml and "<v:textbox" in xml and "mc:Fallback" in xml, s.name
            assert xml.count(s.truth["issuer_mark"]) == 2, s.name   # once in each copy


def test_files_are_what_their_layout_says(samples):
    for s in samples:
        if s.layout in ("pdf", "scan-pdf"):
            assert s.data.startswith(b"%PDF") and s.filename.endswith(".pdf"), s.name
        elif s.layout == "image":
            assert s.data.startswith(b"\x89PNG"), s.name
        elif s.layout == "txt-crlf":
            assert b"\r\n" in s.data and b"\n" not in s.data.replace(b"\r\n", b""), s.name
    encodings = set()
    for s in samples:
        if s.layout == "txt-crlf":
            try:
                s.data.decode("utf-8")
                encodings.add("utf-8")
            except UnicodeDecodeError:
                s.data.decode("gb18030")
                encodings.add("gb18030")
    assert encodings == {"utf-8", "gb18030"}


def test_the_same_bytes_every_call(samples):
    again = {s.name: s.data for s in corpus()}
    for s in samples:
        if s.layout not in ("image", "scan-pdf"):
            assert again[s.name] == s.data, s.name


def test_documents_and_samples_line_up(samples):
    assert [d.name for d in documents()] == [s.name for s in samples]


def test_bad_files_use_the_intake_codes():
    intake = (PROJECT_ROOT / "bot" / "documents" / "intake.py").read_text(encoding="utf-8")
    files = bad_files()
    codes = {code for code, _, _ in files}
    assert codes == {"encrypted", "scan_without_ocr", "old_word", "zip_bomb", "broken_docx", "not_docx",
                     "spreadsheet", "too_big", "empty", "broken_pdf"}
    for code in codes - {"scan_without_ocr"}:
        assert f'IntakeError("{code}"' in intake, code
    assert bad_files()[0][2] is files[0][2]          # the big ones are built once
