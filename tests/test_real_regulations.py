"""Real regulation files (../shared/regulations): titles, metadata and articles come out
as the text says. Skipped with a reason on a clone without the shared folder."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from ingest.numerals import parse_numeral
from ingest.parse import DocumentMeta, parse_document
from ingest.pipeline import link_versions
from ingest.readers import read_document

REGULATIONS = PROJECT_ROOT.parent / "shared" / "regulations"
needs_shared = pytest.mark.skipif(not REGULATIONS.is_dir(),
                                  reason=f"{REGULATIONS} is absent (real regulations are not part of a clone)")
_TIAO_LINE = re.compile(r"^第([零〇一二三四五六七八九十百千\d]+)条[\s\u3000]")


def _parse(path: Path):
    read = read_document(path)
    return parse_document(read.lines, path.name, DocumentMeta(doc_id=path.stem, title_hint=read.title))


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (REGULATIONS / folder).glob("*.md") if not p.name.startswith("_"))


@needs_shared
def test_every_title_is_the_files_own_heading():
    files = _files("dev") + _files("scale")
    assert len(files) >= 690
    wrong = []
    for path in files:
        heading = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        doc = _parse(path)
        if doc.title != heading:
            wrong.append((path.name, doc.title))
    assert not wrong, wrong[:10]


@needs_shared
def test_articles_are_the_texts_numbered_lines():
    """Where the file puts each article on its own line numbered 1…N, exactly those are the
    articles, in order, none duplicated."""
    checked = 0
    for path in _files("dev") + _files("scale"):
        text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))
        numbers = [parse_numeral(m.group(1)) for line in text.splitlines()
                   if (m := _TIAO_LINE.match(line.strip()))]
        if numbers != list(range(1, len(numbers) + 1)) or not numbers:
            continue  # references at line starts or numbering gaps: not a clean check
        doc = _parse(path)
        assert [a.no for a in doc.articles if a.kind == "article"] == numbers, path.name
        checked += 1
    assert checked >= 600


# What the headers (and last articles) of the dev texts say.
DEV = {
    "公共机构节能条例(2017-03-01)": ("公共机构节能条例", "国务院", "2008-08-01", "2008-10-01", 43),
    "国务院关于在线政务服务的若干规定(2019-04-26)": ("国务院关于在线政务服务的若干规定", "国务院", "2019-04-26", "", 16),
    "国家行政机关及其工作人员在国内公务活动中不得赠送和接受礼品的规定(1988-12-01)":
        ("国家行政机关及其工作人员在国内公务活动中不得赠送和接受礼品的规定", "国务院", "1988-12-01", "", 13),
    "地方各级人民政府机构设置和编制管理条例(2007-02-24)":
        ("地方各级人民政府机构设置和编制管理条例", "国务院", "2007-02-24", "2007-05-01", 30),
    "政府督查工作条例(2020-12-26)": ("政府督查工作条例", "", "", "2021-02-01", 28),
    "机关事务管理条例(2012-06-28)": ("机关事务管理条例", "国务院", "2012-06-28", "2012-10-01", 35),
    "档案法实施条例(2024-01-12)": ("中华人民共和国档案法实施条例", "", "", "2024-03-01", 52),
    "生产安全事故应急条例(2019-02-17)": ("生产安全事故应急条例", "国务院", "2019-02-17", "2019-04-01", 35),
    "突发事件应对法(2007-08-30)": ("中华人民共和国突发事件应对法", "全国人民代表大会常务委员会", "2007-08-30", "2007-11-01", 70),
    "突发事件应对法(2024-06-28)": ("中华人民共和国突发事件应对法", "全国人民代表大会常务委员会", "2024-06-28", "2024-11-01", 106),
    "行政复议法实施条例(2007-05-29)": ("中华人民共和国行政复议法实施条例", "国务院", "2007-05-29", "2007-08-01", 66),
    "规章制定程序条例(2017-12-22)": ("规章制定程序条例", "国务院", "2001-11-16", "2002-01-01", 41),
    "重大行政决策程序暂行条例(2019-04-20)": ("重大行政决策程序暂行条例", "国务院", "2019-04-20", "2019-09-01", 44),
}


@needs_shared
def test_dev_metadata_issuer_dates_and_article_counts():
    docs = {p.stem: _parse(p) for p in _files("dev")}
    assert set(docs) == set(DEV)
    for stem, (title, issuer, date, effective, count) in DEV.items():
        doc = docs[stem]
        assert (doc.title, doc.issuer, doc.date, doc.effective) == (title, issuer, date, effective), stem
        assert len([a for a in doc.articles if a.kind == "article"]) == count, stem
        assert not doc.warnings, (stem, doc.warnings)
        assert not any(a.kind == "notice" for a in doc.articles), stem  # dated lines are not a notice
    # the effective date read from the header agrees with the last articles where both say it
    assert "2024年11月1日起施行" in docs["突发事件应对法(2024-06-28)"].articles[-1].text


@needs_shared
def test_two_versions_the_newer_is_in_force():
    docs = [_parse(p) for p in _files("dev") if p.stem.startswith("突发事件应对法")]
    link_versions(docs)
    old, new = sorted(docs, key=lambda d: d.date)
    assert old.superseded_by == new.doc_id and not new.superseded_by
    assert any("in force" in w for w in old.warnings)


@needs_shared
def test_one_line_articles_and_wrapped_chapter_titles_in_scale():
    flat = _parse(REGULATIONS / "scale" / "飞行基本规则(2007-10-18).md")
    assert [a.no for a in flat.articles] == list(range(1, len(flat.articles) + 1))
    assert len(flat.articles) > 100 and not flat.warnings
    wrapped = _parse(REGULATIONS / "scale" / "国际海运条例(2019-03-02).md")
    assert not wrapped.warnings
    assert any(a.chapter_title.endswith("及其辅助性业务的特别规定") for a in wrapped.articles)


# -- awkward files, synthetic -------------------------------------------------------------
def _md(tmp_path, text: str, name: str = "规定.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _parse(path)


def test_contents_list_of_article_titles_makes_no_duplicate_articles(tmp_path):
    doc = _md(tmp_path, "# 某某办法\n\n目录\n\n第一条 目的\n\n第二条 范围\n\n第三条 施行\n\n"
                        "第一条 为了规范管理，制定本办法。\n\n第二条 本办法适用于全县。\n\n"
                        "第三条 本办法自2020年1月1日起施行。\n")
    assert [a.no for a in doc.articles] == [1, 2, 3]
    assert doc.article(1).text.startswith("第一条 为了规范管理")
    assert doc.effective == "2020-01-01"
    assert any("table of contents" in w for w in doc.warnings)


def test_duplicate_article_number_is_kept_in_the_article_before_with_a_warning(tmp_path):
    doc = _md(tmp_path, "# 某某规定\n\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n\n第三条 丁。\n")
    assert [a.no for a in doc.articles] == [1, 2, 3]
    assert "丙" in doc.article(2).text
    assert any("does not follow" in w for w in doc.warnings)


def test_markdown_chapters_sections_and_promulgation_lines(tmp_path):
    doc = _md(tmp_path, "# 某某条例\n\n2019年4月20日 中华人民共和国国务院令第713号公布\n\n"
                        "2019年9月1日 施行\n\n<!-- INFO END -->\n\n## 第一章 总 则\n\n"
                        "### 第一节 一般规定\n\n第一条 为了……，制定本条例。\n\n## 第二章 附 则\n\n"
                        "第二条 本条例自2019年9月1日起施行。\n")
    assert (doc.title, doc.issuer, doc.promulgated, doc.effective) == (
        "某某条例", "国务院", "2019-04-20", "2019-09-01")
    assert [a.no for a in doc.articles] == [1, 2]  # no notice made of the dated lines
    assert doc.article(2).chapter_no == 2 and not doc.warnings


def test_a_markdown_file_with_only_a_title_is_refused_clearly(tmp_path, make_config):
    from ingest.pipeline import IngestError, parse_files

    path = tmp_path / "kb" / "空文件.md"
    path.parent.mkdir()
    path.write_text("# 只有标题的规定\n", encoding="utf-8")
    with pytest.raises(IngestError, match="nothing to index besides the title"):
        parse_files(make_config(tmp_path, path.parent), [path])


def test_identical_files_in_two_folders_are_indexed_once(tmp_path, make_config):
    from ingest.pipeline import parse_files

    text = "# 某某规定\n\n第一条 甲。\n"
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "规定.md")
        paths[-1].write_text(text, encoding="utf-8")
    docs = parse_files(make_config(tmp_path, tmp_path), paths)
    assert len(docs) == 1


def test_a_five_megabyte_regulation_parses_into_all_its_articles(tmp_path):
    from ingest.numerals import to_numeral

    body = "，".join(["有关部门应当按照职责分工做好相关工作"] * 30) + "。"
    parts = ["# 某某大型条例", ""]
    for no in range(1, 3001):
        if no % 100 == 1:
            parts += [f"## 第{to_numeral(no // 100 + 1)}章 第{no // 100 + 1}部分", ""]
        parts += [f"第{to_numeral(no)}条 {body}", ""]
    path = tmp_path / "大型条例.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    doc = _parse(path)
    assert [a.no for a in doc.articles] == list(range(1, 3001)) and not doc.warnings


def test_a_meeting_notice_is_ingested_paragraph_by_paragraph_with_a_warning(tmp_path):
    path = tmp_path / "会议通知.txt"
    path.write_text("关于召开全县安全生产工作会议的通知\n各乡镇人民政府，县直各单位：\n"
                    "经县政府研究，定于12月5日上午9时在县政府三楼会议室召开全县安全生产工作会议。\n"
                    "请各单位主要负责人准时参加。\n西平县人民政府办公室\n2026年12月1日\n",
                    encoding="utf-8")
    doc = _parse(path)
    assert doc.numbering == "paragraphs"
    assert any("paragraph by paragraph" in w for w in doc.warnings)
    assert any("12月5日上午9时" in a.text for a in doc.articles)
