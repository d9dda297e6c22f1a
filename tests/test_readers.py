"""Reading .txt/.md/.docx/.pdf into lines, and clear errors for files that are not regulations."""
import io
import zipfile

import docx
import pytest

from ingest.parse import DocumentMeta, parse_document
from ingest.readers import ReadError, read_lines
from pdfgen import make_pdf


def test_txt_lines_are_stripped_and_blank_lines_dropped(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("　第一条 总则。 \n\n\t第二条 职责。\n", encoding="utf-8")
    assert read_lines(p) == ["第一条 总则。", "第二条 职责。"]


def test_md_markup_is_stripped(tmp_path):
    p = tmp_path / "rules.md"
    p.write_text("# 西平县值班规定\n\n## 第一章 总则\n\n第一条 **值班人员**应当按时到岗。\n"
                 "- 第二条 值班记录保存一年。\n> 第三条 本规定自发布之日起施行。\n", encoding="utf-8")
    lines = read_lines(p)
    assert lines == ["西平县值班规定", "第一章 总则", "第一条 值班人员应当按时到岗。",
                     "第二条 值班记录保存一年。", "第三条 本规定自发布之日起施行。"]
    doc = parse_document(lines, p.name, DocumentMeta("md"))
    assert doc.article_numbers == [1, 2, 3]
    assert doc.article(1).chapter_title == "总则"


def test_docx(tmp_path):
    d = docx.Document()
    d.add_heading("西平县值班规定", level=1)
    d.add_paragraph("第一章 总则")
    d.add_paragraph("第一条 值班人员应当按时到岗。")
    d.add_paragraph("")
    d.add_paragraph("第二条 值班记录包括：\n（一）来电；")  # a soft line break inside a paragraph
    p = tmp_path / "rules.docx"
    d.save(str(p))
    lines = read_lines(p)
    assert lines == ["西平县值班规定", "第一章 总则", "第一条 值班人员应当按时到岗。",
                     "第二条 值班记录包括：", "（一）来电；"]
    doc = parse_document(lines, p.name, DocumentMeta("docx"))
    assert doc.article_numbers == [1, 2]
    assert [it.no for it in doc.article(2).items] == [1]


def test_pdf_with_text_layer(tmp_path):
    p = tmp_path / "rules.pdf"
    p.write_bytes(make_pdf([
        ["西平县值班规定", "第一章 总则", "第一条 为了规范县政府值班工作，根据有关规定，",
         "制定本规定。", "第二条 值班人员应当按时到岗。", "- 1 -"],
        ["第三条 本规定自发布之日起施行。", "2"],
    ]))
    lines = read_lines(p)
    # Layout-wrapped lines are joined, page numbers dropped, headings kept on their own.
    assert lines == ["西平县值班规定", "第一章 总则",
                     "第一条 为了规范县政府值班工作，根据有关规定，制定本规定。",
                     "第二条 值班人员应当按时到岗。", "第三条 本规定自发布之日起施行。"]
    doc = parse_document(lines, p.name, DocumentMeta("pdf"))
    assert doc.article_numbers == [1, 2, 3]


def test_pdf_without_text_layer(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(make_pdf([["1"]]))  # only a page number: nothing to index
    with pytest.raises(ReadError, match="no text layer"):
        read_lines(p)


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("第一条 测试。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n\t\n", "no text"),
    ("junk.txt", bytes(range(256)) * 8, "binary"),
    ("renamed.txt", _docx_bytes(), "binary"),
    ("latin1.txt", "caf\xe9 ok".encode("latin-1"), "not UTF-8 or GB18030"),
    ("random.docx", bytes((i * 37 + 11) % 256 for i in range(3000)), "not a readable .docx"),
    ("truncated.docx", _docx_bytes()[:1000], "not a readable .docx"),
    ("random.pdf", bytes((i * 53 + 7) % 256 for i in range(3000)), "not a readable PDF"),
    ("truncated.pdf", make_pdf([["第一条 测试。"]])[:300], "not a readable PDF"),
    ("table.xlsx", b"PK\x03\x04 not really", "unsupported file type .xlsx"),
    ("noext", b"text", "unsupported file type"),
])
def test_bad_inputs_raise_read_error(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ReadError, match=message) as info:
        read_lines(p)
    assert str(info.value).startswith(name)  # the operator sees which file


def test_zip_that_is_not_a_docx(tmp_path):
    p = tmp_path / "archive.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError, match="not a readable .docx"):
        read_lines(p)


def test_docx_with_damaged_xml(tmp_path):
    src = _docx_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    p = tmp_path / "damaged.docx"
    p.write_bytes(buf.getvalue())
    with pytest.raises(ReadError, match="damaged.docx"):
        read_lines(p)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="cannot read"):
        read_lines(tmp_path / "gone.txt")
