"""OCR through the real Tesseract (skipped with the reason when it is not installed): a
long scan is read on its first pages and its last, and says so; an image that does not
decode, or decodes to too many pixels, gives no text rather than an error."""
from __future__ import annotations

import io
import os

import pytest

from bot.documents.intake import OCR_PAGES, IntakeError, Limits, read_upload
from bot.documents.ocr import OcrEngine, tidy

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


class CountingOcr(OcrEngine):
    def __init__(self):
        super().__init__()
        self.images = 0

    def read_image(self, data):
        self.images += 1
        return super().read_image(data)


def _page(lines):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 40)
    img = Image.new("L", (1300, 100 * len(lines) + 200), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((80, 80 + 100 * i), line, font=font, fill=0)
    return img.convert("RGB")


@pytest.fixture(scope="module")
def ocr():
    engine = OcrEngine()
    if not engine.available():
        pytest.skip("Tesseract with chi_sim is not installed (Debian tesseract-ocr, tesseract-ocr-chi-sim)")
    if not os.path.exists(FONT):
        pytest.skip(f"{FONT} (Debian fonts-wqy-zenhei) is needed to render test pages")
    return engine


def test_a_long_scan_is_read_on_its_first_pages_and_its_last(ocr):
    pages = [_page(["西平县教育局文件", "西教〔2026〕9号", "关于申请校舍维修资金的请示", "县人民政府："])]
    pages += [_page([f"第{i}页正文内容"]) for i in range(2, 6)]
    pages.append(_page(["妥否，请批示。", "西平县教育局", "2026年11月3日"]))
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:])
    counting = CountingOcr()
    extracted = read_upload(out.getvalue(), "扫描件.pdf", Limits(), counting)
    assert counting.images == OCR_PAGES + 1
    assert extracted.kind == "scan" and extracted.ocr and extracted.pages == 6
    text = "".join(extracted.lines)
    assert "关于申请校舍维修资金的请示" in text and "2026年11月3日" in text
    assert any("只识别了前" in n for n in extracted.notes)


def test_images_that_do_not_decode_give_no_text(ocr):
    assert ocr.read_image(b"\x89PNG\r\n\x1a\nnot really") == []
    with pytest.raises(IntakeError) as caught:
        read_upload(b"\xff\xd8\xff\xe0" + b"\0" * 100, "照片.jpg", Limits(), ocr)
    assert caught.value.code == "no_text"


def test_spaces_tesseract_puts_between_chinese_characters_are_taken_out():
    assert tidy("西 平 县 农 业 农 村 局 文 件") == "西平县农业农村局文件"
    assert tidy("西农 [2020] 5号") == "西农[2020]5号"
    assert tidy("Room 5 西平") == "Room 5西平"
