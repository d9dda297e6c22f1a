"""SQLAlchemy models of the leave ledger.

Three tables, all prefixed ``ledger_`` so that they can share a database with the rest of
the bot:

* ``ledger_requests``: one row per leave request (出差、休假、出访、离县外出、会议请假).
* ``ledger_steps``: the approval chain of a request, one row per step.
* ``ledger_audit``: an append-only log of everything that happened to a request,
  including refused attempts.

States, decisions and step actions are stored as short English codes; the Chinese labels
shown to staff come from the mappings below. Timestamps are stored in UTC and always come
back timezone-aware.

The schema is created by the hand-written Alembic migrations in ``migrations/``; a test
checks that they match these models. Change both together.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so that later migrations (and SQLite batch mode) can
# refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TABLE_PREFIX = "ledger_"
# The ledger keeps its own Alembic version table so that it can live in a database that
# other components migrate with Alembic too.
VERSION_TABLE = "ledger_alembic_version"

NAME_LEN = 64


class LeaveKind(StrEnum):
    """The kinds of absence the ledger records (stored as the Chinese word)."""

    BUSINESS_TRIP = "出差"
    VACATION = "休假"
    VISIT_ABROAD = "出访"
    LEAVE_COUNTY = "离县外出"
    MEETING = "会议请假"


KINDS: tuple[str, ...] = tuple(k.value for k in LeaveKind)


class LeaveState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPORTED = "reported"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self.value]


STATE_LABELS: dict[str, str] = {
    "submitted": "已提交",
    "approved": "已批准",
    "rejected": "已驳回",
    "reported": "已报备",
    "returned": "已销假",
    "withdrawn": "已撤回",
}


class StepAction(StrEnum):
    APPROVE = "approve"  # the only action that needs a decision
    NOTIFY = "notify"
    REPORT = "report"
    ACT = "act"  # the 互补 partner who acts meanwhile

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.value]


ACTION_LABELS: dict[str, str] = {
    "approve": "审批",
    "notify": "知会",
    "report": "报备",
    "act": "代理",
}


# How the audit log reads to people (CLI `leave show`, the office's records).
AUDIT_LABELS: dict[str, str] = {
    "submitted": "提交申请", "approved_step": "批准（本环节）", "rejected_step": "驳回（本环节）",
    "approved": "全部批准", "rejected": "驳回", "reported": "报备", "returned": "销假",
    "withdrawn": "撤回", "denied": "无权操作（已拒绝）",
}


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # the request was rejected or withdrawn before this step

    @property
    def label(self) -> str:
        return DECISION_LABELS[self.value]


DECISION_LABELS: dict[str, str] = {
    "pending": "待审批",
    "approved": "已同意",
    "rejected": "已驳回",
    "skipped": "未审批",
}


def _in_list(column: str, values) -> str:
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


# CHECK constraint bodies, shared with the migration so that both say the same thing.
CK_REQUEST_KIND = _in_list("kind", KINDS)
CK_REQUEST_STATE = _in_list("state", STATE_LABELS)
CK_REQUEST_DATES = "end_date >= start_date"
CK_REQUEST_VERSION = "version >= 1"
CK_STEP_ACTION = _in_list("action", ACTION_LABELS)
CK_STEP_DECISION = _in_list("decision", DECISION_LABELS)
# Approve steps always carry a decision; the other steps never do.
CK_STEP_DECISION_IFF_APPROVE = (
    "(action = 'approve' AND decision IS NOT NULL) "
    "OR (action <> 'approve' AND decision IS NULL)"
)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    Naive datetimes are refused on the way in (they are ambiguous); values come back
    aware, in UTC, even from SQLite, which stores no offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # SQLite stores text without an offset: store the UTC wall time.
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LeaveRequest(Base):
    __tablename__ = "ledger_requests"
    __table_args__ = (
        CheckConstraint(CK_REQUEST_KIND, name="kind"),
        CheckConstraint(CK_REQUEST_STATE, name="state"),
        CheckConstraint(CK_REQUEST_DATES, name="dates"),
        CheckConstraint(CK_REQUEST_VERSION, name="version"),
        Index("ix_ledger_requests_applicant", "applicant"),
        Index("ix_ledger_requests_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    applicant: Mapped[str] = mapped_column(String(NAME_LEN))
    applicant_role: Mapped[str] = mapped_column(String(NAME_LEN))
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    destination: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    acting_person: Mapped[str | None] = mapped_column(String(NAME_LEN))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by every change; writers update only the version they read.
    version: Mapped[int] = mapped_column(Integer)
    # The full chain as computed at submission time, and the regulation it relied on.
    chain_json: Mapped[str] = mapped_column(Text)
    cites_json: Mapped[str] = mapped_column(Text)

    steps: Mapped[list[ApprovalStep]] = relationship(
        back_populates="request",
        order_by="[ApprovalStep.order, ApprovalStep.id]",
        lazy="selectin",
    )

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<LeaveRequest {self.id} {self.applicant} {self.kind} {self.state} v{self.version}>"


class ApprovalStep(Base):
    __tablename__ = "ledger_steps"
    __table_args__ = (
        CheckConstraint(CK_STEP_ACTION, name="action"),
        CheckConstraint(CK_STEP_DECISION, name="decision"),
        CheckConstraint(CK_STEP_DECISION_IFF_APPROVE, name="decision_iff_approve"),
        Index("ix_ledger_steps_request_id", "request_id"),
        Index("ix_ledger_steps_person_decision", "person", "decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ledger_requests.id"))
    # "order" is an SQL keyword: the column is called step_order.
    order: Mapped[int] = mapped_column("step_order", Integer)
    action: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(NAME_LEN))
    person: Mapped[str | None] = mapped_column(String(NAME_LEN))
    # NULL for steps that need no decision (notify / report / act).
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(NAME_LEN))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    request: Mapped[LeaveRequest] = relationship(back_populates="steps")


class AuditEntry(Base):
    """Append-only: the service only inserts, and on SQLite/PostgreSQL a trigger refuses
    UPDATE and DELETE."""

    __tablename__ = "ledger_audit"
    __table_args__ = (Index("ix_ledger_audit_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ledger_requests.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(NAME_LEN))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)  # JSON object


class AuditAction(StrEnum):
    SUBMITTED = "submitted"
    APPROVED_STEP = "approved_step"
    REJECTED_STEP = "rejected_step"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPORTED = "reported"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    DENIED = "denied"  # somebody tried something they may not do
