"""`python -m bot leave …`: operators file and decide leave requests in the ledger.

The chain comes from the rules (leave_chain) and the roster, never from the operator; each
decision is checked by the ledger against the person the chain names.
"""
from __future__ import annotations

import argparse
import json
from datetime import date
from zoneinfo import ZoneInfo

KINDS = ("出差", "休假", "出访", "离县外出", "会议请假")


def add_parser(sub) -> None:
    p = sub.add_parser("leave", help="leave ledger: new | list | show | approve | reject | report | back | withdraw")
    leave = p.add_subparsers(dest="leave_command", required=True)

    n = leave.add_parser("new", help="file a request; the approval chain comes from the rules")
    n.add_argument("--applicant", required=True, help="roster name")
    n.add_argument("--kind", required=True, choices=KINDS)
    n.add_argument("--start", required=True, type=_date, help="YYYY-MM-DD")
    n.add_argument("--end", required=True, type=_date, help="YYYY-MM-DD")
    n.add_argument("--destination", default="")
    n.add_argument("--reason", default="")
    n.add_argument("--meeting", help="for 会议请假: 全体会议, 常务会议, 县长召开的会议, 副县长召开的会议")
    n.add_argument("--meeting-chair", help="for 副县长召开的会议: the chairing deputy's roster name")

    lst = leave.add_parser("list", help="all requests, an applicant's, or those waiting for an approver")
    who = lst.add_mutually_exclusive_group()
    who.add_argument("--applicant")
    who.add_argument("--pending", metavar="APPROVER")

    s = leave.add_parser("show", help="one request with its steps and audit log")
    s.add_argument("id", type=int)

    for name, help_text in (("approve", "approve the current step"), ("reject", "reject the current step"),
                            ("report", "报备 an approved request"), ("back", "销假"),
                            ("withdraw", "withdraw a submitted request")):
        d = leave.add_parser(name, help=help_text)
        d.add_argument("id", type=int)
        d.add_argument("--as", dest="actor", required=True, help="roster name of who acts")
        if name == "approve":
            d.add_argument("--comment")
        if name == "reject":
            d.add_argument("--reason", required=True)
    for p_ in (n, lst, s):
        p_.add_argument("--json", action="store_true")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


def run(args, cfg) -> int:
    from bot.procedures.leave import LeaveError, leave_chain
    from bot.procedures.ledger import LedgerError
    from bot.procedures.ledger.models import AUDIT_LABELS
    from bot.procedures.rules import load_rules

    from bot.conversation.build import open_leave_service

    service = open_leave_service(cfg)
    ledger, roster = service.ledger, service.directory.roster
    try:
        if args.leave_command == "new":
            chain = leave_chain(load_rules(cfg.knowledge.rules), roster, applicant=args.applicant, kind=args.kind,
                                meeting=args.meeting, meeting_chair=args.meeting_chair,
                                start=args.start, end=args.end)
            if not chain.covered:
                raise LeaveError("；".join(chain.warnings) or "本规则没有相应规定。")
            done = service.submit(chain, args.kind, args.start, args.end, args.destination, args.reason)
            return _print(done.view, args.json, _queued(done, service))
        if args.leave_command == "list":
            for name in (args.applicant, args.pending):
                if name and roster.by_name(name) is None:
                    raise LedgerError(f"花名册中没有“{name}”。")
            if args.applicant:
                views = ledger.list_for(args.applicant)
            elif args.pending:
                views = ledger.pending_for(args.pending)
            else:
                views = ledger.all()
            if args.json:
                print(json.dumps([_as_dict(v) for v in views], ensure_ascii=False))
            else:
                for v in views:
                    print(_line(v))
                if not views:
                    print("没有记录。")
            return 0
        if args.leave_command == "show":
            view = ledger.get(args.id)
            _print(view, args.json)
            if not args.json:
                zone = ZoneInfo(cfg.calendar.timezone)
                for entry in ledger.audit(args.id):
                    print(f"  {entry.at.astimezone(zone):%Y-%m-%d %H:%M} {entry.actor} "
                          f"{AUDIT_LABELS.get(entry.action, entry.action)}")
            return 0
        actor = args.actor
        if roster.by_name(actor) is None:
            raise LedgerError(f"花名册中没有“{actor}”。")
        admin = bool(roster.by_name(actor).admin)
        # The same services a button press calls: notifications, 报备 and reminders included.
        if args.leave_command == "approve":
            done = service.approve(args.id, actor, args.comment)
        elif args.leave_command == "reject":
            done = service.reject(args.id, actor, args.reason)
        elif args.leave_command == "report":
            done = service.report(args.id, actor, admin=admin)
        elif args.leave_command == "back":
            done = service.back(args.id, actor, admin=admin)
        else:
            done = service.withdraw(args.id, actor)
        return _print(done.view, False, _queued(done, service))
    except (LeaveError, LedgerError) as exc:
        print(getattr(exc, "message", None) or str(exc))
        return 1


def _line(v) -> str:
    step = v.current_step
    waiting = f"，待{step.person}{step.action_label}" if step else ""
    return (f"#{v.id} {v.applicant} {v.kind} {v.start_date}～{v.end_date} "
            f"{v.destination} 【{v.state_label}{waiting}】")


def _as_dict(v) -> dict:
    return {"id": v.id, "applicant": v.applicant, "kind": v.kind, "start": v.start_date.isoformat(),
            "end": v.end_date.isoformat(), "destination": v.destination, "state": v.state,
            "state_label": v.state_label,
            "steps": [{"order": s.order, "action": s.action, "role": s.role, "person": s.person,
                       "decision": s.decision} for s in v.steps]}


def _queued(done, service) -> list[str]:
    """Who the messages queued by this command go to (names where the roster knows them)."""
    names = []
    for chat in done.recipients():
        person = service.directory.person(chat)
        names.append(person.name if person else ("县政府办公室群" if chat == service.office_chat_id
                                                  else str(chat)))
    return names


def _print(view, as_json: bool, queued: list[str] | None = None) -> int:
    if as_json:
        print(json.dumps({**_as_dict(view), "queued_to": queued or []}, ensure_ascii=False))
        return 0
    print(_line(view))
    labels = {raw.get("order"): raw.get("label") for raw in view.chain_raw}
    for s in view.steps:
        decision = f"：{s.decision_label}" if s.decision_label else ""
        label = labels.get(s.order) or s.action_label
        print(f"  {s.order}. {s.role}（{s.person or '—'}） {label}{decision}")
    if queued:
        # Queued, not yet delivered: the running bot's outbox sends them.
        print("已加入发送队列（机器人运行时发出）：" + "、".join(queued))
    return 0
