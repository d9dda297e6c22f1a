"""The langchain-core retriever over the session's seed index."""
import pytest
from langchain_core.documents import Document

from bot.retrieval.retriever import RegulationRetriever, make_retriever
from conftest import SEED_DOC_ID, SEED_TITLE


@pytest.fixture(scope="module")
def retriever(seed_config, seed_index):
    return make_retriever(seed_config, index=seed_index)


def test_is_a_langchain_retriever(retriever):
    from langchain_core.retrievers import BaseRetriever

    assert isinstance(retriever, BaseRetriever)
    assert isinstance(retriever, RegulationRetriever)


def test_question_returns_articles_with_metadata(retriever, seed_index):
    docs = retriever.invoke("会签文件几天内回复")
    assert 1 <= len(docs) <= 3
    assert all(isinstance(d, Document) for d in docs)
    first = docs[0]
    assert first.metadata["article_no"] == 48
    assert first.metadata["doc_id"] == SEED_DOC_ID
    assert first.metadata["doc_title"] == SEED_TITLE
    assert first.metadata["chapter_title"] == "公文审批"
    assert first.metadata["chapter_no"] == 9
    assert first.metadata["article_label"] == "第四十八条"
    assert first.metadata["retrieval"] == "hybrid"
    assert first.page_content == seed_index.article(SEED_DOC_ID, 48).text
    assert len({d.metadata["article_no"] for d in docs}) == len(docs)  # one Document per article


@pytest.mark.parametrize("query", ["社保缴费怎么交", "推荐个电影"])
def test_out_of_scope_returns_nothing(retriever, query):
    assert retriever.invoke(query) == []


def test_article_reference_returns_exactly_that_article(retriever, seed_index):
    docs = retriever.invoke("第五十条")
    assert len(docs) == 1
    assert docs[0].metadata["article_no"] == 50
    assert docs[0].metadata["retrieval"] == "lookup"
    assert docs[0].page_content == seed_index.article(SEED_DOC_ID, 50).text


def test_reference_to_missing_article_returns_nothing(retriever):
    assert retriever.invoke("第九十条") == []


def test_k_limits_results(seed_config, seed_index):
    one = make_retriever(seed_config, index=seed_index, k=1)
    assert len(one.invoke("副县长请假找谁")) == 1
