"""A sent 公文 in the channel-free conversation engine: questions answered one press at a
time, across a restart; someone else's button; a cancelled question; a group file nobody
addressed to the bot; files that cannot be read. The flow keeps the extracted text only."""
from __future__ import annotations

import json

from bot.conversation.messages import Attachment, Event
from tests.conversation.conftest import GROUP_CHAT
from tests.conversation.test_conversation import buttons, press
from tests.conversation.test_telegram_documents import GOV_NOTICE, QINGSHI


def sent(uid, data, name="公文.docx", chat=None, addressed=True, caption=""):
    chat = uid if chat is None else chat
    return Event(uid, chat, chat == uid, text=caption, addressed=addressed,
                 attachment=Attachment(name, len(data), None, "f1", data))


def _documents(out):
    return [m for m in out.messages if m.document is not None]


def test_questions_survive_a_restart_and_the_form_comes_at_the_end(make_conversation, ids):
    uid = ids["director"]
    conv = make_conversation()
    out = conv.handle(sent(uid, GOV_NOTICE))
    assert "事项属于哪类" in out.messages[-1].text and not _documents(out)
    flow, _ = conv.store.flow(uid, uid)
    assert flow.name == "document" and flow.step == "scope"
    # What is kept between presses: the extracted text and the answers, not the file
    assert set(flow.data) == {"source", "answers"}
    assert "西政文〔2026〕30号" in json.dumps(flow.data, ensure_ascii=False)
    question = out.messages[-1]
    conv = make_conversation()  # restart
    out = press(conv, uid, question, "一般事项（按分工由副县长签发）")
    area = out.messages[-1]
    assert "分管领域" in area.text and out.edits  # the pressed question shows the choice
    conv = make_conversation()  # restart again
    out = press(conv, uid, area, "水利（示例·副县长乙）")
    assert out.messages[0].text.startswith("签发：分管副县长（示例·副县长乙）")
    [form] = _documents(out)
    assert form.document[0].endswith(".docx") and form.document[1][:2] == b"PK"
    assert conv.store.flow(uid, uid)[0] is None


def test_someone_elses_button_and_a_cancel(make_conversation, ids):
    uid, other = ids["director"], ids["staff"]
    conv = make_conversation()
    out = conv.handle(sent(uid, GOV_NOTICE, chat=GROUP_CHAT, caption="@bot 谁签"))
    question = out.messages[-1]
    data = dict(buttons(question))["综合性事项"]
    theirs = conv.handle(Event(other, GROUP_CHAT, False, callback=data, message_id=5))
    assert theirs.notice and "别人" in theirs.notice and not theirs.messages
    assert conv.store.flow(GROUP_CHAT, uid)[0].step == "scope"
    cancelled = press(conv, uid, question, "取消", chat=GROUP_CHAT)
    assert cancelled.edits and conv.store.flow(GROUP_CHAT, uid)[0] is None
    stale = press(conv, uid, question, "综合性事项", chat=GROUP_CHAT)
    assert stale.notice and not stale.messages


def test_a_group_file_not_addressed_to_the_bot_is_left_alone(make_conversation, ids):
    conv = make_conversation()
    out = conv.handle(sent(ids["agri"], QINGSHI, chat=GROUP_CHAT, addressed=False))
    assert not out.messages and conv.store.flow(GROUP_CHAT, ids["agri"])[0] is None


def test_unreadable_files_get_their_own_sentence(make_conversation, ids):
    uid = ids["agri"]
    conv = make_conversation()
    cases = {
        "表.xlsx": (b"PK\x03\x04" + b"\0" * 30, "损坏"),
        "旧.wps": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为"),
        "空.txt": (b"", "空"),
        "😀.txt": ("😀😀😀".encode(), "没有"),
    }
    for name, (data, words) in cases.items():
        out = conv.handle(sent(uid, data, name))
        [reply] = out.messages
        assert words in reply.text, (name, reply.text)
    too_big = conv.handle(Event(uid, uid, True, attachment=Attachment("大.pdf", 60 << 20, None, "f", None, "too_big")))
    assert "20 MB" in too_big.messages[0].text
    assert conv.store.outbox() == [] or all(m["document_name"] is None for m in conv.store.outbox())


def test_a_document_from_another_county_is_refused_for_routing(make_conversation, ids):
    from tests.conversation.test_telegram_documents import make_docx

    data = make_docx(["遂平县农业农村局文件", "遂农〔2026〕3号", "关于申请农田建设资金的请示", "遂平县人民政府：",
                      "现申请资金。", "遂平县农业农村局", "2026年11月3日"])
    out = make_conversation().handle(sent(ids["agri"], data))
    assert "不是西平县的单位" in out.messages[0].text and not _documents(out)


def test_the_senders_department_suggests_the_area_when_the_title_does_not(make_conversation, ids):
    from tests.conversation.test_telegram_documents import make_docx

    data = make_docx(["西平县人民政府文件", "西政文〔2026〕52号", "关于做好2027年元旦期间有关工作的通知",
                      "各乡镇人民政府，县政府各部门：", "现就有关工作通知如下。", "西平县人民政府", "2026年11月25日"])
    uid = ids["示例·教育局局长"]
    conv = make_conversation()
    out = conv.handle(sent(uid, data))
    out = press(conv, uid, out.messages[-1], "一般事项（按分工由副县长签发）")
    area = out.messages[-1]
    assert "按您所在单位看" in area.text and buttons(area)[0][0] == "教育（示例·副县长甲）"
    out = press(conv, uid, area, "教育（示例·副县长甲）")
    [form] = _documents(out)
    from bot.documents.intake import docx_lines
    import io, zipfile
    cells = "\n".join(docx_lines(zipfile.ZipFile(io.BytesIO(form.document[1])).read("word/document.xml")))
    assert "拟稿单位  教育局" in cells


def test_a_file_sent_mid_leave_form_keeps_the_form(make_conversation, ids):
    uid = ids["agri"]
    conv = make_conversation()
    out = conv.handle(Event(uid, uid, True, text="/leave"))
    before = conv.store.flow(uid, uid)[0]
    assert before.name == "leave"
    out = conv.handle(sent(uid, QINGSHI))
    assert "没填完" in out.messages[0].text and not _documents(out)
    after = conv.store.flow(uid, uid)[0]
    assert (after.name, after.step, after.nonce) == (before.name, before.step, before.nonce)
