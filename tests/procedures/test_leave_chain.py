"""leave_chain: who is reported to, who approves, who is notified, who acts meanwhile."""
from __future__ import annotations

from datetime import date

import pytest

from bot.procedures.leave import LeaveError, leave_chain
from bot.procedures.roster import BODIES, Person, Roster
from bot.procedures.rules import LEAVE_KINDS, LEAVE_MEETINGS
from bot.procedures.tools import make_tools
from bot.config import PROJECT_ROOT


@pytest.fixture
def chain(rules, roster):
    return lambda **slots: leave_chain(rules, roster, **slots)


def shape(result) -> list[str]:
    return [f"{s.action}:{s.label}:{s.person or s.role}" + (f">{s.to_person or s.to_role}"
                                                            if s.to_role else "")
            for s in result.steps]


# (slots, rule id, covered, steps as action:label:person>recipient, acting, cited articles)
CASES = [
    (dict(applicant="示例·县长", kind="出差"), "leave.head.away", True,
     ["act:主持工作:示例·常务副县长"], "示例·常务副县长", {9}),
    (dict(applicant="示例·县长", kind="会议请假", meeting="常务会议"), "leave.head.meeting", False,
     [], None, {7}),
    (dict(applicant="示例·副县长甲", kind="会议请假", meeting="全体会议"), "leave.meeting.leader", True,
     ["approve:请假:示例·县长"], None, {44}),
    (dict(applicant="示例·常务副县长", kind="会议请假", meeting="县长召开的会议"),
     "leave.meeting.leader", True, ["approve:请假:示例·县长"], None, {44}),
    (dict(applicant="示例·出山镇镇长", kind="会议请假", meeting="常务会议"), "leave.meeting.attendee",
     True, ["report:报告:县政府办公室>示例·县长", "approve:同意:示例·县长"], None, {44}),
    (dict(applicant="示例·教育局局长", kind="会议请假", meeting="副县长召开的会议",
          meeting_chair="示例·副县长甲"), "leave.meeting.deputy_chaired", True,
     ["report:报告:示例·办公室副主任甲>示例·副县长甲"], None, {44}),
    (dict(applicant="示例·副县长甲", kind="休假"), "leave.deputy.away", True,
     ["report:事先报告:示例·副县长甲>示例·县长",
      "notify:通报:县政府办公室>县政府其他领导同志",
      "act:代行职责:示例·副县长乙"], "示例·副县长乙", {8, 55}),
    (dict(applicant="示例·常务副县长", kind="出访"), "leave.deputy.away", True,
     ["report:事先报告:示例·常务副县长>示例·县长",
      "notify:通报:县政府办公室>县政府其他领导同志",
      "act:代行职责:示例·副县长丙"], "示例·副县长丙", {8, 55}),
    (dict(applicant="示例·办公室主任", kind="出差"), "leave.director.away", True,
     ["report:事先报告:示例·办公室主任>示例·县长",
      "notify:通报:县政府办公室>县政府其他领导同志"], None, {55}),
    (dict(applicant="示例·出山镇镇长", kind="离县外出"), "leave.township.away", True,
     ["report:汇总:县政府办公室>示例·办公室主任", "report:签报:示例·办公室主任>示例·县长",
      "approve:同意:示例·县长", "report:报备:示例·出山镇镇长"], None, {55}),
    (dict(applicant="示例·卫健委主任", kind="休假"), "leave.department.away", True,
     ["report:汇总:县政府办公室>示例·办公室主任", "report:签报:示例·办公室主任>示例·县长",
      "approve:同意:示例·县长", "approve:同意:示例·副县长甲", "report:报备:示例·卫健委主任"],
     None, {55}),
    (dict(applicant="示例·办公室副主任甲", kind="出差"), "leave.office_deputy.not_covered", False,
     [], None, {55}),
    (dict(applicant="示例·办公室工作人员", kind="休假"), "leave.staff.not_covered", False,
     [], None, {55}),
]


@pytest.mark.parametrize("slots, rule_id, covered, steps, acting, articles", CASES,
                         ids=[f"{c[0]['applicant']}-{c[0]['kind']}" for c in CASES])
def test_rule_table(chain, slots, rule_id, covered, steps, acting, articles):
    result = chain(**slots)
    assert result.rule_ids == [rule_id]
    assert result.covered is covered
    assert shape(result) == steps
    assert result.acting == acting
    assert {c.article for c in result.cites} == articles
    assert [s.order for s in result.steps] == list(range(1, len(steps) + 1))
    if not covered:
        assert result.warnings and result.steps == []


def test_the_table_exercises_every_leave_rule(rules):
    assert {case[1] for case in CASES} == {r.id for r in rules.by_domain["leave"]}


def test_department_head_travel_chain(chain):
    result = chain(applicant="示例·农业农村局局长", kind="出差")
    assert result.applicant_role == "部门主要负责人" and result.covered
    assert [(s.action, s.label, s.role, s.person) for s in result.steps] == [
        ("report", "汇总", "县政府办公室", None),
        ("report", "签报", "办公室主任", "示例·办公室主任"),
        ("approve", "同意", "县长", "示例·县长"),
        ("approve", "同意", "分管副县长", "示例·副县长乙"),
        ("report", "报备", "部门主要负责人", "示例·农业农村局局长"),
    ]
    assert result.filing == result.steps[-1]
    assert {c.article for c in result.cites} == {55}
    assert result.warnings == []
    assert any("报备的对象和方式" in n for n in result.notes)


def test_deputies_report_rather_than_apply(chain):
    result = chain(applicant="示例·副县长乙", kind="出差", start="2026-05-06", end="2026-05-08")
    assert [s.action for s in result.steps] == ["report", "notify", "act"]
    assert "不是审批" in result.steps[0].note
    assert result.acting == "示例·副县长甲" and result.acting_role == "互补副县长"
    assert "代行审签紧急公文" in result.steps[-1].note
    assert (result.start, result.end) == (date(2026, 5, 6), date(2026, 5, 8))
    assert result.filing is None


def test_staff_are_told_plainly_that_the_regulation_does_not_cover_them(chain):
    result = chain(applicant="示例·办公室工作人员", kind="出差")
    assert not result.covered and result.steps == []
    assert "本规则未规定一般工作人员的请假程序" in result.warnings[0]
    assert "向本单位咨询" in result.warnings[0]


def test_attendees_of_the_big_meetings_are_told_not_to_ask_lightly(chain):
    result = chain(applicant="示例·农业农村局局长", kind="会议请假", meeting="全体会议")
    assert result.warnings == ["县政府全体会议、常务会议和县长召开的会议，原则上不得请假。"]
    # Staff attending such a meeting are "其他参会人员": covered by article 44.
    assert chain(applicant="示例·办公室工作人员", kind="会议请假", meeting="常务会议").covered


def test_deputy_chaired_meeting_without_a_chair_warns(chain):
    result = chain(applicant="示例·出山镇镇长", kind="会议请假", meeting="副县长召开的会议")
    assert [(s.person, s.to_person) for s in result.steps] == [(None, None)]
    assert result.warnings == ["没有注明主持会议的副县长（meeting_chair），无法确定向谁报告。"]


# Property: every person in the example roster gets a complete chain or a plain "not covered".

QUESTIONS = [dict(kind=k) for k in LEAVE_KINDS if k != "会议请假"] + [
    dict(kind="会议请假", meeting=m) for m in LEAVE_MEETINGS]


def _people():
    return Roster.load(PROJECT_ROOT / "knowledge" / "roster.example.toml").people


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.get("meeting") or q["kind"])
@pytest.mark.parametrize("person", _people(), ids=lambda p: p.name)
def test_every_roster_person_gets_a_complete_chain_or_a_not_covered_answer(chain, roster,
                                                                           person, question):
    slots = dict(question, applicant=person.name)
    if question.get("meeting") == "副县长召开的会议":
        slots["meeting_chair"] = next(d.name for d in roster.deputies if d.name != person.name)
    result = chain(**slots)
    assert result.rule_ids and result.cites
    if not result.covered:
        assert result.steps == [] and result.warnings
        return
    assert all(s.person for s in result.steps if s.action == "approve")
    assert all(s.person for s in result.steps if s.role not in BODIES)
    assert all(s.to_person for s in result.steps if s.to_role and s.to_role not in BODIES)
    assert result.warnings in ([], ["县政府全体会议、常务会议和县长召开的会议，原则上不得请假。"])


# Roster gaps ---------------------------------------------------------------------------------

def test_gaps_in_the_roster_leave_people_open_with_warnings(rules):
    roster = Roster([Person(name="乙", role="副县长", portfolio=("水利",)),
                     Person(name="局长", role="部门主要负责人", department="商务局", area="商务"),
                     Person(name="镇长", role="乡镇主要负责人", department="出山镇")])
    deputy = leave_chain(rules, roster, applicant="乙", kind="休假")
    assert deputy.acting is None
    assert "“乙”没有有效的互补副县长，外出期间无法确定由谁代行职责（第八条），请补充花名册。" in deputy.warnings
    head = leave_chain(rules, roster, applicant="局长", kind="离县外出")
    assert [s.person for s in head.steps if s.action == "approve"] == [None, None]
    assert "花名册中没有“县长”，无法确定人选，请补充花名册。" in head.warnings
    assert "花名册中没有副县长分管“商务”，无法确定分管副县长。" in head.warnings
    town = leave_chain(rules, roster, applicant="镇长", kind="离县外出")
    assert "花名册中没有“办公室主任”，无法确定人选，请补充花名册。" in town.warnings


def test_a_department_without_an_area_warns(rules):
    roster = Roster([Person(name="县长", role="县长"), Person(name="主任", role="办公室主任"),
                     Person(name="局长", role="部门主要负责人", department="统计局")])
    result = leave_chain(rules, roster, applicant="局长", kind="出差")
    assert result.warnings == ["无法确定“统计局”的分管副县长，请在花名册中填写本部门的分管领域（area）。"]


# Errors ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("slots, message", [
    (dict(applicant="张三", kind="出差"), "花名册中没有“张三”"),
    (dict(applicant="示例·县长", kind="病假"), "未知的请假类型“病假”；可选：" + "、".join(LEAVE_KINDS)),
    (dict(applicant="示例·县长", kind="会议请假", meeting="党组会"), "未知的会议“党组会”"),
    (dict(applicant="示例·副县长甲", kind="会议请假"), "会议请假须注明是哪种会议"),
    (dict(applicant="示例·副县长甲", kind="出差", meeting="常务会议"), "只有会议请假需要注明会议"),
    (dict(applicant="示例·教育局局长", kind="会议请假", meeting="常务会议",
          meeting_chair="示例·副县长甲"), "只适用于“副县长召开的会议”"),
    (dict(applicant="示例·教育局局长", kind="会议请假", meeting="副县长召开的会议",
          meeting_chair="示例·县长"), "“示例·县长”不是花名册中的副县长"),
    (dict(applicant="示例·副县长甲", kind="会议请假", meeting="副县长召开的会议",
          meeting_chair="示例·副县长甲"), "不需要向自己请假"),
    (dict(applicant="示例·副县长甲", kind="出差", start="2026-05-08", end="2026-05-06"),
     "结束日期早于开始日期"),
    (dict(applicant="示例·副县长甲", kind="出差", start="五月"), "“开始日期”的值无效"),
    (dict(kind="出差"), "缺少必填项“申请人”"),
    (dict(applicant="示例·副县长甲", kind="出差", reason="开会"), "不认识的参数“reason”"),
])
def test_invalid_questions_raise_in_chinese(chain, slots, message):
    with pytest.raises(LeaveError) as err:
        chain(**slots)
    assert message in str(err.value)


# The tool ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tool(rules, roster):
    return {t.name: t for t in make_tools(rules, roster)}["leave_chain"]


@pytest.mark.parametrize("slots", [case[0] for case in CASES])
def test_tool_returns_what_the_function_returns(tool, rules, roster, slots):
    assert tool.invoke(dict(slots)) == leave_chain(rules, roster, **slots)


def test_tool_returns_errors_as_chinese_text(tool):
    assert tool.invoke({"applicant": "张三", "kind": "出差"}).startswith("花名册中没有“张三”")
    assert tool.invoke({"applicant": "示例·县长", "kind": "病假"}).startswith("未知的请假类型")
    assert tool.invoke({"applicant": "示例·副县长甲", "kind": "会议请假"}).startswith("会议请假须注明")
