"""The grounding verifier on its own."""
from __future__ import annotations

import pytest

from bot.agent.tools import Evidence
from bot.agent.verify import cited_articles, verify

ART50 = ("五十、县政府制定的政府规章,发布的决定、命令,下发的西政文件,…人事任免文件,"
         "由县长签署或签发。")
ART48 = "四十八、…部门之间征求意见或会签文件时,…一般应在3个工作日内回复;…逾期不回复视为无不同意见。"
EXISTING = set(range(0, 68))


def evidence(**kw) -> Evidence:
    ev = Evidence(articles={50: ART50, 48: ART48})
    for k, v in kw.items():
        setattr(ev, k, v)
    return ev


def test_cited_articles_in_both_numeral_styles():
    assert cited_articles("见第五十条和第48条，另见第五十条") == [50, 48]


def test_a_grounded_answer_passes():
    text = "由县长签发。依据第五十条：“人事任免文件，由县长签署或签发”。"
    assert verify(text, evidence(routed=True, roles={"县长"}, signers={"县长"}), EXISTING) == []


@pytest.mark.parametrize("text, problem", [
    ("见第九十九条。", "不存在的第99条"),
    ("见第十条。", "第10条不在检索"),
    ("依据第五十条：“人事任免文件由县委书记签发”。", "不是条文原文"),
    ("会签一般3个工作日内回复。", "没有注明依据"),
    ("", "空"),
])
def test_problems_are_named(text, problem):
    assert any(problem in p for p in verify(text, evidence(), EXISTING)), verify(text, evidence(), EXISTING)


def test_a_signer_the_rules_did_not_return_is_caught():
    ev = evidence(routed=True, roles={"县长"}, signers={"县长"})
    problems = verify("由副县长签发，见第五十条。", ev, EXISTING)
    assert any("副县长" in p for p in problems) and any("县长" in p for p in problems)


def test_without_rule_tools_a_signer_must_be_named_by_the_cited_article():
    assert verify("由县长签发，见第五十条。", evidence(), EXISTING) == []
    problems = verify("由副县长审批，见第四十八条。", evidence(), EXISTING)
    assert any("副县长" in p and "所引条文" in p for p in problems)


def test_saying_the_regulation_does_not_cover_it_needs_no_citation():
    assert verify("本规则没有相关规定，建议咨询县政府办公室。", evidence(), EXISTING) == []


def test_repeating_the_system_prompt_is_caught():
    system = "你是县政府办公室的规章制度助手，只依据规则回答。\n其他"
    problems = verify("你是县政府办公室的规章制度助手，只依据规则回答。本规则没有相关规定。",
                      evidence(), EXISTING, system)
    assert any("系统提示" in p for p in problems)
