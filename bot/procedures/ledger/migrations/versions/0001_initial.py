"""Leave ledger: requests, approval steps, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand. Self-contained on purpose (no imports from the models, which will move
on): a test checks that this schema matches bot.procedures.ledger.models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KINDS = "kind IN ('出差', '休假', '出访', '离县外出', '会议请假')"
STATES = (
    "state IN ('submitted', 'approved', 'rejected', 'reported', 'returned', 'withdrawn')"
)
ACTIONS = "action IN ('approve', 'notify', 'report', 'act')"
DECISIONS = "decision IN ('pending', 'approved', 'rejected', 'skipped')"
DECISION_IFF_APPROVE = (
    "(action = 'approve' AND decision IS NOT NULL) "
    "OR (action <> 'approve' AND decision IS NULL)"
)

_SQLITE_AUDIT_TRIGGERS = (
    """CREATE TRIGGER ledger_audit_no_update BEFORE UPDATE ON ledger_audit
    BEGIN SELECT RAISE(ABORT, 'ledger_audit is append-only'); END""",
    """CREATE TRIGGER ledger_audit_no_delete BEFORE DELETE ON ledger_audit
    BEGIN SELECT RAISE(ABORT, 'ledger_audit is append-only'); END""",
)
_POSTGRES_AUDIT_TRIGGERS = (
    """CREATE FUNCTION ledger_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'ledger_audit is append-only'; END $$""",
    """CREATE TRIGGER ledger_audit_no_change BEFORE UPDATE OR DELETE ON ledger_audit
    FOR EACH ROW EXECUTE FUNCTION ledger_audit_append_only()""",
)


def upgrade() -> None:
    op.create_table(
        "ledger_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("applicant", sa.String(length=64), nullable=False),
        sa.Column("applicant_role", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("acting_person", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("chain_json", sa.Text(), nullable=False),
        sa.Column("cites_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_requests"),
        sa.CheckConstraint(KINDS, name="ck_ledger_requests_kind"),
        sa.CheckConstraint(STATES, name="ck_ledger_requests_state"),
        sa.CheckConstraint("end_date >= start_date", name="ck_ledger_requests_dates"),
        sa.CheckConstraint("version >= 1", name="ck_ledger_requests_version"),
    )
    op.create_index("ix_ledger_requests_applicant", "ledger_requests", ["applicant"])
    op.create_index("ix_ledger_requests_state", "ledger_requests", ["state"])

    op.create_table(
        "ledger_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("step_order", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_steps"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ledger_requests.id"],
            name="fk_ledger_steps_request_id_ledger_requests",
        ),
        sa.CheckConstraint(ACTIONS, name="ck_ledger_steps_action"),
        sa.CheckConstraint(DECISIONS, name="ck_ledger_steps_decision"),
        sa.CheckConstraint(DECISION_IFF_APPROVE, name="ck_ledger_steps_decision_iff_approve"),
    )
    op.create_index("ix_ledger_steps_request_id", "ledger_steps", ["request_id"])
    op.create_index("ix_ledger_steps_person_decision", "ledger_steps", ["person", "decision"])

    op.create_table(
        "ledger_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_audit"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ledger_requests.id"],
            name="fk_ledger_audit_request_id_ledger_requests",
        ),
    )
    op.create_index("ix_ledger_audit_request_id", "ledger_audit", ["request_id"])

    dialect = op.get_bind().dialect.name
    triggers = {"sqlite": _SQLITE_AUDIT_TRIGGERS, "postgresql": _POSTGRES_AUDIT_TRIGGERS}
    for statement in triggers.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_audit_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_audit_no_change ON ledger_audit")
        op.execute("DROP FUNCTION IF EXISTS ledger_audit_append_only()")
    op.drop_index("ix_ledger_audit_request_id", table_name="ledger_audit")
    op.drop_table("ledger_audit")
    op.drop_index("ix_ledger_steps_person_decision", table_name="ledger_steps")
    op.drop_index("ix_ledger_steps_request_id", table_name="ledger_steps")
    op.drop_table("ledger_steps")
    op.drop_index("ix_ledger_requests_state", table_name="ledger_requests")
    op.drop_index("ix_ledger_requests_applicant", table_name="ledger_requests")
    op.drop_table("ledger_requests")
