"""`python -m bot route-file PATH [--json]` in a subprocess, against the seed index: the
JSON shape operators and tests rely on, answers for what the document does not say, the
发文稿纸 written with --form, and bad files refused with a Chinese message."""
from __future__ import annotations

import io
import json
import zipfile

from docx import Document

from bot.documents.intake import docx_lines
from tests.test_cli import run

KEYS = {"document", "signer", "steps", "countersign", "warnings", "citations", "missing",
        "rule_ids", "error"}
DOC_KEYS = {"issuer", "issuer_mark", "number", "kind", "title", "recipients", "cc", "date",
            "secrecy", "urgency", "signer_field"}

REQUEST = "\r\n".join([
    "西平县农业农村局文件", "西农[2026]07号", "关于申请农业执法车辆购置经费和增加编制的请示",
    "县人民政府，县财政局：", "一、申请购置执法车辆经费30万元。", "二、申请增加执法编制5名。",
    "妥否，请批示。", "西平县农业农村局", "二〇二六年十一月三日",
]) + "\r\n"


def test_json_for_a_request_with_every_problem(seed_config, tmp_path):
    path = tmp_path / "请示.txt"
    path.write_bytes(REQUEST.encode("gb18030"))
    r = run(["route-file", "--json", str(path)], seed_config.storage.data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == KEYS and DOC_KEYS <= set(out["document"])
    d = out["document"]
    assert (d["issuer"], d["number"], d["kind"]) == ("西平县农业农村局", "西农[2026]07号", "请示")
    assert d["recipients"] == ["县人民政府", "县财政局"]
    assert out["signer"]["role"] == "分管副县长" and out["signer"]["name"] == "示例·副县长乙"
    assert out["missing"] == []
    sources = {w["source"] for w in out["warnings"]}
    texts = " ".join(w["text"] for w in out["warnings"])
    # GB/T 9704: brackets, 虚位, Chinese-numeral date, no 签发人 on an upward document, no contact
    assert {"GB/T 9704-2012 7.2.5", "GB/T 9704-2012 7.3.5.4", "GB/T 9704-2012 7.2.6",
            "GB/T 9704-2012 7.3.6"} <= sources
    # The regulation: 一文一事 and 多头报文 (第四十七条), named with the article
    assert "请示应当一文一事" in texts and "不得多头报文" in texts
    assert any(s.endswith("第四十七条") for s in sources)
    assert {"check.one_matter", "check.multiple_recipients"} <= set(out["rule_ids"])
    for c in out["citations"]:
        assert set(c) == {"doc_title", "article", "quote"} and c["article"].startswith("第")


def test_missing_slots_are_listed_then_answered_and_the_form_written(seed_config, tmp_path):
    doc = Document()
    for line in ["西平县人民政府文件", "西政文〔2026〕41号", "关于进一步加强中小学校园安全管理的通知",
                 "各乡镇人民政府，县政府各部门：", "现就加强校园安全管理通知如下。", "西平县人民政府",
                 "2026年11月2日"]:
        doc.add_paragraph(line)
    path = tmp_path / "通知.docx"
    doc.save(path)
    data_dir = seed_config.storage.data_dir
    first = json.loads(run(["route-file", "--json", str(path)], data_dir, cwd=tmp_path).stdout)
    assert first["missing"] == ["scope", "subject_area"] and first["signer"]["role"] == "分管副县长"
    second = json.loads(run(["route-file", "--json", "--answer", "scope=一般", str(path)],
                            data_dir, cwd=tmp_path).stdout)
    assert second["missing"] == ["subject_area"]
    overall = json.loads(run(["route-file", "--json", "--answer", "scope=全局性", str(path)],
                             data_dir, cwd=tmp_path).stdout)
    assert overall["missing"] == [] and overall["signer"]["role"] == "县长"  # no area needed
    form = tmp_path / "稿纸.docx"
    r = run(["route-file", "--answer", "scope=一般", "--answer", "subject_area=教育", "--form", str(form),
             str(path)], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("签发：分管副县长（示例·副县长甲）")
    with zipfile.ZipFile(form) as z:
        cells = "\n".join(docx_lines(z.read("word/document.xml")))
    assert "拟请 分管副县长（示例·副县长甲） 签发" in cells and "西政文〔2026〕41号" in cells


def test_bad_files_exit_non_zero_with_a_chinese_message(seed_config, tmp_path):
    data_dir = seed_config.storage.data_dir
    old = tmp_path / "旧.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    r = run(["route-file", "--json", str(old)], data_dir, cwd=tmp_path)
    assert r.returncode == 1 and json.loads(r.stdout)["code"] == "old_word"
    r = run(["route-file", str(tmp_path / "没有.docx")], data_dir, cwd=tmp_path)
    assert r.returncode != 0 and "没有这个文件" in r.stderr + r.stdout
    r = run(["route-file", "--answer", "oops", str(old)], data_dir, cwd=tmp_path)
    assert r.returncode != 0 and "--answer" in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


def test_the_terminal_chat_takes_a_path_and_shows_the_form(seed_config, tmp_path):
    path = tmp_path / "请示.txt"
    path.write_bytes(REQUEST.replace("县人民政府，县财政局：", "县人民政府：").encode("gb18030"))
    r = run(["chat", "--as", "示例·农业农村局局长"], seed_config.storage.data_dir, cwd=tmp_path,
            stdin=f"/file {path}\n/file {tmp_path / '没有.docx'}\n/file\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "审批：分管副县长（示例·副县长乙）" in out
    assert "〔文件〕" in out and "拟请 分管副县长（示例·副县长乙） 审批" in out  # the form, as text
    saved = out.split("〔文件〕", 1)[1].split("\n", 1)[0].strip()
    assert saved.endswith(".docx") and zipfile.is_zipfile(saved)
    assert "没有找到文件" in out and "用法：/file" in out
    assert "Traceback" not in r.stderr
