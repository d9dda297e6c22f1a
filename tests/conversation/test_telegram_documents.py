"""A member sends a 公文 through the real python-telegram-bot adapter and the Bot API
stand-in (getFile and the file URL, as Telegram serves them): the reply leads with the
signer, and the filled 发文稿纸 comes back as a .docx (sendDocument). Bad files get a
clear Chinese message; nothing is written to disk."""
from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile

from docx import Document

from bot.documents.intake import docx_lines
from tests.conversation.conftest import GROUP_CHAT, STRANGER
from tests.conversation.test_telegram import button, run, running, to_chat

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_docx(lines: list[str], *, header_table: list[list[str]] | None = None) -> bytes:
    doc = Document()
    if header_table:
        table = doc.add_table(rows=len(header_table), cols=len(header_table[0]))
        for r, row in enumerate(header_table):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


QINGSHI = make_docx([
    "西农〔2026〕12号　　　　　　签发人：示例·农业农村局局长",
    "关于申请高标准农田建设配套资金的请示",
    "县人民政府：",
    "为推进2026年高标准农田建设，经会同卫生健康委员会研究，现申请配套资金300万元。",
    "妥否，请批示。",
    "西平县农业农村局",
    "2026年11月30日",
    "（联系人：王五，电话：0396-6220000）",
], header_table=[["西平县农业农村局文件"]])

GOV_NOTICE = make_docx([
    "西 平 县 人 民 政 府 文 件",
    "西政文〔2026〕30号",
    "关于做好冬春农田水利建设工作的通知",
    "各乡镇人民政府，县政府各部门：",
    "为做好今冬明春农田水利建设工作，现将有关事项通知如下。",
    "西平县人民政府",
    "2026年11月28日",
])


def _sent_documents(api, chat_id):
    return [r for r in api.sent if r["method"] == "sendDocument" and r["chat_id"] == chat_id]


def _form_cells(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return "\n".join(docx_lines(z.read("word/document.xml")))


def _disk_snapshot(cfg) -> set[str]:
    roots = [str(cfg.storage.data_dir), tempfile.gettempdir()]
    found = set()
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            found.update(os.path.join(dirpath, f) for f in files if not f.endswith(("-journal", "-wal", "-shm")))
    return found


def test_a_sent_docx_gets_its_signer_and_a_filled_form(api, tg_config, seed_index, ids):
    uid = ids["agri"]
    before = _disk_snapshot(tg_config)

    async def scenario():
        async with running(tg_config, seed_index) as service:
            api.send_document(uid, QINGSHI, "请示.docx", mime_type=DOCX_MIME, caption="这个文件谁签？")
            reply = await api.async_wait_for(to_chat(uid, "审批"))
            form = await api.async_wait_for(lambda r: r["method"] == "sendDocument" and r["chat_id"] == uid)
            # The 3-working-day reply (第四十八条) as reminders in this chat, with one press
            api.press(uid, reply["message_id"], button(reply, "设置会签回复提醒"))
            await api.async_wait_for(to_chat(uid, "已设置"))
            reminders = service.conversation.remind.reminders.list(uid)
            return reply, form, reminders

    reply, form, reminders = run(scenario())
    assert len(reminders) == 2 and all(r.chat_id == uid for r in reminders)
    assert all("西农〔2026〕12号" in r.text for r in reminders)  # named by its 发文字号
    first = reply["text"].split("\n")[0]
    assert first.startswith("审批：分管副县长（示例·副县长乙）"), reply["text"]
    assert "西农〔2026〕12号" in reply["text"] and "第四十九条" in reply["text"]
    # 会签 detected from "经会同卫生健康委员会", with the 3-working-day reply offered as a reminder
    assert "会签：卫生健康委员会" in reply["text"] and "第四十八条" in reply["text"]
    assert "设置会签回复提醒" in dict(api.buttons(reply))
    # The file came through getFile and the download URL, with the bot's token
    methods = [c["method"] for c in api.calls]
    assert "getFile" in methods and "download" in methods
    # The form: a real .docx, signer named, the title and number copied, a blank to sign
    data = form["document"]["data"]
    assert form["document"]["filename"].endswith(".docx")
    cells = _form_cells(data)
    assert "拟请 分管副县长（示例·副县长乙） 审批" in cells
    assert "关于申请高标准农田建设配套资金的请示" in cells and "西农〔2026〕12号" in cells
    assert "卫生健康委员会" in cells and "签字：＿" in cells
    assert form["params"].get("caption", "").startswith("发文稿纸")
    # Nothing of the sent file is left on disk
    assert _disk_snapshot(tg_config) - before <= {p for p in _disk_snapshot(tg_config) if p.endswith(".sqlite3")}


def test_what_the_document_does_not_say_is_asked_with_one_press(api, tg_config, seed_index, ids):
    uid = ids["director"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(uid, GOV_NOTICE, "通知.docx", mime_type=DOCX_MIME)
            scope = await api.async_wait_for(to_chat(uid, "事项属于哪类"))
            api.press(uid, scope["message_id"], button(scope, "一般事项（按分工由副县长签发）"))
            area = await api.async_wait_for(to_chat(uid, "分管领域"))
            labels = [label for label, _ in api.buttons(area)]
            # The title (农田水利) points to 水利: offered first, with its deputy
            assert labels[0] == "水利（示例·副县长乙）", labels
            api.press(uid, area["message_id"], button(area, labels[0]))
            answer = await api.async_wait_for(to_chat(uid, "^签发"))
            form = await api.async_wait_for(lambda r: r["method"] == "sendDocument" and r["chat_id"] == uid)
            return answer, form

    answer, form = run(scenario())
    assert answer["text"].startswith("签发：分管副县长（示例·副县长乙）"), answer["text"]
    assert "第五十一条" in answer["text"]
    assert "拟请 分管副县长（示例·副县长乙） 签发" in _form_cells(form["document"]["data"])


def test_bad_files_get_a_clear_message_and_nothing_is_downloaded_twice(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(uid, b"x" * 100, "大文件.pdf", declared_size=60 * 1024 * 1024)
            big = await api.async_wait_for(to_chat(uid, "超过 20 MB"))
            api.send_document(uid, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧文件.doc")
            old = await api.async_wait_for(to_chat(uid, "另存为"))
            api.send_document(uid, b"PK\x03\x04broken", "坏文件.docx")
            broken = await api.async_wait_for(to_chat(uid, "损坏"))
            return big, old, broken

    big, old, broken = run(scenario())
    downloads = [c for c in api.calls if c["method"] in ("getFile", "download")]
    # the 60 MB file was refused from its declared size, before any download
    assert len([c for c in downloads if c["method"] == "getFile"]) == 2
    assert not _sent_documents(api, uid)
    assert "Traceback" not in big["text"] + old["text"] + broken["text"]


def test_in_a_group_only_a_file_addressed_to_the_bot_is_read(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(uid, QINGSHI, "请示.docx", chat_id=GROUP_CHAT)  # privacy mode: not delivered
            api.send_document(uid, QINGSHI, "请示.docx", chat_id=GROUP_CHAT,
                              caption=f"@{api.username} 这个谁签")
            reply = await api.async_wait_for(to_chat(GROUP_CHAT, "审批"))
            await api.async_wait_for(lambda r: r["method"] == "sendDocument" and r["chat_id"] == GROUP_CHAT)
            return reply

    reply = run(scenario())
    assert reply["text"].startswith("审批：分管副县长")
    assert len([c for c in api.calls if c["method"] == "getFile"]) == 1


def test_a_reply_to_a_file_in_the_group_reads_that_file(api, tg_config, seed_index, ids):
    uid, other = ids["agri"], ids["director"]

    async def scenario():
        async with running(tg_config, seed_index):
            posted = api.send_document(uid, QINGSHI, "请示.docx", chat_id=GROUP_CHAT)  # the bot never sees it
            assert posted["update_id"] is None
            api.send_text(other, f"@{api.username} 这个文件谁签", chat_id=GROUP_CHAT,
                          reply_to_message_id=posted["message"]["message_id"])
            return await api.async_wait_for(to_chat(GROUP_CHAT, "审批"))

    reply = run(scenario())
    assert reply["text"].startswith("审批：分管副县长（示例·副县长乙）")


def test_a_file_telegram_will_not_hand_over_is_said_to_be_too_big(api, tg_config, seed_index, ids):
    uid = ids["agri"]
    api.download_limit = 1000  # as Telegram does above 20 MB: getFile answers "file is too big"

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(uid, QINGSHI, "请示.docx", declared_size=500)
            return await api.async_wait_for(to_chat(uid, "MB"))

    reply = run(scenario())
    assert "超过" in reply["text"] and "网络" not in reply["text"]


def test_a_strangers_file_is_not_downloaded(api, tg_config, seed_index):
    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(STRANGER, QINGSHI, "请示.docx")
            return await api.async_wait_for(to_chat(STRANGER))

    reply = run(scenario())
    assert "花名册" in reply["text"] or "无法" in reply["text"] or re.search("不在|没有", reply["text"])
    assert not [c for c in api.calls if c["method"] in ("getFile", "download")]


FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def render_photo(lines: list[str]) -> bytes:
    """A phone photo of a printed page, roughly: black text on off-white, slightly turned."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 40)
    page = Image.new("L", (1400, 90 * len(lines) + 160), 245)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((70, 70 + 90 * i), line, font=font, fill=20)
    page = page.rotate(0.7, fillcolor=245, expand=True)
    out = io.BytesIO()
    page.convert("RGB").save(out, "JPEG", quality=88)
    return out.getvalue()


def _ocr_ready() -> str | None:
    from bot.documents.ocr import OcrEngine

    if not OcrEngine().available():
        return "Tesseract with chi_sim is not installed (Debian tesseract-ocr, tesseract-ocr-chi-sim)"
    if not os.path.exists(FONT):
        return f"{FONT} (Debian fonts-wqy-zenhei) is needed to render the test photo"
    return None


def test_a_photo_of_a_printed_page_is_read_by_ocr(api, tg_config, seed_index, ids):
    import pytest

    reason = _ocr_ready()
    if reason:
        pytest.skip(reason)
    uid = ids["agri"]
    photo = render_photo(["西平县农业农村局文件", "西农〔2026〕8号", "关于申请农机购置补贴资金的请示",
                          "县人民政府：", "为落实农机购置补贴政策，现申请补贴资金50万元。", "妥否，请批示。",
                          "西平县农业农村局", "2026年11月20日"])

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_photo(uid, photo, caption="这个谁签")
            reply = await api.async_wait_for(to_chat(uid, "审批"), timeout=60)
            return reply

    reply = run(scenario())
    assert reply["text"].startswith("审批：分管副县长（示例·副县长乙）"), reply["text"]
    assert "关于申请农机购置补贴资金的请示" in reply["text"] and "图片识别" in reply["text"]


def test_without_ocr_a_photo_gets_told_plainly(api, tg_config, seed_index, ids):
    tg_config.documents.ocr = "off"
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_photo(uid, b"\xff\xd8\xff\xe0" + b"\0" * 200)
            return await api.async_wait_for(to_chat(uid, "文字识别"))

    reply = run(scenario())
    assert "tesseract-ocr-chi-sim" in reply["text"]


def test_without_privacy_mode_a_group_file_for_others_is_not_fetched(api, tg_config, seed_index, ids):
    api.privacy_mode = False  # the bot sees every group message
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_document(uid, QINGSHI, "请示.docx", chat_id=GROUP_CHAT)
            api.send_text(uid, "/help", chat_id=GROUP_CHAT)  # something that is answered, to wait on
            return await api.async_wait_for(to_chat(GROUP_CHAT, "我能做的事"))

    run(scenario())
    assert not [c for c in api.calls if c["method"] in ("getFile", "download")]
    assert [r["text"][:5] for r in api.sent if r["chat_id"] == GROUP_CHAT] == ["我能做的事"]
