"""Values in questions and the conditions of clauses over them (bot/values.py)."""
from __future__ import annotations

import pytest

from bot.values import condition_fit, conditions, question_values


def test_question_values_read_numbers_and_units():
    assert [(v.number, v.unit) for v in question_values("档案形成8年了 要交吗")] == [(8.0, "年")]
    assert [(v.number, v.unit) for v in question_values("6个小时才发信息")] == [(6.0, "小时")]
    assert [(v.number, v.unit) for v in question_values("拖了五个工作日")] == [(5.0, "工作日")]
    assert [(v.number, v.unit) for v in question_values("放了40天")] == [(40.0, "日")]
    assert question_values("会签文件几天内回复") == []


@pytest.mark.parametrize("clause, at_least, number, unit", [
    ("每年学法不少于4次", True, 4, "次"),          # not "少于": the longest qualifier wins
    ("最迟要在5小时内发布权威信息", False, 5, "小时"),
    ("自形成之日起满二十五年向社会开放", True, 25, "年"),
    ("一般应在3个工作日内回复", False, 3, "工作日"),
    ("不超过10日", False, 10, "日"),
])
def test_conditions_know_which_way_they_run(clause, at_least, number, unit):
    [c] = conditions(clause)
    assert (c.at_least, c.number, c.unit) == (at_least, number, unit)


def test_condition_fit_prefers_the_clause_whose_condition_holds():
    forty_days = question_values("都40天了")
    assert condition_fit(forty_days, "超过30日的，视为放弃") == 1.0
    assert condition_fit(forty_days, "应当在30日内提出") == 0.8     # on the unit, not met
    assert condition_fit(forty_days, "第四十条 由县长决定") == 0.0   # a number that merely looks alike
    fine = question_values("罚了2万元")
    assert condition_fit(fine, "处1万元以上5万元以下的罚款") == 1.0
    assert condition_fit(fine, "处5万元以上10万元以下的罚款") == 0.8
