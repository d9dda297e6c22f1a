"""Signing and leave questions in free text: slots, clarifying questions, cited answers."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.procedures.frontdesk import FrontDesk
from bot.procedures.understand import LEAVE, ROUTE, Phrases, understand

EVAL = Path(__file__).resolve().parent.parent / "eval" / "procedures.jsonl"


@pytest.fixture(scope="module")
def desk(seed_config):
    return FrontDesk.from_config(seed_config)


@pytest.fixture(scope="module")
def route_engine(seed_config, seed_index, desk):
    return Engine(seed_config, seed_index, frontdesk=desk)


def ask(desk, index, text):
    return desk.answer(text, index)


def test_department_head_leave_names_the_chain_and_cites_55(desk, seed_index, seed_text):
    ans = ask(desk, seed_index, "我是农业农村局局长，下周去郑州开会三天，请假要谁批？")
    assert ans.intent == "leave" and ans.covered
    for word in ("办公室主任", "县长", "报备", "示例·副县长乙"):
        assert word in ans.answer
    assert {c.article for c in ans.citations} == {55}
    for c in ans.citations:
        assert c.quote in seed_text and c.quote in ans.answer


def test_appointment_notice_is_signed_by_the_county_head(desk, seed_index):
    ans = ask(desk, seed_index, "县政府下发干部任免的通知，最后谁签？")
    assert ans.intent == "route_document" and ans.covered
    assert ans.answer.startswith("签发：县长")
    assert 50 in {c.article for c in ans.citations}


def test_portfolio_decides_the_deputy(desk, seed_index):
    ans = ask(desk, seed_index, "以县政府名义发一个教育方面的一般性通知，谁签发")
    assert "示例·副县长甲" in ans.answer.splitlines()[0]
    assert [c.article for c in ans.citations] == [51]


def test_countersign_has_a_working_day_deadline(desk, seed_index):
    ans = ask(desk, seed_index, "会签文件几天内回复")
    assert ans.covered
    assert "3个工作日" in ans.answer and "无不同意见" in ans.answer
    assert 48 in {c.article for c in ans.citations}


@pytest.mark.parametrize("text, options", [
    ("这个文件谁签？", ["县政府", "县政府办公室", "部门", "乡镇"]),
    ("这个纪要谁签", ["常务会议", "县长办公会议"]),
    ("下周出差要请假吗", ["副县长", "办公室主任", "部门主要负责人", "乡镇主要负责人"]),
])
def test_a_missing_slot_gets_a_question_with_options_not_a_guess(desk, seed_index, text, options):
    ans = ask(desk, seed_index, text)
    assert not ans.covered and ans.citations == []
    for option in options:
        assert option in ans.answer


def test_conflicting_slots_are_explained(desk, seed_index):
    ans = ask(desk, seed_index, "县政府办公室名义发命令谁签")
    assert not ans.covered
    assert "命令" in ans.answer and "县政府" in ans.answer


def test_a_role_question_names_no_one(desk, seed_index):
    ans = ask(desk, seed_index, "局长出差请假的流程")
    assert ans.covered and "示例·" not in ans.answer
    assert "分管副县长" in ans.answer


def test_typos_are_corrected_first(desk, seed_index):
    ans = ask(desk, seed_index, "我是付县长，县长召开的会去不了向谁请假")
    assert ans.intent == "leave" and ans.covered
    assert 44 in {c.article for c in ans.citations}


@pytest.mark.parametrize("text", ["推荐个电影", "容错纠错在哪条", "会议室怎么预约"])
def test_other_questions_are_left_to_the_regulation(desk, seed_index, text):
    assert ask(desk, seed_index, text) is None


def test_understand_reads_slots(desk):
    q = understand("我是出山镇镇长，要去市里出差两天，找谁请假", desk.phrases, desk.roster)
    assert q.intent == LEAVE and q.slots == {"kind": "出差", "applicant": "示例·出山镇镇长"}
    q = understand("县政府向县委报送的报告谁签", desk.phrases, desk.roster)
    assert q.intent == ROUTE and q.slots["doc_kind"] == "上行文"


def test_broken_phrase_file_is_reported(tmp_path):
    from bot.procedures.understand import PhraseError

    bad = tmp_path / "phrases.toml"
    bad.write_text("[route\n", encoding="utf-8")
    with pytest.raises(PhraseError, match="phrases.toml"):
        Phrases.load(bad)


def test_procedure_quality_set(desk, route_engine):
    """tests/eval/procedures.jsonl through the route path: the tools first, else the regulation."""
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 40
    misses = []
    for row in rows:
        ans = desk.answer(row["q"], route_engine.index) or route_engine.answer(row["q"])
        text = unicodedata.normalize("NFKC", ans.answer)
        cited = {c.article for c in ans.citations}
        if not (ans.covered and cited & set(row["articles"])
                and all(unicodedata.normalize("NFKC", m) in text for m in row["must"])):
            misses.append((row["q"], sorted(cited), ans.answer[:80]))
    assert len(misses) <= 0.05 * len(rows), misses


def test_route_command(seed_config):
    env = {"BOT_DATA_DIR": str(seed_config.storage.data_dir), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "bot", "route", "--json", "县政府的命令谁签"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["intent"] == "route_document" and out["covered"]
    assert out["citations"][0]["article"] == 50
