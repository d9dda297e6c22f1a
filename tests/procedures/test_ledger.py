"""Leave ledger: state machine, authorization, validation, listings and audit trail."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.procedures.ledger import (
    STATE_LABELS,
    ChainStep,
    LeaveLedger,
    LedgerError,
    open_ledger_db,
)

# 10:00 in Shanghai on 2025-03-10.
T0 = datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)
TODAY = date(2025, 3, 10)

APPLICANT = "张三"
ROLE = "副县长"
APPROVER = "李县长"
STRANGER = "路人甲"


class Clock:
    """A fixed clock that moves one second per reading (timestamps stay ordered)."""

    def __init__(self, start: datetime = T0):
        self._ticks = itertools.count()
        self.start = start

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=next(self._ticks))


@pytest.fixture
def ledger(tmp_path):
    engine = open_ledger_db(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    yield LeaveLedger(engine, clock=Clock())
    engine.dispose()


def one_step_chain(approver: str = APPROVER) -> list[ChainStep]:
    return [ChainStep(order=1, action="approve", role="县长", person=approver)]


def three_step_chain() -> list[ChainStep]:
    return [
        ChainStep(1, "approve", "办公室主任", "王主任"),
        ChainStep(2, "approve", "县长", "李县长"),
        ChainStep(3, "approve", "常务副县长", "赵副县长"),
        ChainStep(4, "notify", "县委书记", "周书记"),
        ChainStep(5, "act", "互补副县长", "钱副县长"),
        ChainStep(6, "report", "县委办公室", None),
    ]


def submit(ledger: LeaveLedger, chain=None, applicant: str = APPLICANT, **overrides):
    args = dict(
        applicant=applicant,
        applicant_role=ROLE,
        kind="出差",
        start=TODAY + timedelta(days=3),
        end=TODAY + timedelta(days=5),
        destination="郑州",
        reason="参加省农业农村厅会议",
        chain=one_step_chain() if chain is None else chain,
    )
    args.update(overrides)
    return ledger.submit(**args)


def snapshot(ledger: LeaveLedger, request_id: int):
    return ledger.get(request_id), ledger.audit(request_id)


# --------------------------------------------------------------------------- submit


def test_submit_records_request_steps_and_audit(ledger):
    req = submit(
        ledger,
        chain=three_step_chain(),
        acting_person="钱副县长",
        cites=["西平县人民政府工作规则 第三十条"],
    )
    assert req.id > 0
    assert req.state == "submitted" and req.state_label == "已提交"
    assert req.version == 1
    assert (req.applicant, req.applicant_role, req.kind) == (APPLICANT, ROLE, "出差")
    assert (req.start_date, req.end_date) == (date(2025, 3, 13), date(2025, 3, 15))
    assert req.acting_person == "钱副县长"
    assert req.cites == ("西平县人民政府工作规则 第三十条",)
    assert req.chain == tuple(three_step_chain())
    assert [s.order for s in req.steps] == [1, 2, 3, 4, 5, 6]
    assert [s.decision for s in req.steps] == ["pending"] * 3 + [None] * 3
    assert req.steps[3].action_label == "知会"
    assert req.current_step.person == "王主任"
    assert req.created_at.tzinfo is not None and req.created_at.utcoffset() == timedelta(0)
    assert T0 <= req.created_at < T0 + timedelta(minutes=1)
    assert req.updated_at == req.created_at
    entries = ledger.audit(req.id)
    assert [(e.actor, e.action) for e in entries] == [(APPLICANT, "submitted")]
    assert entries[0].detail["approvers"] == ["王主任", "李县长", "赵副县长"]


def test_steps_are_stored_in_chain_order_even_if_given_unsorted(ledger):
    chain = list(reversed(three_step_chain()))
    req = submit(ledger, chain=chain)
    assert [s.order for s in req.steps] == [1, 2, 3, 4, 5, 6]
    assert req.chain == tuple(chain)  # the chain as computed is kept verbatim for audit
    assert req.current_step.person == "王主任"


def test_chain_accepts_mappings_and_duck_typed_objects(ledger):
    class Step:
        def __init__(self, order, action, role, person):
            self.order, self.action, self.role, self.person = order, action, role, person

    req = submit(
        ledger,
        chain=[{"order": 1, "action": "approve", "role": "县长", "person": APPROVER},
               Step(2, "notify", "县委书记", "周书记")],
    )
    assert [(s.action, s.person) for s in req.steps] == [("approve", APPROVER), ("notify", "周书记")]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(applicant="  "), "申请人姓名不能为空"),
        (dict(applicant_role=""), "申请人职务不能为空"),
        (dict(kind="病假"), "不支持的请假类型“病假”"),
        (dict(start=TODAY + timedelta(days=5), end=TODAY + timedelta(days=4)), "不能早于开始日期"),
        (dict(start=TODAY - timedelta(days=31), end=TODAY), "早于30天前"),
        (dict(start=TODAY + timedelta(days=400), end=TODAY + timedelta(days=401)), "不能超过一年以后"),
        (dict(start=TODAY, end=date(2026, 3, 11)), "不能超过一年以后"),
        (dict(start="2025/03/12"), "开始日期格式不正确"),
        (dict(chain=[]), "审批链为空"),
        (dict(chain=[ChainStep(1, "approve", "常务副县长", None)]), "“常务副县长”目前没有对应的人员"),
        (dict(chain=[ChainStep(1, "approve", "常务副县长", "  ")]), "“常务副县长”目前没有对应的人员"),
        (dict(chain=[ChainStep(1, "approve", "县长", APPLICANT)]), "不能自己审批自己的申请"),
        (dict(chain=[ChainStep(1, "sign", "县长", APPROVER)]), "无法识别的环节类型“sign”"),
        (dict(acting_person=APPLICANT), "代理人不能是申请人本人"),
        (dict(applicant="张" * 65), "申请人姓名太长"),
    ],
)
def test_submit_validation(ledger, overrides, message):
    with pytest.raises(LedgerError, match=message) as info:
        submit(ledger, **overrides)
    assert info.value.message == str(info.value)
    assert ledger.list_for(overrides.get("applicant", APPLICANT)) == []


def test_report_only_chain_is_recorded_as_reported(ledger):
    """Article 55: a deputy county head reports to the county head; nobody approves."""
    req = submit(ledger, chain=[ChainStep(1, "report", "副县长", APPLICANT),
                                ChainStep(2, "notify", "县政府办公室", None)])
    assert req.state == "reported" and req.current_step is None
    assert [a.action for a in ledger.audit(req.id)] == ["submitted", "reported"]
    assert ledger.pending_for(APPROVER) == []
    with pytest.raises(LedgerError):
        ledger.approve(req.id, APPROVER)
    assert ledger.back(req.id, APPLICANT).state == "returned"


def test_submit_date_limits_are_inclusive(ledger):
    assert submit(ledger, start=TODAY - timedelta(days=30), end=TODAY).state == "submitted"
    assert submit(ledger, start=TODAY, end=date(2026, 3, 10)).state == "submitted"
    assert submit(ledger, start=TODAY, end=TODAY).state == "submitted"  # one-day absence


@pytest.mark.parametrize("kind", ["出差", "休假", "出访", "离县外出", "会议请假"])
def test_every_kind_is_accepted(ledger, kind):
    assert submit(ledger, kind=kind).kind == kind


def test_today_is_the_date_in_shanghai(tmp_path):
    # 2025-03-10 20:00 UTC is already 2025-03-11 in Shanghai.
    engine = open_ledger_db(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    late = LeaveLedger(engine, clock=lambda: datetime(2025, 3, 10, 20, 0, tzinfo=timezone.utc))
    with pytest.raises(LedgerError, match="最早 2025-02-09"):
        submit(late, start=date(2025, 2, 8), end=date(2025, 2, 9))
    engine.dispose()


# --------------------------------------------------------------------------- state machine

OPERATIONS = ("approve", "reject", "report", "back", "withdraw")


def bring_to(ledger: LeaveLedger, state: str):
    req = submit(ledger)
    if state in ("approved", "reported", "returned"):
        ledger.approve(req.id, APPROVER)
    if state == "reported":
        ledger.report(req.id, APPLICANT)
    if state == "returned":
        ledger.back(req.id, APPLICANT)
    if state == "rejected":
        ledger.reject(req.id, APPROVER, "时间冲突")
    if state == "withdrawn":
        ledger.withdraw(req.id, APPLICANT)
    req = ledger.get(req.id)
    assert req.state == state
    return req


def perform(ledger: LeaveLedger, operation: str, request_id: int):
    """The operation done by the person entitled to do it."""
    if operation == "approve":
        return ledger.approve(request_id, APPROVER, "同意")
    if operation == "reject":
        return ledger.reject(request_id, APPROVER, "工作安排冲突")
    return getattr(ledger, operation)(request_id, APPLICANT)


# (state, operation) -> new state; every pair not listed is refused.
ALLOWED = {
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "withdrawn",
    ("approved", "report"): "reported",
    ("approved", "back"): "returned",
    ("reported", "back"): "returned",
    # 撤销: an approved or reported absence that has not begun (submit() starts in the future).
    ("approved", "withdraw"): "withdrawn",
    ("reported", "withdraw"): "withdrawn",
}
REFUSAL = {
    "approve": "不能再审批",
    "reject": "不能再审批",
    "report": "只有已批准的申请才能报备",
    "back": "只有已批准或已报备的申请才能销假",
    "withdraw": "只有审批中、已批准或已报备（尚未出发）的申请才能撤回",
}


@pytest.mark.parametrize("state", list(STATE_LABELS))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_state_machine(ledger, state, operation):
    req = bring_to(ledger, state)
    before = snapshot(ledger, req.id)
    expected = ALLOWED.get((state, operation))
    if expected is None:
        with pytest.raises(LedgerError, match=REFUSAL[operation]) as info:
            perform(ledger, operation, req.id)
        assert STATE_LABELS[state] in info.value.message
        assert snapshot(ledger, req.id) == before  # nothing changed, nothing logged
    else:
        after = perform(ledger, operation, req.id)
        assert after.state == expected and after.state_label == STATE_LABELS[expected]
        assert after.version == req.version + 1
        assert after.updated_at > req.updated_at
        assert after == ledger.get(req.id)
        entries = ledger.audit(req.id)
        assert len(entries) > len(before[1])
        assert entries[-1].action == {"approve": "approved", "reject": "rejected",
                                      "report": "reported", "back": "returned",
                                      "withdraw": "withdrawn"}[operation]


def test_allowed_table_is_the_whole_story():
    # Terminal states allow nothing; each live state allows exactly what the table says.
    assert {s for s, _ in ALLOWED} == {"submitted", "approved", "reported"}
    assert len(list(itertools.product(STATE_LABELS, OPERATIONS))) == 30


# --------------------------------------------------------------------------- authorization


@pytest.mark.parametrize(
    "state, operation, message",
    [
        ("submitted", "approve", f"只有{APPROVER}（县长）可以审批这一步"),
        ("submitted", "reject", f"只有{APPROVER}（县长）可以审批这一步"),
        ("submitted", "withdraw", f"只有申请人{APPLICANT}本人可以撤回"),
        ("approved", "report", f"只有申请人{APPLICANT}本人、报备对象或管理员可以登记报备"),
        ("approved", "back", f"只有申请人{APPLICANT}本人或管理员可以销假"),
        ("reported", "back", f"只有申请人{APPLICANT}本人或管理员可以销假"),
    ],
)
def test_wrong_person_is_denied_and_the_denial_is_audited(ledger, state, operation, message):
    req = bring_to(ledger, state)
    before_request, before_audit = snapshot(ledger, req.id)
    call = {
        "approve": lambda: ledger.approve(req.id, STRANGER),
        "reject": lambda: ledger.reject(req.id, STRANGER, "不同意"),
    }.get(operation, lambda: getattr(ledger, operation)(req.id, STRANGER))
    with pytest.raises(LedgerError, match=message):
        call()
    assert ledger.get(req.id) == before_request
    entries = ledger.audit(req.id)
    assert entries[:-1] == before_audit
    denied = entries[-1]
    assert (denied.actor, denied.action) == (STRANGER, "denied")
    assert denied.detail["operation"] == operation
    assert message in denied.detail["message"]


def test_the_applicant_cannot_approve_their_own_request(ledger):
    req = submit(ledger)
    with pytest.raises(LedgerError, match="只有李县长（县长）可以审批这一步"):
        ledger.approve(req.id, APPLICANT)
    assert ledger.get(req.id).state == "submitted"
    assert ledger.audit(req.id)[-1].action == "denied"


def test_admin_may_return_and_report_for_the_applicant(ledger):
    req = bring_to(ledger, "approved")
    assert ledger.report(req.id, "办公室小刘", admin=True).state == "reported"
    assert ledger.back(req.id, "办公室小刘", admin=True).state == "returned"
    entries = ledger.audit(req.id)
    assert [(e.actor, e.action, e.detail.get("admin")) for e in entries[-2:]] == [
        ("办公室小刘", "reported", True),
        ("办公室小刘", "returned", True),
    ]


def test_report_recipient_may_register_the_report(ledger):
    chain = one_step_chain() + [ChainStep(2, "report", "县委书记", "周书记")]
    req = submit(ledger, chain=chain)
    ledger.approve(req.id, APPROVER)
    assert ledger.report(req.id, "周书记").state == "reported"
    assert ledger.audit(req.id)[-1].detail["report_parties"] == ["周书记"]


def test_admin_cannot_withdraw_for_the_applicant(ledger):
    req = submit(ledger)
    with pytest.raises(TypeError):
        ledger.withdraw(req.id, "办公室小刘", admin=True)  # no such override


def test_empty_actor_is_refused(ledger):
    req = submit(ledger)
    with pytest.raises(LedgerError, match="操作人姓名不能为空"):
        ledger.approve(req.id, " ")
    assert len(ledger.audit(req.id)) == 1


def test_unknown_request(ledger):
    for call in (
        lambda: ledger.get(999),
        lambda: ledger.approve(999, APPROVER),
        lambda: ledger.reject(999, APPROVER, "x"),
        lambda: ledger.report(999, APPLICANT),
        lambda: ledger.back(999, APPLICANT),
        lambda: ledger.withdraw(999, APPLICANT),
        lambda: ledger.audit(999),
    ):
        with pytest.raises(LedgerError, match="没有找到编号为 999 的请假申请"):
            call()


# --------------------------------------------------------------------------- decisions


def test_approve_twice_single_step(ledger):
    req = submit(ledger)
    ledger.approve(req.id, APPROVER)
    before = snapshot(ledger, req.id)
    with pytest.raises(LedgerError, match="当前状态为“已批准”，不能再审批"):
        ledger.approve(req.id, APPROVER)
    assert snapshot(ledger, req.id) == before


def test_approve_twice_in_a_multi_step_chain(ledger):
    req = submit(ledger, chain=three_step_chain())
    ledger.approve(req.id, "王主任")
    before = snapshot(ledger, req.id)
    with pytest.raises(LedgerError, match="您已经审批过这份申请，现在等待李县长（县长）审批"):
        ledger.approve(req.id, "王主任")
    assert snapshot(ledger, req.id) == before  # a double click is not a denial


def test_reject_requires_a_reason(ledger):
    req = submit(ledger)
    before = snapshot(ledger, req.id)
    for reason in ("", "   ", None):
        with pytest.raises(LedgerError, match="驳回申请必须填写理由"):
            ledger.reject(req.id, APPROVER, reason)
    assert snapshot(ledger, req.id) == before


def test_multi_step_chain_goes_step_by_step(ledger):
    req = submit(ledger, chain=three_step_chain())
    assert [r.id for r in ledger.pending_for("王主任")] == [req.id]
    assert ledger.pending_for("李县长") == [] and ledger.pending_for("赵副县长") == []

    # Later approvers cannot jump the queue.
    with pytest.raises(LedgerError, match="只有王主任（办公室主任）可以审批这一步"):
        ledger.approve(req.id, "李县长")

    r1 = ledger.approve(req.id, "王主任", "拟同意")
    assert r1.state == "submitted" and r1.current_step.person == "李县长"
    assert (r1.steps[0].decision, r1.steps[0].decided_by, r1.steps[0].comment) == (
        "approved", "王主任", "拟同意")
    assert r1.steps[0].decided_at is not None and r1.steps[0].decided_at.tzinfo is not None
    assert ledger.pending_for("王主任") == []
    assert [r.id for r in ledger.pending_for("李县长")] == [req.id]

    r2 = ledger.approve(req.id, "李县长")
    assert r2.state == "submitted" and r2.current_step.person == "赵副县长"
    r3 = ledger.approve(req.id, "赵副县长", "同意")
    assert r3.state == "approved" and r3.current_step is None
    assert [s.decision for s in r3.approve_steps] == ["approved"] * 3
    assert [s.decision for s in r3.steps[3:]] == [None] * 3  # notify/act/report need none
    assert ledger.pending_for("赵副县长") == []
    assert r3.version == 4

    actions = [(e.actor, e.action) for e in ledger.audit(req.id)]
    assert actions == [
        (APPLICANT, "submitted"),
        ("李县长", "denied"),
        ("王主任", "approved_step"),
        ("李县长", "approved_step"),
        ("赵副县长", "approved_step"),
        ("赵副县长", "approved"),
    ]


def test_reject_midway_skips_the_rest(ledger):
    req = submit(ledger, chain=three_step_chain())
    ledger.approve(req.id, "王主任")
    r = ledger.reject(req.id, "李县长", "当周有防汛调度会")
    assert r.state == "rejected" and r.state_label == "已驳回"
    assert [s.decision for s in r.approve_steps] == ["approved", "rejected", "skipped"]
    assert r.steps[1].comment == "当周有防汛调度会"
    assert ledger.pending_for("赵副县长") == []
    entries = ledger.audit(req.id)
    assert [e.action for e in entries] == ["submitted", "approved_step", "rejected_step", "rejected"]
    assert entries[-1].detail["reason"] == "当周有防汛调度会"


def test_withdraw_skips_pending_steps(ledger):
    req = submit(ledger, chain=three_step_chain())
    ledger.approve(req.id, "王主任")
    r = ledger.withdraw(req.id, APPLICANT)
    assert r.state == "withdrawn"
    assert [s.decision for s in r.approve_steps] == ["approved", "skipped", "skipped"]
    assert ledger.pending_for("李县长") == []


def test_same_person_in_two_roles_approves_each_step(ledger):
    chain = [ChainStep(1, "approve", "办公室主任", "王主任"),
             ChainStep(2, "approve", "常务副县长", "王主任")]
    req = submit(ledger, chain=chain)
    r = ledger.approve(req.id, "王主任")
    assert r.state == "submitted" and r.current_step.role == "常务副县长"
    assert ledger.approve(req.id, "王主任").state == "approved"


def test_back_directly_from_approved(ledger):
    req = bring_to(ledger, "approved")
    r = ledger.back(req.id, APPLICANT)
    assert r.state == "returned" and r.state_label == "已销假"
    assert ledger.audit(req.id)[-1].detail["from_state"] == "approved"


# --------------------------------------------------------------------------- listings


def test_pending_for_and_list_for(ledger):
    a = submit(ledger, applicant="张三")
    b = submit(ledger, applicant="孙副县长", chain=one_step_chain())
    c = submit(ledger, applicant="张三", chain=three_step_chain())
    d = submit(ledger, applicant="吴主任")
    ledger.withdraw(d.id, "吴主任")

    assert [r.id for r in ledger.pending_for(APPROVER)] == [a.id, b.id]  # oldest first
    assert [r.id for r in ledger.pending_for("王主任")] == [c.id]
    assert ledger.pending_for(STRANGER) == []

    assert [r.id for r in ledger.list_for("张三")] == [c.id, a.id]  # newest first
    assert [r.id for r in ledger.list_for("孙副县长")] == [b.id]
    assert [r.state for r in ledger.list_for("吴主任")] == ["withdrawn"]
    assert ledger.list_for(APPROVER) == []  # approvers are not applicants

    ledger.approve(a.id, APPROVER)
    assert [r.id for r in ledger.pending_for(APPROVER)] == [b.id]
    ledger.approve(c.id, "王主任")
    assert [r.id for r in ledger.pending_for(APPROVER)] == [b.id, c.id]


def test_audit_trail_order_and_timestamps(ledger):
    req = submit(ledger, chain=three_step_chain())
    ledger.approve(req.id, "王主任")
    with pytest.raises(LedgerError):
        ledger.approve(req.id, STRANGER)
    ledger.approve(req.id, "李县长")
    ledger.approve(req.id, "赵副县长")
    ledger.report(req.id, APPLICANT)
    ledger.back(req.id, APPLICANT)
    entries = ledger.audit(req.id)
    assert [e.action for e in entries] == [
        "submitted", "approved_step", "denied", "approved_step", "approved_step",
        "approved", "reported", "returned",
    ]
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert all(e.at.utcoffset() == timedelta(0) for e in entries)
    assert all(e.request_id == req.id for e in entries)


def test_views_are_frozen_and_detached(ledger):
    req = submit(ledger)
    with pytest.raises(AttributeError):
        req.state = "approved"  # type: ignore[misc]
    assert type(req).__module__ == "bot.procedures.ledger.service"
    assert ledger.get(req.id).state == "submitted"


def test_rich_chain_items_and_cites_are_kept_verbatim_for_audit(ledger):
    from bot.procedures.rules import Cite, Step  # what the rule tools hand to submit

    chain = [
        Step(order=1, action="approve", label="同意", role="县长", person=" 李县长 "),
        Step(order=2, action="report", label="报备", role="县政府办公室", person="刘秘书",
             to_role="县委书记", to_person="周书记", note="报县委备案"),
    ]
    req = submit(ledger, chain=chain, cites=[Cite(article=55, phrase="应当事先报告县长")])
    assert req.cites == ({"article": 55, "phrase": "应当事先报告县长"},)
    assert req.chain[0] == ChainStep(1, "approve", "县长", "李县长")  # cleaned
    assert req.chain_raw[1]["to_person"] == "周书记" and req.chain_raw[1]["note"] == "报县委备案"
    ledger.approve(req.id, "李县长")
    # The report step's performer and its recipient may both register the report.
    with pytest.raises(LedgerError):
        ledger.report(req.id, STRANGER)
    assert ledger.report(req.id, "周书记").state == "reported"
    assert set(ledger.audit(req.id)[-1].detail["report_parties"]) == {"刘秘书", "周书记"}



def test_an_absence_that_has_begun_cannot_be_withdrawn(ledger):
    req = submit(ledger)
    ledger.approve(req.id, APPROVER)
    ledger._clock = lambda: datetime.combine(req.start_date, datetime.min.time(),
                                             tzinfo=timezone.utc) + timedelta(hours=4)
    with pytest.raises(LedgerError, match="不能撤销"):
        ledger.withdraw(req.id, APPLICANT)
    assert ledger.get(req.id).state == "approved"
