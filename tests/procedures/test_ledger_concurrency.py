"""Two decisions racing for the same approval step: exactly one wins.

Real threads, separate engines (hence separate SQLite connections) on one file.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest

from bot.procedures.ledger import ChainStep, LeaveLedger, LedgerError, open_ledger_db

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)
TIMEOUT = 20


@pytest.fixture
def ledgers(tmp_path):
    """Two ledgers on the same file, each with its own engine and connection pool."""
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    engines = [open_ledger_db(url), open_ledger_db(url)]
    yield [LeaveLedger(e, clock=lambda: NOW) for e in engines]
    for e in engines:
        e.dispose()


def submit(ledger: LeaveLedger, chain=None):
    return ledger.submit(
        "张三", "副县长", "出差", date(2025, 3, 12), date(2025, 3, 14), "北京", "汇报项目",
        chain or [ChainStep(1, "approve", "县长", "李县长"),
                  ChainStep(2, "approve", "书记", "周书记")],
    )


def race(calls, line_up: bool):
    """Run the calls in parallel threads; return (results, errors).

    line_up: both threads read and check the request before either writes (via the
    ledger's pre-write hook), so the race is decided by the conditional UPDATE itself.
    """
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    results, errors, crashes = [], [], []

    def run(call):
        try:
            if not line_up:
                barrier.wait()
            results.append(call())
        except LedgerError as exc:
            errors.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            crashes.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a racing thread hung"
    assert not crashes, crashes
    return results, errors


def hook(ledger, barrier):
    ledger._before_write = lambda operation, request_id: barrier.wait()


def test_two_approvals_of_the_same_step_one_wins(ledgers):
    a, b = ledgers
    req = submit(a)
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    hook(a, barrier)
    hook(b, barrier)

    results, errors = race(
        [lambda: a.approve(req.id, "李县长", "A"), lambda: b.approve(req.id, "李县长", "B")],
        line_up=True,
    )
    assert len(results) == 1 and len(errors) == 1
    assert "这一步已经被处理过了" in errors[0].message
    final = a.get(req.id)
    assert final == b.get(req.id)
    assert final.version == 2 and final.state == "submitted"
    assert final.steps[0].decision == "approved"
    assert final.steps[0].comment == results[0].steps[0].comment  # the winner's comment
    assert final.current_step.person == "周书记"
    actions = [e.action for e in a.audit(req.id)]
    assert actions == ["submitted", "approved_step"]


def test_approve_and_reject_racing_one_wins(ledgers):
    a, b = ledgers
    req = submit(a)
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    hook(a, barrier)
    hook(b, barrier)
    results, errors = race(
        [lambda: a.approve(req.id, "李县长"), lambda: b.reject(req.id, "李县长", "不同意")],
        line_up=True,
    )
    assert len(results) == 1 and len(errors) == 1
    assert "这一步已经被处理过了" in errors[0].message
    final = a.get(req.id)
    assert final.state == results[0].state and final.version == 2
    decided = [e for e in a.audit(req.id) if e.action in ("approved_step", "rejected_step")]
    assert len(decided) == 1


def test_final_approval_racing_withdrawal(ledgers):
    a, b = ledgers
    req = submit(a, chain=[ChainStep(1, "approve", "县长", "李县长")])
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    hook(a, barrier)
    b._before_write = None  # withdraw has no hook: line it up by hand below
    results, errors = race(
        [lambda: a.approve(req.id, "李县长"),
         lambda: (barrier.wait(), b.withdraw(req.id, "张三"))[1]],
        line_up=True,
    )
    assert len(results) + len(errors) == 2
    final = a.get(req.id)
    actions = [e.action for e in a.audit(req.id)]
    # Withdrawal first: the approval finds nothing to approve. Approval first: an approved
    # leave may still be revoked (withdrawn) — then both succeed, one after the other.
    # Never both from the same version: each success is one version and one audit row.
    assert (actions, len(results), final.version, final.state) in (
        (["submitted", "withdrawn"], 1, 2, "withdrawn"),
        (["submitted", "approved_step", "approved"], 1, 2, "approved"),
        (["submitted", "approved_step", "approved", "withdrawn"], 2, 3, "withdrawn"),
    ), (actions, results, errors)


def test_unsynchronised_races_never_double_approve(ledgers):
    a, b = ledgers
    for _ in range(15):
        req = submit(a)
        results, errors = race(
            [lambda: a.approve(req.id, "李县长"), lambda: b.approve(req.id, "李县长")],
            line_up=False,
        )
        assert len(results) == 1 and len(errors) == 1, errors
        assert [e.action for e in a.audit(req.id)].count("approved_step") == 1
        assert a.get(req.id).version == 2
