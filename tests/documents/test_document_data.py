"""The document data in knowledge/gongwen is consistent with the code and grounded in the
regulation: every format check has a test and a source, every kind mapping cites a
verbatim phrase of its article, the 发文稿纸 template names only known fields."""
from __future__ import annotations

import tomllib

import pytest

from bot.config import PROJECT_ROOT
from bot.documents.checks import TESTS, ChecksError, load_checks
from bot.documents.facts import KindsError, KindTable
from bot.documents.form import FIELDS, FormError, FormTemplate
from bot.documents.units import UnitDirectory
from bot.procedures.roster import Roster
from bot.procedures.rules import DOC_KINDS
from ingest.parse import DocumentMeta, parse_document
from ingest.readers import read_lines
from tests.conftest import SEED, SEED_DOC_ID

DATA = PROJECT_ROOT / "knowledge" / "gongwen"


@pytest.fixture(scope="module")
def regulation():
    return parse_document(read_lines(SEED), SEED.name, DocumentMeta(doc_id=SEED_DOC_ID))


def test_every_format_check_has_a_test_and_every_test_an_entry():
    specs = load_checks(DATA / "format_checks.toml")
    assert {s.id for s in specs} == set(TESTS)
    assert all(s.source.startswith(("GB/T 9704-2012", "《党政机关公文处理工作条例》")) for s in specs)


def test_a_check_without_a_test_is_refused(tmp_path):
    bad = tmp_path / "checks.toml"
    bad.write_text('[[check]]\nid = "made.up"\nsource = "GB/T 9704-2012 7.1"\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(ChecksError, match="made.up"):
        load_checks(bad)


def test_every_kind_mapping_cites_a_verbatim_phrase(regulation):
    table = KindTable.load(DATA / "kinds.toml")
    assert len(table.maps) >= 10
    for m in table.maps:
        article = regulation.article(m.article)
        assert article is not None and m.phrase in article.text, (m.doc_kinds, m.article, m.phrase)
        assert set(m.doc_kinds) <= set(DOC_KINDS)
    assert len(table.cites) == 2
    for article, phrase in table.cites:
        assert phrase in regulation.article(article).text


def test_a_kind_mapping_without_its_phrase_is_refused(tmp_path):
    bad = tmp_path / "kinds.toml"
    bad.write_text('[[map]]\nissuer = "县政府"\ndoc_kind = "决定"\narticle = 50\n', encoding="utf-8")
    with pytest.raises(KindsError):
        KindTable.load(bad)
    bad.write_text('[[map]]\nissuer = "县政府"\ndoc_kind = "通告"\narticle = 50\nphrase = "x"\n', encoding="utf-8")
    with pytest.raises(KindsError, match="signing-rule kind"):
        KindTable.load(bad)


def test_the_form_template_uses_known_fields_only(tmp_path):
    template = FormTemplate.load(DATA / "fawen_gaozhi.toml")
    used = {c.field for row in template.rows for c in row}
    assert {"sign_line", "countersign", "title", "number", "recipients", "cc", "secrecy",
            "urgency", "drafting_unit", "review"} <= used <= FIELDS
    raw = tomllib.loads((DATA / "fawen_gaozhi.toml").read_text(encoding="utf-8"))
    raw_rows = [c for row in raw["row"] for c in row["cells"]]
    assert len(raw_rows) == sum(len(r) for r in template.rows)
    bad = tmp_path / "form.toml"
    bad.write_text('[[row]]\ncells = [{ label = "x", field = "nope" }]\n', encoding="utf-8")
    with pytest.raises(FormError):
        FormTemplate.load(bad)


def test_units_come_from_the_roster_and_the_county_file():
    roster = Roster.load(PROJECT_ROOT / "knowledge" / "roster.example.toml")
    units = UnitDirectory.load(DATA / "units.toml", roster)
    assert "农业农村局" in units.departments and "出山镇" in units.townships
    assert units.resolve("西平县农业农村局").kind == "部门"
    assert units.resolve("县卫健委").department == "卫生健康委员会"  # an alias in units.toml
    assert units.resolve("出山镇人民政府").kind == "乡镇"
    assert units.resolve("西平县人民政府").kind == "县政府"
    assert units.resolve("县政府办公室").kind == "县政府办公室"
    assert units.resolve("驻马店市人民政府").kind == "上级"
    assert units.resolve("驻马店市水利局").kind == "上级部门"
    assert units.resolve("遂平县农业农村局").kind == "外县"
    assert units.resolve("中共西平县委").kind == "县委"
    assert units.resolve("县人大常委会").kind == "人大"
    assert units.resolve("示例·副县长甲").kind == "领导"
    assert units.resolve("西平县文物局").kind == "未知"
