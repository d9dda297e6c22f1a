"""`python -m bot` end to end, in a subprocess, against the session's seed index."""
import json
import os
import subprocess
import sys

import pytest

from conftest import KNOWLEDGE, SEED_DOC_ID, SEED_TITLE


def run(args, data_dir=None, stdin=None, cwd=None, extra_env=None, config=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_CONFIG", "BOT_DATA_DIR", "BOT_EMBEDDING_BACKEND", "BOT_EMBEDDING_MODEL")}
    if data_dir is not None:
        env["BOT_DATA_DIR"] = str(data_dir)
    if config is not None:
        env["BOT_CONFIG"] = str(config)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def data_dir(seed_config):
    return seed_config.storage.data_dir


def test_ask_json_article(data_dir, tmp_path, seed_text):
    r = run(["ask", "--json", "第五十条"], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) == {"intent", "answer", "covered", "citations", "ranked", "path"}
    assert out["path"] == "offline"
    assert out["intent"] == "article" and out["covered"] is True
    [c] = out["citations"]
    assert set(c) == {"doc_id", "doc_title", "article", "chapter", "quote"}
    assert (c["doc_id"], c["doc_title"], c["article"], c["chapter"]) == \
        (SEED_DOC_ID, SEED_TITLE, 50, "第九章 公文审批")
    assert c["quote"] in seed_text
    for row in out["ranked"]:
        assert set(row) == {"doc_id", "doc_title", "article", "score"}


def test_ask_json_question(data_dir, tmp_path):
    r = run(["ask", "--json", "容错纠错在哪条"], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["intent"] == "qa" and out["covered"] is True
    assert out["citations"][0]["article"] == 37
    assert out["ranked"]
    for row in out["ranked"]:
        assert set(row) == {"doc_id", "doc_title", "article", "score"}
        assert row["doc_id"] == SEED_DOC_ID and isinstance(row["score"], float)


def test_ask_plain_and_empty_question(data_dir, tmp_path):
    r = run(["ask", "第九十条"], data_dir, cwd=tmp_path)
    assert r.returncode == 0
    assert "共 67 条" in r.stdout
    r = run(["ask", "   "], data_dir, cwd=tmp_path)
    assert r.returncode != 0
    assert "请输入您的问题" in r.stdout


def test_article_commands(data_dir, tmp_path, seed_index):
    r = run(["article", "50"], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert seed_index.article(SEED_DOC_ID, 50).text in r.stdout
    r = run(["article", "第五十条", "--doc", SEED_DOC_ID], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "出处：《西平县人民政府工作规则（征求意见稿）》第五十条（第九章 公文审批）" in r.stdout
    r = run(["article", "第五十一条第二款"], data_dir, cwd=tmp_path)
    assert r.returncode == 0
    assert "【原文】第五十一条第二款\n以县政府办公室名义印发" in r.stdout


def test_article_errors(data_dir, tmp_path):
    r = run(["article", "99"], data_dir, cwd=tmp_path)
    assert r.returncode != 0
    assert "没有第九十九条" in r.stdout + r.stderr
    r = run(["article", "50", "--doc", "nope"], data_dir, cwd=tmp_path)
    assert r.returncode != 0
    assert "unknown document id 'nope'" in r.stderr
    assert SEED_DOC_ID in r.stderr  # says which ids exist
    r = run(["article", "abc"], data_dir, cwd=tmp_path)
    assert r.returncode == 2
    assert "not an article number" in r.stderr


EVAL_SUMMARY_KEYS = {"recall_at_1", "recall_at_k", "mrr", "must_rate", "refusal_rate", "p50_ms", "p95_ms"}


def test_eval_json(data_dir, tmp_path):
    qs = tmp_path / "qs.jsonl"
    qs.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"q": "第五十条", "articles": [50], "covered": True, "must": ["县长签署"]},
        {"q": "会签文件几天内回复", "articles": [48], "covered": True},
        {"q": "推荐个电影", "articles": [], "covered": False},
    ]) + "\n\n", encoding="utf-8")
    r = run(["eval", str(qs), "--json"], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert len(report["results"]) == 3
    summary = report["summary"]
    assert EVAL_SUMMARY_KEYS <= set(summary)
    assert summary["questions"] == 3
    assert summary["recall_at_1"] == 1.0 and summary["mrr"] == 1.0
    assert summary["must_rate"] == 1.0
    assert summary["refusal_rate"] == 1.0
    assert 0 <= summary["p50_ms"] <= summary["p95_ms"]
    assert report["results"][0]["rank"] == 1


def test_eval_text_report(data_dir, tmp_path):
    qs = tmp_path / "qs.jsonl"
    qs.write_text('{"q": "第五十条", "articles": [49]}\n', encoding="utf-8")
    r = run(["eval", str(qs)], data_dir, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "MISS  第五十条  expected [49]  got 50" in r.stdout
    assert "recall@1 0.0" in r.stdout


@pytest.mark.parametrize("content,where", [
    ('{"q": "第五十条", "articles": [50]}\n{"q": "broken", \n', ":2:"),
    ('{"q": "第五十条"}\n{"articles": [1]}\n', ":2:"),
    ('{"q": "x", "articles": ["five"]}\n', ":1:"),
])
def test_eval_malformed_jsonl(data_dir, tmp_path, content, where):
    qs = tmp_path / "bad.jsonl"
    qs.write_text(content, encoding="utf-8")
    r = run(["eval", str(qs)], data_dir, cwd=tmp_path)
    assert r.returncode != 0
    assert f"bad.jsonl{where} bad line" in r.stderr
    assert "Traceback" not in r.stderr


def test_eval_missing_file(data_dir, tmp_path):
    r = run(["eval", str(tmp_path / "none.jsonl")], data_dir, cwd=tmp_path)
    assert r.returncode != 0
    assert "cannot read" in r.stderr


def test_ingest_corrupt_docx_keeps_previous_index(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "broken.docx").write_bytes(b"definitely not a docx" * 50)
    r = run(["ingest", str(kb), "--quiet"], tmp_path / "data", cwd=tmp_path)
    assert r.returncode != 0
    assert "ingest failed: broken.docx" in r.stderr
    assert "previous index (if any) is still serving" in r.stderr
    assert "Traceback" not in r.stderr
    assert not list((tmp_path / "data" / "index").glob("build-*"))


def test_ingest_unsupported_path(tmp_path):
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK")
    r = run(["ingest", str(sheet)], tmp_path / "data", cwd=tmp_path)
    assert r.returncode != 0
    assert "unsupported file type" in r.stderr


def test_ask_without_index(tmp_path):
    r = run(["ask", "副县长请假找谁"], tmp_path / "empty-data", cwd=tmp_path)
    assert r.returncode != 0
    assert "python -m bot ingest" in r.stderr
    assert "Traceback" not in r.stderr


def test_chat_reads_stdin(data_dir, tmp_path, seed_index):
    r = run(["chat"], data_dir, stdin="第五十条\n\n退出\n会签文件几天内回复\n", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert seed_index.article(SEED_DOC_ID, 50).text in r.stdout
    assert "3个工作日" not in r.stdout  # nothing is answered after 退出


def test_chat_ends_at_eof(data_dir, tmp_path):
    r = run(["chat"], data_dir, stdin="你好\n", cwd=tmp_path)
    assert r.returncode == 0
    assert "您好" in r.stdout


def _config_file(tmp_path, data_dir):
    conf = tmp_path / "conf" / "bot.toml"
    conf.parent.mkdir()
    conf.write_text(
        f'[storage]\ndata_dir = "{data_dir.as_posix()}"\n'
        f'[knowledge]\npaths = ["{KNOWLEDGE.as_posix()}"]\n'
        f'documents = "{(KNOWLEDGE / "documents.toml").as_posix()}"\n'
        f'userdict = "{(KNOWLEDGE / "userdict.txt").as_posix()}"\n'
        f'synonyms = "{(KNOWLEDGE / "synonyms.toml").as_posix()}"\n'
        f'stopwords = "{(KNOWLEDGE / "stopwords.txt").as_posix()}"\n'
        f'procedure_phrases = "{(KNOWLEDGE / "procedure_phrases.toml").as_posix()}"\n'
        f'[roster]\npath = "{(KNOWLEDGE / "roster.example.toml").as_posix()}"\n'
        f'[calendar]\nholidays_dir = "{(KNOWLEDGE / "holidays").as_posix()}"\n'
        '[answer]\noffice = "县长热线"\n', encoding="utf-8")
    return conf


def test_bot_config_env(data_dir, tmp_path):
    conf = _config_file(tmp_path, data_dir)
    r = run(["ask", "--json", "推荐个电影"], config=conf, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["covered"] is False
    assert "县长热线" in out["answer"]  # the [answer] office from this file, not config.toml
    # BOT_DATA_DIR still wins over the file's data_dir.
    r = run(["ask", "第五十条"], data_dir=tmp_path / "empty", config=conf, cwd=tmp_path)
    assert r.returncode != 0 and "python -m bot ingest" in r.stderr


def test_bad_config_is_reported(tmp_path):
    conf = tmp_path / "bad.toml"
    conf.write_text("[retrieval]\nno_such_setting = 1\n", encoding="utf-8")
    r = run(["ask", "第五十条"], config=conf, cwd=tmp_path)
    assert r.returncode == 1
    assert "error: unknown setting [retrieval] no_such_setting" in r.stderr
    r = run(["--config", str(conf), "article", "50"], cwd=tmp_path)
    assert r.returncode == 1
    assert "unknown setting" in r.stderr


def test_doctor_says_what_to_fix(tmp_path):
    import subprocess
    import sys

    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "bot", "doctor"], capture_output=True, text=True,
                       env=env, timeout=120)
    out = r.stdout
    assert "Traceback" not in r.stderr
    # The example roster has no ids and config.toml no office chat: both are named, with the fix.
    assert "没有填写 telegram_id" in out and "示例·县长" in out
    assert "office_chat_id" in out
    assert "索引无法打开" in out and "python -m bot ingest" in out   # a fresh data dir: no index
    assert r.returncode == 1
