"""Every rule cites the regulation verbatim: each phrase occurs in the cited article's text."""
from __future__ import annotations

import pytest

from bot.procedures.rules import Cite, Outcome, Rule, RuleSet, load_rules
from ingest.parse import DocumentMeta, parse_document
from ingest.readers import read_lines
from tests.conftest import SEED, SEED_DOC_ID


@pytest.fixture(scope="module")
def regulation():
    return parse_document(read_lines(SEED), SEED.name, DocumentMeta(doc_id=SEED_DOC_ID))


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def ungrounded(rules, doc) -> list[str]:
    """Cites whose article is missing or whose phrase is not verbatim in the article."""
    out = []
    for rule in rules:
        for cite in rule.cites:
            article = doc.article(cite.article)
            if article is None or cite.phrase not in article.text:
                out.append(f"{rule.id}: article {cite.article}: {cite.phrase!r}")
    return out


def test_regulation_parses_with_all_articles(regulation):
    assert regulation.article_numbers[-1] == 67
    assert "由县长签署或签发" in regulation.article(50).text


def test_every_cite_phrase_is_verbatim_in_its_article(rules, regulation):
    assert sum(len(r.cites) for r in rules) > 40
    assert ungrounded(rules, regulation) == []


@pytest.mark.parametrize("article, phrase", [
    (50, "由县长签字发布"),                      # made up
    (51, "由县长签署或签发"),                    # real, but in article 50, not 51
    (48, "一般应在3个工作日内回复"[::-1]),       # scrambled
    (99, "由县长签署或签发"),                    # no such article
    (48, "除主办部门另有时限要求外，一般应在3个工作日内回复"),  # full-width comma: not verbatim
])
def test_grounding_check_fails_for_a_phrase_not_in_the_article(regulation, article, phrase):
    fake = Rule(id="fake.rule", then=Outcome(signer="县长"),
                cites=[Cite(article=article, phrase=phrase)])
    assert ungrounded(RuleSet({"signing": [fake]}), regulation) == [
        f"fake.rule: article {article}: {phrase!r}"]


def test_rules_cite_the_articles_of_their_subject(rules):
    cited = {c.article for r in rules for c in r.cites}
    assert {8, 9, 42, 43, 44, 47, 48, 49, 50, 51, 55} <= cited
