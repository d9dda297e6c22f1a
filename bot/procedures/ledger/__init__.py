"""The leave ledger: durable, auditable leave requests and their approval.

    engine = open_ledger_db(cfg.database_url)
    ledger = LeaveLedger(engine)
    req = ledger.submit("张三", "副县长", "出差", start, end, "郑州", "参加会议", chain)
    ledger.approve(req.id, "李四")

Pure domain code: no chat transport here.
"""
from .db import alembic_config, create_ledger_engine, open_ledger_db, upgrade_ledger_db
from .models import (
    ACTION_LABELS,
    DECISION_LABELS,
    KINDS,
    STATE_LABELS,
    ApprovalStep,
    AuditAction,
    AuditEntry,
    Decision,
    LeaveKind,
    LeaveRequest,
    LeaveState,
    StepAction,
)
from .service import (
    AuditView,
    ChainStep,
    LeaveLedger,
    LedgerError,
    RequestView,
    StepView,
)

__all__ = [
    "ACTION_LABELS",
    "DECISION_LABELS",
    "KINDS",
    "STATE_LABELS",
    "ApprovalStep",
    "AuditAction",
    "AuditEntry",
    "AuditView",
    "ChainStep",
    "Decision",
    "LeaveKind",
    "LeaveLedger",
    "LeaveRequest",
    "LeaveState",
    "LedgerError",
    "RequestView",
    "StepView",
    "alembic_config",
    "create_ledger_engine",
    "open_ledger_db",
    "upgrade_ledger_db",
]
