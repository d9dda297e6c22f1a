"""Whatever bytes arrive, the intake answers with lines or an IntakeError (a Chinese
message), and the element parser never fails on any lines."""
from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st

from bot.documents.gongwen import parse_gongwen
from bot.documents.intake import IntakeError, Limits, read_upload
from bot.documents.ocr import OcrEngine

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_pages=5, max_chars=20_000, max_unpacked_bytes=4 * 1024 * 1024)
NO_OCR = OcrEngine(enabled=False)
PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff", b"{\\rtf1", b"\xff\xfe", "西平县".encode("gb18030")]
NAMES = ["a.docx", "a.pdf", "a.txt", "a.md", "a.doc", "a.xlsx", "a", "照片.jpg", "../../etc/passwd"]


def _docx(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=3000), st.sampled_from(NAMES))
def test_any_bytes_give_lines_or_a_chinese_refusal(prefix, body, name):
    try:
        out = read_upload(prefix + body, name, LIMITS, NO_OCR)
    except IntakeError as exc:
        assert exc.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
        return
    assert out.lines and all(isinstance(line, str) and line for line in out.lines)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_a_docx_with_any_xml_inside(text):
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f'<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>').encode("utf-8", "surrogatepass")
    try:
        read_upload(_docx(xml), "a.docx", LIMITS, NO_OCR)
    except IntakeError as exc:
        assert exc.code in {"broken_docx", "no_text"}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("西平县人民政府农业局文件关于的请示通知函报告〔〕[]（）()2026年月日号签发人：:，、。抄送印发附件 \u30000123456789一二三四五六七八九十〇秘密★特急")),
                        max_size=40), max_size=30))
def test_the_element_parser_never_fails(lines):
    doc = parse_gongwen(lines)
    assert doc.kind is None or isinstance(doc.kind, str)
    assert isinstance(doc.recipients, list) and isinstance(doc.body, list)


def test_a_entity_expansion_bomb_in_a_docx_is_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b'<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
    try:
        out = read_upload(_docx(bomb), "a.docx", LIMITS, NO_OCR)
        assert sum(len(x) for x in out.lines) < 1000
    except IntakeError:
        pass
