"""The leave ledger: submit, decide, report, return, withdraw, and read back.

Every public method runs in its own transaction and returns plain frozen dataclasses;
ORM objects never leave a session. Refusals raise ``LedgerError`` with a message meant for
the staff member (Simplified Chinese) and leave the ledger unchanged, except that a refused
attempt by the wrong person is itself recorded in the audit log (action ``denied``), in a
separate transaction that commits even though the operation fails.

Concurrency is optimistic: a write reads the request, checks the rules, then updates
only the version it read (``WHERE id = ? AND version = ? AND state = ?``) and only a step
that is still pending (``WHERE id = ? AND decision = 'pending'``). If another writer got
there first the update matches no row, and the loser gets a LedgerError with nothing
changed. Rows are always written in the same order (request first, then steps, then the
audit log), so two writers cannot deadlock on databases with row locks.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator

from sqlalchemy import Engine, and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.db import SessionFactory

from .models import (
    ACTION_LABELS,
    DECISION_LABELS,
    KINDS,
    NAME_LEN,
    STATE_LABELS,
    ApprovalStep,
    AuditAction,
    AuditEntry,
    Decision,
    LeaveRequest,
    LeaveState,
    StepAction,
)

try:
    from zoneinfo import ZoneInfo

    LOCAL_TZ = ZoneInfo("Asia/Shanghai")
except Exception:  # pragma: no cover - no tz database: China has had no DST since 1991
    LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# How far back a request may start (late registration) and how far ahead it may reach.
MAX_DAYS_IN_PAST = 30
MAX_YEARS_AHEAD = 1
DESTINATION_LEN = 200

CONFLICT_STEP = "这一步已经被处理过了，请刷新后查看最新状态。"
CONFLICT_REQUEST = "这份申请刚刚被其他操作修改过，请刷新后查看最新状态再操作。"


class LedgerError(Exception):
    """A refused ledger operation; ``message`` is shown to the staff member as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Denied(Exception):
    """Internal: the actor may not do this. Rolled back, then recorded as 'denied'."""

    def __init__(self, message: str, detail: Mapping[str, Any]):
        super().__init__(message)
        self.message = message
        self.detail = dict(detail)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ChainStep:
    """One step of a computed approval chain, as handed to ``LeaveLedger.submit``.

    ``action`` is one of approve / notify / report / act; ``person`` is None when the
    roster has nobody in ``role`` (such a chain cannot be submitted if the step is an
    approve step).
    """

    order: int
    action: str
    role: str
    person: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> ChainStep:
        """A clean ChainStep (names stripped, blank person = None) from a ChainStep, a
        mapping, or any object with the same fields (e.g. another module's model)."""
        if isinstance(value, Mapping):
            get = value.get
        else:
            def get(name, default=None):
                return getattr(value, name, default)
        try:
            order = int(get("order"))
        except (TypeError, ValueError):
            raise LedgerError(f"审批链中的环节顺序不正确：{get('order')!r}。") from None
        action = get("action")
        action = str(getattr(action, "value", action) or "").strip()
        role = str(get("role") or "").strip()
        person = get("person")
        person = str(person).strip() or None if person is not None else None
        return cls(order=order, action=action, role=role, person=person)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StepView:
    id: int
    order: int
    action: str
    role: str
    person: str | None
    decision: str | None  # None for steps that need no decision
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def decision_label(self) -> str | None:
        return DECISION_LABELS[self.decision] if self.decision else None

    @property
    def is_pending_approval(self) -> bool:
        return self.action == StepAction.APPROVE and self.decision == Decision.PENDING


@dataclass(frozen=True)
class RequestView:
    id: int
    applicant: str
    applicant_role: str
    kind: str
    start_date: date
    end_date: date
    destination: str
    reason: str
    acting_person: str | None
    state: str
    created_at: datetime
    updated_at: datetime
    version: int
    steps: tuple[StepView, ...]
    chain: tuple[ChainStep, ...]
    cites: tuple[Any, ...]
    # The chain exactly as handed to submit (extra fields such as label, note, to_person
    # included), as stored for audit.
    chain_raw: tuple[dict[str, Any], ...] = ()

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def current_step(self) -> StepView | None:
        """The approve step waiting for a decision (lowest order), if still in approval."""
        if self.state != LeaveState.SUBMITTED:
            return None
        return next((s for s in self.steps if s.is_pending_approval), None)

    @property
    def approve_steps(self) -> tuple[StepView, ...]:
        return tuple(s for s in self.steps if s.action == StepAction.APPROVE)


@dataclass(frozen=True)
class AuditView:
    id: int
    request_id: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


# --------------------------------------------------------------------------- helpers


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _plain(value: Any) -> Any:
    """JSON-ready form of a chain item or cite: pydantic models, dataclasses, mappings."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


_CHAIN_FIELDS = tuple(f.name for f in fields(ChainStep))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _clean(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _check_len(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise LedgerError(f"{field}太长了（最多{limit}个字）。")
    return value


def _as_date(value: Any, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise LedgerError(f"{field}格式不正确：{value!r}，请写成 2025-03-01 这样的日期。")


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return day.replace(year=day.year + MAX_YEARS_AHEAD, day=28)


def _step_view(step: ApprovalStep) -> StepView:
    return StepView(
        id=step.id,
        order=step.order,
        action=step.action,
        role=step.role,
        person=step.person,
        decision=step.decision,
        decided_by=step.decided_by,
        decided_at=step.decided_at,
        comment=step.comment,
    )


def _request_view(row: LeaveRequest) -> RequestView:
    raw = tuple(json.loads(row.chain_json))
    chain = tuple(ChainStep(**{k: item.get(k) for k in _CHAIN_FIELDS}) for item in raw)
    return RequestView(
        id=row.id,
        applicant=row.applicant,
        applicant_role=row.applicant_role,
        kind=row.kind,
        start_date=row.start_date,
        end_date=row.end_date,
        destination=row.destination,
        reason=row.reason,
        acting_person=row.acting_person,
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        steps=tuple(_step_view(s) for s in row.steps),
        chain=chain,
        cites=tuple(json.loads(row.cites_json)),
        chain_raw=raw,
    )


def _audit_view(row: AuditEntry) -> AuditView:
    return AuditView(
        id=row.id,
        request_id=row.request_id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        detail=json.loads(row.detail),
    )


# --------------------------------------------------------------------------- service


class LeaveLedger:
    """Leave requests and their approval, stored durably with a full audit trail.

    ``engine`` comes from ``open_ledger_db``. ``clock`` returns the current time as an
    aware datetime (tests pass a fixed one); "today" for date checks is the date in
    Asia/Shanghai.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None):
        self._engine = engine
        self._clock = clock or _utcnow
        self._sessions = SessionFactory(engine)  # joins the unit of work, when one is open
        # Test hook: called as hook(operation, request_id) after a decision has been
        # read and checked, just before writing. Lets a test line up a real race.
        self._before_write: Callable[[str, int], None] | None = None

    @classmethod
    def open(cls, url: str, **kwargs) -> LeaveLedger:
        from .db import open_ledger_db

        return cls(open_ledger_db(url), **kwargs)

    @property
    def engine(self) -> Engine:
        return self._engine

    # ---- plumbing

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the ledger clock must return an aware datetime")
        return now.astimezone(timezone.utc)

    def _today(self) -> date:
        return self._now().astimezone(LOCAL_TZ).date()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _run(self, operation: str, request_id: int, actor: str, body: Callable[[Session], Any]):
        """Run ``body`` in a transaction; record a denial in its own transaction."""
        try:
            with self._transaction() as session:
                return body(session)
        except _Denied as denied:
            with self._transaction() as session:
                self._audit(
                    session,
                    int(request_id),  # valid: the body loaded the request before denying
                    actor,
                    AuditAction.DENIED,
                    {"operation": operation, "message": denied.message, **denied.detail},
                )
            raise LedgerError(denied.message) from None

    def _audit(self, session: Session, request_id: int, actor: str, action: str,
               detail: Mapping[str, Any] | None = None) -> None:
        session.add(
            AuditEntry(
                request_id=request_id,
                at=self._now(),
                actor=actor,
                action=str(action),
                detail=_dumps(dict(detail or {})),
            )
        )

    @staticmethod
    def _load(session: Session, request_id: int) -> RequestView:
        try:
            request_id = int(request_id)
        except (TypeError, ValueError):
            raise LedgerError(f"申请编号不正确：{request_id!r}。") from None
        row = session.get(LeaveRequest, request_id, populate_existing=True)
        if row is None:
            raise LedgerError(f"没有找到编号为 {request_id} 的请假申请。")
        return _request_view(row)

    def _reload(self, session: Session, request_id: int) -> RequestView:
        session.flush()
        session.expire_all()
        return self._load(session, request_id)

    def _bump(self, session: Session, view: RequestView, *, new_state: str,
              conflict: str) -> None:
        """Move the request to ``new_state`` if nobody changed it since ``view`` was read."""
        result = session.execute(
            update(LeaveRequest)
            .where(
                LeaveRequest.id == view.id,
                LeaveRequest.version == view.version,
                LeaveRequest.state == view.state,
            )
            .values(state=str(new_state), version=view.version + 1, updated_at=self._now())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LedgerError(conflict)

    def _skip_pending(self, session: Session, request_id: int) -> None:
        session.execute(
            update(ApprovalStep)
            .where(
                ApprovalStep.request_id == request_id,
                ApprovalStep.action == StepAction.APPROVE.value,
                ApprovalStep.decision == Decision.PENDING.value,
            )
            .values(decision=Decision.SKIPPED.value)
            .execution_options(synchronize_session=False)
        )

    @staticmethod
    def _actor(actor: Any) -> str:
        actor = _clean(actor)
        if not actor:
            raise LedgerError("操作人姓名不能为空。")
        return actor

    # ---- submit

    def _validate_chain(self, chain: Sequence[Any], applicant: str) -> list[ChainStep]:
        steps = [ChainStep.coerce(item) for item in chain]
        for step in steps:
            if step.action not in ACTION_LABELS:
                raise LedgerError(f"审批链中有无法识别的环节类型“{step.action}”。")
            if not step.role:
                raise LedgerError(f"审批链第{step.order}步没有写明职务。")
            _check_len(step.role, NAME_LEN, "职务名称")
            if step.person is not None:
                _check_len(step.person, NAME_LEN, "姓名")
        if not steps:
            raise LedgerError("审批链为空，无法提交。请先确认向谁报告、由谁审批。")
        # A chain without an approve step is a report-only absence (article 55: 副县长、
        # 办公室主任 "事先报告县长"): it is recorded as reported, with nobody to approve it.
        approvals = [s for s in steps if s.action == StepAction.APPROVE]
        for step in approvals:
            if step.person is None:
                raise LedgerError(
                    f"审批环节“{step.role}”目前没有对应的人员，无法提交。"
                    f"请先在名册中补充{step.role}。"
                )
            if step.person == applicant:
                raise LedgerError(
                    f"审批环节“{step.role}”的审批人是申请人本人，不能自己审批自己的申请。"
                )
        return steps

    def submit(
        self,
        applicant: str,
        applicant_role: str,
        kind: str,
        start: date,
        end: date,
        destination: str,
        reason: str,
        chain: Sequence[ChainStep],
        acting_person: str | None = None,
        cites: Iterable[Any] = (),
    ) -> RequestView:
        """Record a new request in state 'submitted' with its approval chain."""
        applicant = _clean(applicant)
        if not applicant:
            raise LedgerError("申请人姓名不能为空。")
        _check_len(applicant, NAME_LEN, "申请人姓名")
        applicant_role = _clean(applicant_role)
        if not applicant_role:
            raise LedgerError("申请人职务不能为空。")
        _check_len(applicant_role, NAME_LEN, "申请人职务")
        kind = _clean(kind)
        if kind not in KINDS:
            raise LedgerError(f"不支持的请假类型“{kind}”，可选：{'、'.join(KINDS)}。")
        start = _as_date(start, "开始日期")
        end = _as_date(end, "结束日期")
        if end < start:
            raise LedgerError(f"结束日期（{end.isoformat()}）不能早于开始日期（{start.isoformat()}）。")
        today = self._today()
        earliest = today - timedelta(days=MAX_DAYS_IN_PAST)
        if start < earliest:
            raise LedgerError(
                f"开始日期（{start.isoformat()}）早于{MAX_DAYS_IN_PAST}天前，不能再登记"
                f"（最早 {earliest.isoformat()}）。"
            )
        latest = _one_year_after(today)
        if end > latest:
            raise LedgerError(
                f"日期不能超过一年以后（最晚 {latest.isoformat()}），"
                f"请检查{'开始' if start > latest else '结束'}日期。"
            )
        destination = _check_len(_clean(destination), DESTINATION_LEN, "目的地")
        reason = _clean(reason)
        acting = _clean(acting_person) or None
        if acting is not None:
            _check_len(acting, NAME_LEN, "代理人姓名")
            if acting == applicant:
                raise LedgerError("代理人不能是申请人本人。")
        chain = list(chain or ())
        steps = self._validate_chain(chain, applicant)
        approvals_needed = any(s.action == StepAction.APPROVE for s in steps)
        # Stored for audit: each item as given, with the cleaned core fields on top.
        chain_raw = []
        for item, step in zip(chain, steps):
            plain = _plain(item)
            chain_raw.append({**(plain if isinstance(plain, dict) else {}), **step.to_dict()})
        cites_list = [_plain(c) for c in (cites or ())]

        now = self._now()
        with self._transaction() as session:
            row = LeaveRequest(
                applicant=applicant,
                applicant_role=applicant_role,
                kind=kind,
                start_date=start,
                end_date=end,
                destination=destination,
                reason=reason,
                acting_person=acting,
                state=(LeaveState.SUBMITTED if approvals_needed else LeaveState.REPORTED).value,
                created_at=now,
                updated_at=now,
                version=1,
                chain_json=_dumps(chain_raw),
                cites_json=_dumps(cites_list),
            )
            session.add(row)
            for step in sorted(steps, key=lambda s: s.order):  # stable: ties keep chain order
                approve = step.action == StepAction.APPROVE
                row.steps.append(
                    ApprovalStep(
                        order=step.order,
                        action=step.action,
                        role=step.role,
                        person=step.person,
                        decision=Decision.PENDING.value if approve else None,
                    )
                )
            session.flush()
            self._audit(
                session,
                row.id,
                applicant,
                AuditAction.SUBMITTED,
                {
                    "kind": kind,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "destination": destination,
                    "acting_person": acting,
                    "approvers": [s.person for s in steps if s.action == StepAction.APPROVE],
                },
            )
            if not approvals_needed:
                self._audit(session, row.id, applicant, AuditAction.REPORTED,
                            {"note": "无需审批：按规定事先报告"})
            return self._reload(session, row.id)

    # ---- decisions

    def approve(self, request_id: int, actor: str, comment: str | None = None) -> RequestView:
        """Approve the current step; the last approval moves the request to 'approved'."""
        return self._decide(request_id, actor, approve=True, text=comment)

    def reject(self, request_id: int, actor: str, reason: str) -> RequestView:
        """Reject at the current step (a reason is required); the request is 'rejected'."""
        return self._decide(request_id, actor, approve=False, text=reason)

    def _decide(self, request_id: int, actor: str, *, approve: bool, text: str | None) -> RequestView:
        actor = self._actor(actor)
        operation = "approve" if approve else "reject"
        text = _clean(text) or None

        def body(session: Session) -> RequestView:
            view = self._load(session, request_id)
            if view.state != LeaveState.SUBMITTED:
                raise LedgerError(
                    f"编号 {view.id} 的申请当前状态为“{view.state_label}”，不能再审批。"
                )
            step = view.current_step
            if step is None:  # pragma: no cover - a submitted request always has one
                raise LedgerError(f"编号 {view.id} 的申请没有待审批的环节。")
            if actor != step.person:
                if any(s.decided_by == actor for s in view.approve_steps):
                    raise LedgerError(
                        f"您已经审批过这份申请，现在等待{step.person}（{step.role}）审批。"
                    )
                raise _Denied(
                    f"只有{step.person}（{step.role}）可以审批这一步。",
                    {"step_id": step.id, "order": step.order, "role": step.role,
                     "expected": step.person},
                )
            if not approve and not text:
                raise LedgerError("驳回申请必须填写理由。")
            if self._before_write is not None:
                self._before_write(operation, view.id)

            remaining = [s for s in view.steps if s.is_pending_approval and s.id != step.id]
            if approve:
                new_state = LeaveState.SUBMITTED if remaining else LeaveState.APPROVED
            else:
                new_state = LeaveState.REJECTED
            now = self._now()
            # Request first (version check), then the step (still pending?).
            self._bump(session, view, new_state=new_state, conflict=CONFLICT_STEP)
            result = session.execute(
                update(ApprovalStep)
                .where(
                    ApprovalStep.id == step.id,
                    ApprovalStep.decision == Decision.PENDING.value,
                )
                .values(
                    decision=(Decision.APPROVED if approve else Decision.REJECTED).value,
                    decided_by=actor,
                    decided_at=now,
                    comment=text,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise LedgerError(CONFLICT_STEP)
            detail = {"step_id": step.id, "order": step.order, "role": step.role}
            if approve:
                self._audit(session, view.id, actor, AuditAction.APPROVED_STEP,
                            {**detail, "comment": text})
                if new_state == LeaveState.APPROVED:
                    self._audit(session, view.id, actor, AuditAction.APPROVED, {})
            else:
                self._skip_pending(session, view.id)
                self._audit(session, view.id, actor, AuditAction.REJECTED_STEP,
                            {**detail, "reason": text})
                self._audit(session, view.id, actor, AuditAction.REJECTED, {"reason": text})
            return self._reload(session, view.id)

        return self._run(operation, request_id, actor, body)

    def check_decider(self, request_id: int, actor: str, step_id: int | None = None) -> StepView:
        """The step ``actor`` may decide now (e.g. before asking for a rejection reason).

        Refuses like ``approve`` would, and records a wrong person's attempt as 'denied';
        ``step_id``, when given, must still be the current step (a stale button refuses).
        """
        actor = self._actor(actor)

        def body(session: Session) -> StepView:
            view = self._load(session, request_id)
            step = view.current_step
            if step is None or (step_id is not None and step.id != int(step_id)):
                if step is None:
                    raise LedgerError(
                        f"编号 {view.id} 的申请当前状态为“{view.state_label}”，不能再审批。")
                raise LedgerError(CONFLICT_STEP)
            if actor != step.person:
                raise _Denied(
                    f"只有{step.person}（{step.role}）可以审批这一步。",
                    {"step_id": step.id, "order": step.order, "role": step.role,
                     "expected": step.person},
                )
            return step

        return self._run("check", request_id, actor, body)

    # ---- after approval

    def report(self, request_id: int, actor: str, *, admin: bool = False) -> RequestView:
        """报备: record that an approved absence has been reported (approved → reported).

        Allowed for the applicant, a person named in a report step of the chain, or an
        admin (``admin=True``, e.g. office staff registering it).
        """
        def parties(view: RequestView) -> list[str]:
            # Whoever performs a report step, and whom it goes to (to_person, if the
            # chain came with one).
            return ([s.person for s in view.steps if s.action == StepAction.REPORT and s.person]
                    + [r["to_person"] for r in view.chain_raw
                       if r.get("action") == StepAction.REPORT and r.get("to_person")])

        return self._change_state(
            "report", request_id, actor,
            may_act=lambda view: admin or actor == view.applicant or actor in parties(view),
            denied="只有申请人{applicant}本人、报备对象或管理员可以登记报备。",
            from_states=(LeaveState.APPROVED,),
            wrong_state="只有已批准的申请才能报备，编号 {id} 的申请当前状态为“{state}”。",
            to_state=LeaveState.REPORTED, audit=AuditAction.REPORTED,
            detail=lambda view: {"report_parties": parties(view), "admin": bool(admin)})

    def back(self, request_id: int, actor: str, *, admin: bool = False) -> RequestView:
        """销假: the applicant is back (approved or reported → returned)."""
        return self._change_state(
            "back", request_id, actor,
            may_act=lambda view: admin or actor == view.applicant,
            denied="只有申请人{applicant}本人或管理员可以销假。",
            from_states=(LeaveState.APPROVED, LeaveState.REPORTED),
            wrong_state="只有已批准或已报备的申请才能销假，编号 {id} 的申请当前状态为“{state}”。",
            to_state=LeaveState.RETURNED, audit=AuditAction.RETURNED,
            detail=lambda view: {"from_state": view.state, "admin": bool(admin)})

    def withdraw(self, request_id: int, actor: str) -> RequestView:
        """撤回: the applicant takes back a request still in approval, or — 撤销 — one
        already approved or reported, as long as the absence has not begun."""
        current = self.get(request_id)
        if current.state in (LeaveState.APPROVED, LeaveState.REPORTED) and current.start_date <= self._today():
            raise LedgerError(f"编号 {current.id} 的外出已于 {current.start_date.isoformat()} 开始，"
                              "不能撤销；返回后请销假。")
        return self._change_state(
            "withdraw", request_id, actor,
            may_act=lambda view: actor == view.applicant,
            denied="只有申请人{applicant}本人可以撤回这份申请。",
            from_states=(LeaveState.SUBMITTED, LeaveState.APPROVED, LeaveState.REPORTED),
            wrong_state="只有审批中、已批准或已报备（尚未出发）的申请才能撤回，编号 {id} 的申请当前状态为“{state}”。",
            to_state=LeaveState.WITHDRAWN, audit=AuditAction.WITHDRAWN,
            detail=lambda view: {"from_state": view.state}, skip_pending=True)

    def _change_state(self, operation: str, request_id: int, actor: str, *, may_act, denied: str,
                      from_states, wrong_state: str, to_state, audit, detail,
                      skip_pending: bool = False) -> RequestView:
        """One request-level transition: who may act, from which states, what is audited."""
        actor = self._actor(actor)

        def body(session: Session) -> RequestView:
            view = self._load(session, request_id)
            if not may_act(view):
                raise _Denied(denied.format(applicant=view.applicant), {"applicant": view.applicant})
            if view.state not in from_states:
                raise LedgerError(wrong_state.format(id=view.id, state=view.state_label))
            audit_detail = detail(view)
            self._bump(session, view, new_state=to_state, conflict=CONFLICT_REQUEST)
            if skip_pending:
                self._skip_pending(session, view.id)
            self._audit(session, view.id, actor, audit, audit_detail)
            return self._reload(session, view.id)

        return self._run(operation, request_id, actor, body)

    # ---- reading

    def get(self, request_id: int) -> RequestView:
        with self._transaction() as session:
            return self._load(session, request_id)

    def list_for(self, person: str) -> list[RequestView]:
        """The person's own requests (as applicant), newest first."""
        person = _clean(person)
        with self._transaction() as session:
            rows = session.scalars(
                select(LeaveRequest)
                .where(LeaveRequest.applicant == person)
                .order_by(LeaveRequest.created_at.desc(), LeaveRequest.id.desc())
            ).all()
            return [_request_view(r) for r in rows]

    def pending_for(self, person: str) -> list[RequestView]:
        """Requests waiting for this person's decision (their step is the current one),
        oldest first."""
        person = _clean(person)
        step = aliased(ApprovalStep)
        earlier = aliased(ApprovalStep)
        pending = and_(
            earlier.action == StepAction.APPROVE.value,
            earlier.decision == Decision.PENDING.value,
        )
        earlier_pending = exists().where(
            earlier.request_id == step.request_id,
            pending,
            or_(earlier.order < step.order,
                and_(earlier.order == step.order, earlier.id < step.id)),
        )
        with self._transaction() as session:
            rows = session.scalars(
                select(LeaveRequest)
                .join(step, step.request_id == LeaveRequest.id)
                .where(
                    LeaveRequest.state == LeaveState.SUBMITTED.value,
                    step.person == person,
                    step.action == StepAction.APPROVE.value,
                    step.decision == Decision.PENDING.value,
                    ~earlier_pending,
                )
                .order_by(LeaveRequest.created_at, LeaveRequest.id)
            ).unique().all()
            return [_request_view(r) for r in rows]

    def all(self, limit: int = 200) -> list[RequestView]:
        """Every request, newest first (the office's overview)."""
        with self._transaction() as session:
            rows = session.scalars(select(LeaveRequest).order_by(
                LeaveRequest.created_at.desc(), LeaveRequest.id.desc()).limit(limit)).all()
            return [_request_view(r) for r in rows]

    def active(self) -> list[RequestView]:
        """Requests still in approval or approved but not yet reported, oldest first."""
        with self._transaction() as session:
            rows = session.scalars(
                select(LeaveRequest)
                .where(LeaveRequest.state.in_([LeaveState.SUBMITTED.value,
                                               LeaveState.APPROVED.value]))
                .order_by(LeaveRequest.created_at, LeaveRequest.id)
            ).all()
            return [_request_view(r) for r in rows]

    def audit(self, request_id: int) -> list[AuditView]:
        """The request's audit trail, oldest first."""
        with self._transaction() as session:
            self._load(session, request_id)
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.request_id == int(request_id))
                .order_by(AuditEntry.id)
            ).all()
            return [_audit_view(r) for r in rows]
