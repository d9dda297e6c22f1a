"""The quality gate: the dev set in tests/eval, run through the same path as chat."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.evaluation import format_report, load_questions, run_eval

QUESTIONS = Path(__file__).parent / "eval" / "questions.jsonl"


@pytest.fixture(scope="module")
def items():
    return load_questions(QUESTIONS)


@pytest.fixture(scope="module")
def chat_engine(seed_config, seed_index):
    """The engine as ask/chat/eval build it: rule tools first, then the regulation."""
    from bot.engine import Engine
    from bot.procedures.frontdesk import FrontDesk

    return Engine(seed_config, seed_index, frontdesk=FrontDesk.from_config(seed_config))


@pytest.fixture(scope="module")
def report(chat_engine, items):
    return run_eval(chat_engine, items, k=3)


def test_quality_set_is_large_and_varied(items):
    covered = [i for i in items if i.covered]
    out_of_scope = [i for i in items if not i.covered]
    assert len(items) >= 120
    assert len(out_of_scope) >= 15
    assert any(0 in i.articles for i in covered), "questions answered by the notice preamble"
    assert len({q.q for q in items}) == len(items), "duplicate questions"


def test_expected_articles_exist_and_contain_the_must_phrases(items, seed_index, engine):
    doc = seed_index.documents[seed_index.default_doc_id]
    for item in items:
        if not item.covered:
            assert not item.articles and not item.must, item.q
            continue
        texts = []
        for no in item.articles:
            art = doc.article(no)
            assert art is not None, f"{item.q}: article {no} does not exist"
            texts.append(unicodedata.normalize("NFKC", art.text))
        for phrase in item.must:
            assert any(unicodedata.normalize("NFKC", phrase) in t for t in texts), \
                f"{item.q}: must phrase {phrase!r} is not in articles {item.articles}"


def test_gate(report):
    s = report["summary"]
    detail = format_report(report)
    assert s["recall_at_1"] >= 0.95, detail
    assert s["recall_at_k"] >= 0.98, detail
    assert s["must_rate"] >= 0.95, detail
    assert s["refusal_rate"] == 1.0, detail


def test_procedure_set_through_the_chat_path(chat_engine):
    """tests/eval/procedures.jsonl: signing and leave questions, scored like the dev set."""
    report = run_eval(chat_engine, load_questions(QUESTIONS.with_name("procedures.jsonl")), k=3)
    s = report["summary"]
    assert s["questions"] >= 40
    assert s["recall_at_1"] >= 0.9 and s["recall_at_k"] >= 0.98, format_report(report)
    assert s["must_rate"] >= 0.95, format_report(report)


def test_answers_cite_only_what_they_quote(report, seed_text):
    """Every answered question cites existing articles, quoted verbatim from the source."""
    for row in report["results"]:
        if not row["covered"]:
            assert row["citations"] == [], row["q"]
            continue
        assert row["citations"], row["q"]
        for c in row["citations"]:
            assert c["quote"] in seed_text, row["q"]
            assert c["quote"] in row["answer"], row["q"]


def test_frozen_county_test_set(chat_engine):
    """tests/eval/county_test.jsonl was written from the text before any tuning on it
    (questions.jsonl is the tuning part). Floors guard the measured figures of issue 10."""
    report = run_eval(chat_engine, load_questions(QUESTIONS.with_name("county_test.jsonl")), k=3)
    s = report["summary"]
    assert s["questions"] >= 80
    assert s["recall_at_1"] >= 0.80, format_report(report)
    assert s["lead_rate"] >= 0.74, format_report(report)
    assert s["refusal_rate"] >= 0.9, format_report(report)
