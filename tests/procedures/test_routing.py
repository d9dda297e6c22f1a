"""route_document: signer, steps, standing meeting, deadlines, citations, conflicts."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from bot.procedures.roster import Person, Roster
from bot.procedures.routing import RoutingError, RoutingResult, route_document
from bot.procedures.rules import DOC_KIND_ISSUERS, DOC_KINDS
from bot.procedures.tools import make_tools

@pytest.fixture
def route(rules, roster):
    return lambda calendar=None, **slots: route_document(rules, roster, calendar, **slots)


class FakeCalendar:
    """add_workdays(start, n) -> object with .date and .notice, like the project calendar."""

    def add_workdays(self, start: date, n: int):
        return SimpleNamespace(date=start + timedelta(days=n), notice="演示日历")


def shape(result: RoutingResult) -> list[str]:
    return [f"{s.action}:{s.role}" for s in result.steps]


GOV, OFFICE, DEPT, TOWN = "县政府", "县政府办公室", "部门", "乡镇"

# (slots, rule ids, signer role, signer, steps, cited articles, standing meeting)
CASES = [
    (dict(issuer=GOV, doc_kind="一般公文", subject_area="教育", to_party_committee=True),
     ["sign.party_committee"], "县长", "示例·县长",
     ["draft:议题汇报单位", "review:分管副县长", "sign:县长"], {43, 47}, False),
    (dict(issuer=GOV, doc_kind="会议纪要", meeting="常务会议"),
     ["sign.minutes.head"], "县长", "示例·县长", ["review:办公室主任", "sign:县长"], {42}, False),
    (dict(issuer=OFFICE, doc_kind="会议纪要", meeting="县长办公会议"),
     ["sign.minutes.head"], "县长", "示例·县长", ["review:办公室主任", "sign:县长"], {42}, False),
    (dict(issuer=GOV, doc_kind="会议纪要", meeting="副县长主持的县长办公会议",
          meeting_chair="示例·副县长乙"),
     ["sign.minutes.deputy"], "县长", "示例·县长", ["review:分管副县长", "sign:县长"], {42}, False),
    (dict(issuer=GOV, doc_kind="会议纪要", meeting="全体会议"),
     ["sign.minutes.plenary"], None, None, [], {42}, False),
    (dict(issuer=GOV, doc_kind="规章"),
     ["sign.head.regulation"], "县长", "示例·县长", ["discuss:县政府常务会议", "sign:县长"],
     {40, 50}, True),
    (dict(issuer=GOV, doc_kind="决定"),
     ["sign.head.decision_order"], "县长", "示例·县长", ["sign:县长"], {50}, False),
    (dict(issuer=GOV, doc_kind="命令"),
     ["sign.head.decision_order"], "县长", "示例·县长", ["sign:县长"], {50}, False),
    (dict(issuer=GOV, doc_kind="西政文件", subject_area="教育"),
     ["sign.head.xizheng"], "县长", "示例·县长", ["sign:县长"], {50}, False),
    (dict(issuer=GOV, doc_kind="议案"),
     ["sign.head.congress"], "县长", "示例·县长", ["discuss:县政府常务会议", "sign:县长"],
     {40, 50}, True),
    (dict(issuer=GOV, doc_kind="工作报告"),
     ["sign.head.congress"], "县长", "示例·县长", ["discuss:县政府常务会议", "sign:县长"],
     {40, 50}, True),
    (dict(issuer=GOV, doc_kind="上行文"),
     ["sign.head.upward"], "县长", "示例·县长", ["sign:县长"], {40, 50}, False),
    (dict(issuer=GOV, doc_kind="商洽函"),
     ["sign.head.policy_letter"], "县长", "示例·县长", ["sign:县长"], {50}, False),
    (dict(issuer=GOV, doc_kind="人事任免"),
     ["sign.head.appointment"], "县长", "示例·县长", ["sign:县长"], {50}, False),
    (dict(issuer=GOV, doc_kind="一般公文", subject_area="水利", scope="全局性"),
     ["sign.gov.overall"], "县长", "示例·县长", ["sign:县长"], {51}, False),
    (dict(issuer=GOV, doc_kind="一般公文", subject_area="水利", escalate=True),
     ["sign.gov.escalated"], "县长", "示例·县长", ["sign:县长"], {51}, False),
    (dict(issuer=GOV, doc_kind="一般公文", subject_area="教育"),
     ["sign.gov.portfolio"], "分管副县长", "示例·副县长甲", ["sign:分管副县长"], {51}, False),
    (dict(issuer=OFFICE, doc_kind="一般公文", subject_area="教育", escalate=True),
     ["sign.office.escalated"], "县长", "示例·县长", ["sign:县长"], {51}, False),
    (dict(issuer=OFFICE, doc_kind="一般公文"),
     ["sign.office.director"], "办公室主任", "示例·办公室主任", ["sign:办公室主任"], {51}, False),
    (dict(issuer=OFFICE, doc_kind="上行文"),
     ["sign.office.director"], "办公室主任", "示例·办公室主任", ["sign:办公室主任"], {51}, False),
    (dict(issuer=DEPT, doc_kind="请示", subject_area="农业农村", important=True),
     ["sign.unit.major"], "县长", "示例·县长",
     ["review:县政府办公室", "review:分管副县长", "approve:县长"], {49}, False),
    (dict(issuer=TOWN, doc_kind="报告", subject_area="乡村振兴"),
     ["sign.unit.submission"], "分管副县长", "示例·副县长乙",
     ["review:县政府办公室", "approve:分管副县长"], {49}, False),
    (dict(issuer=OFFICE, doc_kind="一般公文", important=True),
     ["sign.office.director", "extra.standing_meeting"], "办公室主任", "示例·办公室主任",
     ["discuss:县政府常务会议", "sign:办公室主任"], {40, 51}, True),
    (dict(issuer=DEPT, doc_kind="请示", subject_area="卫生健康", joint_departments=["教育局"]),
     ["sign.unit.submission", "extra.countersign"], "分管副县长", "示例·副县长甲",
     ["countersign:相关部门主要负责人", "review:县政府办公室", "approve:分管副县长"],
     {48, 49}, False),
    (dict(issuer=DEPT, doc_kind="请示", subject_area="教育", joint_departments=["卫生健康委员会"],
          disagreement=True),
     ["sign.unit.submission", "extra.countersign", "extra.disagreement"], "分管副县长",
     "示例·副县长甲",
     ["coordinate:主办部门主要负责人", "countersign:相关部门主要负责人", "review:县政府办公室",
      "coordinate:分管副县长", "coordinate:办公室分管副主任", "approve:分管副县长"],
     {48, 49}, False),
    (dict(issuer=DEPT, doc_kind="请示", subject_area="教育", multiple_matters=True),
     ["sign.unit.submission", "check.one_matter"], "分管副县长", "示例·副县长甲",
     ["review:县政府办公室", "approve:分管副县长"], {47, 49}, False),
    (dict(issuer=TOWN, doc_kind="报告", subject_area="教育", includes_request=True),
     ["sign.unit.submission", "check.report_with_request"], "分管副县长", "示例·副县长甲",
     ["review:县政府办公室", "approve:分管副县长"], {47, 49}, False),
    (dict(issuer=DEPT, doc_kind="一般公文", subject_area="教育", bypasses_level=True,
          multiple_recipients=True, addressed_to_leader=True),
     ["sign.unit.submission", "check.bypass", "check.multiple_recipients", "check.to_leader"],
     "分管副县长", "示例·副县长甲", ["review:县政府办公室", "approve:分管副县长"], {47, 49}, False),
]


@pytest.mark.parametrize("slots, rule_ids, signer_role, signer, steps, articles, standing", CASES,
                         ids=[f"{c[0]['issuer']}-{c[0]['doc_kind']}-{'+'.join(c[1])}" for c in CASES])
def test_rule_table(route, slots, rule_ids, signer_role, signer, steps, articles, standing):
    result = route(**slots)
    assert result.rule_ids == rule_ids
    assert (result.signer_role, result.signer) == (signer_role, signer)
    assert shape(result) == steps
    assert {c.article for c in result.cites} == articles
    assert result.standing_meeting_required is standing
    assert [s.order for s in result.steps] == list(range(1, len(steps) + 1))
    assert result.warnings == [] or rule_ids[0] == "sign.minutes.plenary" or \
        any(r.startswith("check.") for r in rule_ids)


def test_the_table_exercises_every_signing_rule(rules):
    covered = {rid for case in CASES for rid in case[1]}
    assert covered == {r.id for r in rules.by_domain["signing"]}


@pytest.mark.parametrize("issuer, doc_kind", [(i, k) for k, issuers in DOC_KIND_ISSUERS.items()
                                              for i in issuers])
def test_every_valid_issuer_and_kind_has_a_rule(route, issuer, doc_kind):
    meeting = "常务会议" if doc_kind == "会议纪要" else None
    result = route(issuer=issuer, doc_kind=doc_kind, subject_area="教育", meeting=meeting)
    assert result.rule_ids and result.signer_role and result.signer and result.cites


# The cases the brief names --------------------------------------------------------------

def test_appointments_from_the_county_government_are_signed_by_the_county_head(route):
    result = route(issuer="县政府", doc_kind="人事任免")
    assert (result.signer_role, result.signer, result.sign_action) == ("县长", "示例·县长", "sign")
    assert [c.article for c in result.cites] == [50, 50]
    assert "人事任免文件" in [c.phrase for c in result.cites]


def test_ordinary_education_document_goes_to_the_deputy_in_charge(route):
    result = route(issuer="县政府", doc_kind="一般公文", subject_area="教育")
    assert result.signer == "示例·副县长甲"
    assert result.cites[0].article == 51
    assert "由副县长按分工签发" in result.cites[0].phrase
    assert result.notes  # 综合性、全局性 or when necessary: county head / executive deputy


def test_office_document_is_signed_by_the_office_director(route):
    result = route(issuer="县政府办公室", doc_kind="一般公文")
    assert (result.signer_role, result.signer) == ("办公室主任", "示例·办公室主任")


def test_overall_matters_go_to_the_county_head_or_the_executive_deputy(route):
    result = route(issuer="县政府", doc_kind="一般公文", scope="综合性", subject_area="教育")
    assert result.signer == "示例·县长"
    assert [(a.role, a.person) for a in result.alternatives] == [("常务副县长", "示例·常务副县长")]


def test_office_escalation_alternative_is_the_deputy_in_charge(route):
    result = route(issuer="县政府办公室", doc_kind="一般公文", subject_area="水利", escalate=True)
    assert [(a.role, a.person) for a in result.alternatives] == [("分管副县长", "示例·副县长乙")]


def test_countersign_has_a_three_workday_deadline(route):
    result = route(issuer="部门", doc_kind="请示", subject_area="教育",
                   joint_departments=["卫生健康委员会", "水利局"])
    [deadline] = result.deadlines
    assert deadline.workdays == 3 and deadline.due_date is None
    assert "逾期不回复视为无不同意见" in deadline.note
    assert "逾期不回复视为无不同意见" in [c.phrase for c in result.cites]
    countersign = [s for s in result.steps if s.action == "countersign"]
    assert [(s.person, s.note.split("：")[0]) for s in countersign] == [
        ("示例·卫健委主任", "卫生健康委员会"), (None, "水利局")]
    assert result.warnings == []  # a department missing from the roster is not an error


def test_deadline_due_date_from_the_calendar(route):
    result = route(FakeCalendar(), issuer="县政府", doc_kind="一般公文", subject_area="教育",
                   joint_departments=["农业农村局"], start_date="2026-03-02")
    assert (result.deadlines[0].due_date, result.deadlines[0].notice) == (date(2026, 3, 5), "演示日历")


def test_lead_department_sets_another_time_limit(route):
    result = route(FakeCalendar(), issuer="部门", doc_kind="请示", subject_area="教育",
                   joint_departments=["农业农村局"], reply_workdays=5, start_date=date(2026, 3, 2))
    assert result.deadlines[0].workdays == 5
    assert result.deadlines[0].due_date == date(2026, 3, 7)
    assert "5个工作日" in result.deadlines[0].note


def test_a_start_date_without_a_calendar_warns(route):
    result = route(issuer="部门", doc_kind="请示", subject_area="教育",
                   joint_departments=["农业农村局"], start_date="2026-03-02")
    assert result.deadlines[0].due_date is None
    assert "没有配置工作日历，无法计算截止日期。" in result.warnings


def test_important_documents_go_to_the_standing_meeting_once(route):
    result = route(issuer="县政府", doc_kind="规章", important=True)
    assert result.standing_meeting_required
    assert shape(result) == ["discuss:县政府常务会议", "sign:县长"]
    assert result.rule_ids == ["sign.head.regulation", "extra.standing_meeting"]


# Roster gaps: answers with a warning, not an error ------------------------------------------

def test_missing_subject_area_leaves_the_deputy_open(route):
    result = route(issuer="县政府", doc_kind="一般公文")
    assert (result.signer_role, result.signer) == ("分管副县长", None)
    assert result.warnings == ["没有说明公文所属的分管领域，无法确定是哪位分管副县长。"]
    assert not any(ch.isascii() and ch.isalpha() for w in result.warnings for ch in w)  # no field names


def test_an_area_no_deputy_covers(route):
    result = route(issuer="县政府", doc_kind="一般公文", subject_area="外事")
    assert result.signer is None
    assert result.warnings == ["花名册中没有副县长分管“外事”，无法确定分管副县长。"]


def test_an_unfilled_role_warns(rules):
    roster = Roster([Person(name="甲", role="副县长", portfolio=("教育",))])
    result = route_document(rules, roster, issuer="县政府", doc_kind="人事任免")
    assert (result.signer_role, result.signer) == ("县长", None)
    assert result.warnings == ["花名册中没有“县长”，无法确定人选，请补充花名册。"]
    result = route_document(rules, roster, issuer="部门", doc_kind="请示", subject_area="教育",
                            joint_departments=["水利局"], disagreement=True)
    assert "花名册中没有服务“甲”的办公室副主任。" in result.warnings


def test_slots_that_change_nothing_are_reported(route):
    result = route(issuer="县政府", doc_kind="人事任免", escalate=True, scope="全局性")
    assert result.signer == "示例·县长"
    assert result.warnings == ["“事项范围”对本公文的审签程序没有影响，已忽略。",
                               "“需报上一级签发”对本公文的审签程序没有影响，已忽略。"]
    assert route(issuer="县政府", doc_kind="人事任免", scope="一般").warnings == []


# Conflicts and unknown values ----------------------------------------------------------------

@pytest.mark.parametrize("slots, message", [
    (dict(issuer="县政府办公室", doc_kind="命令"), "“县政府办公室”不能制发“命令”：县政府发布的命令只能以县政府名义行文。"),
    (dict(issuer="部门", doc_kind="规章"), "只能以县政府名义行文"),
    (dict(issuer="县政府", doc_kind="请示"), "请选“上行文”"),
    (dict(issuer="县政府", doc_kind="报告"), "请选“工作报告”"),
    (dict(issuer="乡镇", doc_kind="会议纪要", meeting="常务会议"), "“乡镇”不能制发“会议纪要”"),
    (dict(issuer="县政府", doc_kind="会议纪要"), "会议纪要须注明是哪种会议的纪要"),
    (dict(issuer="县政府", doc_kind="一般公文", meeting="常务会议"), "只有会议纪要需要注明会议"),
    (dict(issuer="县政府", doc_kind="会议纪要", meeting="常务会议", meeting_chair="示例·副县长甲"),
     "只适用于“副县长主持的县长办公会议”"),
    (dict(issuer="县政府", doc_kind="会议纪要", meeting="副县长主持的县长办公会议",
          meeting_chair="示例·办公室主任"), "“示例·办公室主任”不是花名册中的副县长"),
    (dict(issuer="部门", doc_kind="请示", disagreement=True), "没有列出相关部门"),
    (dict(issuer="部门", doc_kind="请示", reply_workdays=5), "会签回复时限只适用于会签"),
])
def test_conflicting_slots_raise(route, slots, message):
    with pytest.raises(RoutingError) as err:
        route(**slots)
    assert message in str(err.value)


@pytest.mark.parametrize("slots, message", [
    (dict(issuer="县政府", doc_kind="公告"),
     "未知的公文种类“公告”；可选：" + "、".join(DOC_KINDS)),
    (dict(issuer="县委", doc_kind="决定"), "未知的发文机关“县委”；可选：县政府、县政府办公室、部门、乡镇"),
    (dict(issuer="县政府", doc_kind="一般公文", scope="局部"), "未知的事项范围“局部”"),
    (dict(issuer="县政府", doc_kind="会议纪要", meeting="党组会"), "未知的会议“党组会”"),
    (dict(issuer="县政府"), "缺少必填项“公文种类”"),
    (dict(issuer="县政府", doc_kind="决定", urgency="特急"), "不认识的参数“urgency”"),
    (dict(issuer="县政府", doc_kind="决定", reply_workdays=0), "“会签回复时限”的值无效"),
])
def test_unknown_values_raise_with_the_valid_choices(route, slots, message):
    with pytest.raises(RoutingError) as err:
        route(**slots)
    assert message in str(err.value)


# The tool ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tool(rules, roster):
    return {t.name: t for t in make_tools(rules, roster, FakeCalendar())}["route_document"]


@pytest.mark.parametrize("slots", [case[0] for case in CASES[::4]] + [
    dict(issuer="部门", doc_kind="请示", subject_area="教育", joint_departments=["农业农村局"],
         start_date="2026-03-02")])
def test_tool_returns_what_the_function_returns(tool, rules, roster, slots):
    assert tool.invoke(dict(slots)) == route_document(rules, roster, FakeCalendar(), **slots)


def test_tool_returns_errors_as_chinese_text(tool):
    assert tool.invoke({"issuer": "县政府办公室", "doc_kind": "命令"}).startswith(
        "“县政府办公室”不能制发“命令”")
    assert tool.invoke({"issuer": "县政府", "doc_kind": "公告"}).startswith("未知的公文种类“公告”")


def test_tool_schema_lists_the_choices(tool):
    props = tool.tool_call_schema.model_json_schema()["properties"]
    assert props["doc_kind"]["enum"] == list(DOC_KINDS)
    assert props["issuer"]["enum"] == ["县政府", "县政府办公室", "部门", "乡镇"]
    assert "人事任免" in props["doc_kind"]["description"]
