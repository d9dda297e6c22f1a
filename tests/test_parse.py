"""Parsing regulations: the seed document and small synthetic ones in both numbering styles."""
import pytest

from conftest import SEED
from ingest.model import ARTICLE, NOTICE, PARAGRAPH
from ingest.parse import DocumentMeta, parse_document
from ingest.readers import read_lines

SEED_META = DocumentMeta(doc_id="xiping-gov-rules", title="西平县人民政府工作规则（征求意见稿）",
                         issuer="西平县人民政府", date="2020-03-13", status="征求意见稿")
CHAPTERS = {1: "总则", 2: "组成人员职责", 3: "全面正确履行政府职能", 4: "坚持依法行政",
            5: "实行科学民主决策", 6: "推进政务公开", 7: "健全监督制度", 8: "会议制度",
            9: "公文审批", 10: "工作纪律", 11: "廉政和作风建设"}


@pytest.fixture(scope="module")
def seed():
    return parse_document(read_lines(SEED), SEED.name, SEED_META)


@pytest.fixture(scope="module")
def seed_derived():
    """The seed parsed without a documents.toml entry: metadata comes from the text."""
    return parse_document(read_lines(SEED), SEED.name, DocumentMeta(doc_id="seed"))


def parse_text(tmp_path, text, name="doc.txt", encoding="utf-8", doc_id="doc"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return parse_document(read_lines(path), name, DocumentMeta(doc_id=doc_id))


# -- the seed -------------------------------------------------------------------------

def test_seed_articles_0_to_67(seed):
    assert seed.numbering == "ordinal"
    assert seed.article_numbers == list(range(0, 68))
    assert seed.article(0).kind == NOTICE
    assert all(a.kind == ARTICLE for a in seed.articles[1:])
    assert seed.warnings == []


def test_seed_chapters(seed):
    found = {a.chapter_no: a.chapter_title for a in seed.articles if a.chapter_no is not None}
    assert found == CHAPTERS
    assert seed.article(1).chapter_no == 1
    assert seed.article(50).chapter_no == 9
    assert seed.article(50).chapter_heading == "第九章 公文审批"
    assert seed.article(67).chapter_heading == "第十一章 廉政和作风建设"
    assert seed.article(0).chapter_no is None


def test_seed_chapters_are_monotonic(seed):
    numbers = [a.chapter_no for a in seed.articles[1:]]
    assert numbers == sorted(numbers)


def test_seed_notice_article_0(seed):
    text = seed.article(0).text
    for needle in ("4月14日", "宋宏阳", "0396-6277389", "xzfzhk@163.com", "2020年3月13日"):
        assert needle in text
    lines = text.split("\n")
    # The title block that precedes 第一章 is not part of the notice.
    for title_line in ("附件:", "西平县人民政府工作规则", "(征求意见稿)"):
        assert title_line not in lines
    assert "第一章" not in text
    assert seed.article(0).label == "公告说明"


def test_seed_metadata_from_documents_toml(seed):
    assert seed.title == "西平县人民政府工作规则（征求意见稿）"
    assert (seed.issuer, seed.date, seed.status) == ("西平县人民政府", "2020-03-13", "征求意见稿")


def test_seed_metadata_derived_from_text(seed_derived):
    d = seed_derived
    assert d.doc_id == "seed"
    assert d.title == "西平县人民政府工作规则（征求意见稿）"
    assert d.status == "征求意见稿"
    assert d.date == "2020-03-13"
    assert d.issuer == "西平县人民政府"
    assert d.article_numbers == list(range(0, 68))


def test_seed_article_40_items_and_paragraphs(seed):
    art = seed.article(40)
    assert [it.no for it in art.items] == list(range(1, 11))
    assert all(it.paragraph == 1 for it in art.items)
    assert len(art.paragraphs) == 2
    assert art.paragraphs[0].startswith("四十、县政府常务会议由县长、副县长组成")
    assert art.paragraphs[0].endswith("(十)讨论决定县长确定的其他重要事项等。")
    assert art.paragraphs[1] == "县政府常务会议一般每周召开1次。根据需要,可安排有关部门、单位负责人列席。"
    assert art.items[1].text == "(二)讨论通过向市政府报告或请示的重要事项;"


def test_seed_article_51_has_three_paragraphs(seed):
    art = seed.article(51)
    assert len(art.paragraphs) == 3
    assert art.paragraphs[1].startswith("以县政府办公室名义印发")


def test_seed_texts_are_verbatim(seed, seed_text):
    for art in seed.articles:
        assert art.text in seed_text, art.no
        for para in art.paragraphs:
            assert para in seed_text
        for item in art.items:
            assert item.text in seed_text
    assert seed.article(50).text.startswith("五十、县政府制定的政府规章")
    assert seed.article(67).text == "六十七、本规则由西平县人民政府办公室负责解释。"


def test_seed_every_body_line_is_indexed_once(seed, seed_text):
    indexed = [line for a in seed.articles for line in a.text.split("\n")]
    assert len(indexed) == len(set(indexed))
    skipped = {"附件:", "西平县人民政府工作规则", "(征求意见稿)"}
    for line in seed_text.splitlines():
        if line.strip() and not line.startswith("第") and line not in skipped:
            assert line in indexed, line


def test_round_trip_to_dict(seed):
    from ingest.model import RegDocument

    again = RegDocument.from_dict(seed.to_dict())
    assert again == seed


# -- synthetic: 第X条 style ----------------------------------------------------------------

TIAO_DOC = """西平县机关值班管理办法
第一章 总则
第一条 为了规范值班工作，制定本办法。
第二条 本办法适用于下列单位：
一、县政府组成部门；
二、乡镇人民政府。
第二章 值班安排
第一节 一般规定
第三条 值班实行领导带班制度。
第二节 节假日值班
第四条 节假日值班表应当提前三日报县政府办公室。
第三章 附则
第五条 本办法自发布之日起施行。
"""


def test_tiao_style_chapters_sections_and_inline_items(tmp_path):
    doc = parse_text(tmp_path, TIAO_DOC)
    assert doc.numbering == "tiao"
    assert doc.article_numbers == [1, 2, 3, 4, 5]  # a lone title line is not a notice
    art2 = doc.article(2)
    assert art2.text == "第二条 本办法适用于下列单位：\n一、县政府组成部门；\n二、乡镇人民政府。"
    assert doc.article(3).chapter_no == 2 and doc.article(3).chapter_title == "值班安排"
    # Section headings end an article but do not leak into any article text.
    assert "第二节" not in doc.article(3).text
    assert doc.article(4).text == "第四条 节假日值班表应当提前三日报县政府办公室。"
    assert doc.article(5).chapter_heading == "第三章 附则"
    assert doc.article(5).label == "第五条"
    assert doc.title == "西平县机关值班管理办法"
    assert doc.issuer == ""


def test_tiao_colon_and_full_and_half_width_items(tmp_path):
    text = ("第四十九条 县长主持县政府全面工作。\n"
            "第五十条：下列文件由县长签发：\n"
            "（一）政府规章；\n"
            "(二)人事任免文件。\n"
            "第五十一条　其他公文由副县长签发。\n")
    doc = parse_text(tmp_path, text)
    assert doc.article_numbers == [49, 50, 51]
    art = doc.article(50)
    assert [it.no for it in art.items] == [1, 2]
    assert [it.text for it in art.items] == ["（一）政府规章；", "(二)人事任免文件。"]  # verbatim
    assert len(art.paragraphs) == 1
    assert doc.article(51).text == "第五十一条　其他公文由副县长签发。"
    assert any("jumps from 0 to 49" in w for w in doc.warnings)


def test_tiao_digits_article_numbers(tmp_path):
    doc = parse_text(tmp_path, "第1条 总则。\n第2条 适用范围。\n第3条 施行日期。\n")
    assert doc.numbering == "tiao"
    assert doc.article_numbers == [1, 2, 3]


def test_tiao_doc_with_title_and_adoption_line(tmp_path):
    text = ("西平县人民政府值班工作规定\n"
            "(2019年5月1日县政府常务会议通过)\n"
            "第一条 为规范值班工作，制定本规定。\n"
            "第二条 值班人员应当按时到岗。\n"
            "第三条 本规定自发布之日起施行。\n")
    doc = parse_text(tmp_path, text)
    assert doc.article_numbers == [1, 2, 3]  # no article 0
    assert doc.date == "2019-05-01"
    assert doc.title == "西平县人民政府值班工作规定"
    assert doc.issuer == "西平县人民政府"
    assert doc.status == ""


# -- synthetic: ordinal style ----------------------------------------------------------

ORDINAL_DOC = """一、县政府实行县长负责制。
二、副县长协助县长工作。
三、县政府实行全体会议制度。
四、县政府实行常务会议制度。
五、下列事项应当及时向县长报告：
一、重大突发事件；
二、重要舆情。
六、本规则自发布之日起施行。
"""


def test_ordinal_items_after_higher_number_stay_inside(tmp_path):
    doc = parse_text(tmp_path, ORDINAL_DOC)
    assert doc.numbering == "ordinal"
    assert doc.article_numbers == [1, 2, 3, 4, 5, 6]
    assert doc.article(5).text == "五、下列事项应当及时向县长报告：\n一、重大突发事件；\n二、重要舆情。"
    assert doc.article(6).text == "六、本规则自发布之日起施行。"


def test_ordinal_big_jump_is_not_an_article(tmp_path):
    text = "一、总则。\n二、职责。\n十、这一行是正文中的编号，不是第十条。\n三、附则。\n"
    doc = parse_text(tmp_path, text)
    assert doc.article_numbers == [1, 2, 3]
    assert "十、这一行" in doc.article(2).text


def test_crlf_bom_and_blank_lines(tmp_path):
    text = "\ufeff" + ORDINAL_DOC.replace("\n", "\r\n\r\n")
    doc = parse_text(tmp_path, text)
    assert doc.article_numbers == [1, 2, 3, 4, 5, 6]
    for art in doc.articles:
        assert "\r" not in art.text and "\ufeff" not in art.text
        assert "" not in art.text.split("\n")
    assert doc.article(1).text == "一、县政府实行县长负责制。"


def test_gb18030_encoded_text(tmp_path):
    doc = parse_text(tmp_path, TIAO_DOC, encoding="gb18030")
    assert doc.article_numbers == [1, 2, 3, 4, 5]
    assert doc.article(4).text == "第四条 节假日值班表应当提前三日报县政府办公室。"


def test_full_width_ordinal_punctuation_and_items(tmp_path):
    text = ("一、总则。\n"
            "二．县长签发下列文件：\n"
            "（一）政府规章；\n"
            "(二)人事任免文件。\n"
            "三、附则。\n")
    doc = parse_text(tmp_path, text)
    assert doc.article_numbers == [1, 2, 3]
    assert [it.no for it in doc.article(2).items] == [1, 2]


def test_no_articles_falls_back_to_paragraphs(tmp_path):
    text = ("各乡镇、各部门：\n"
            "为做好节日期间值班工作，现将有关事项通知如下。\n"
            "请各单位严格执行二十四小时值班制度，确保信息畅通。\n"
            "遇有重大情况，要及时报告，不得迟报、漏报、瞒报。\n")
    doc = parse_text(tmp_path, text)
    assert doc.numbering == "paragraphs"
    assert any("no numbered articles" in w for w in doc.warnings)
    assert all(a.kind == PARAGRAPH for a in doc.articles)
    texts = [a.text for a in doc.articles]
    for line in text.strip().split("\n")[1:]:
        assert line in texts
    assert [a.no for a in doc.articles] == list(range(1, len(doc.articles) + 1))
    assert doc.articles[0].label == "第1段"
