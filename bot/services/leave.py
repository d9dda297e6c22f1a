"""Leave use cases: submit, approve, reject, withdraw, report, return (销假).

Each call runs in one unit of work (joining the caller's, e.g. the update being handled)
and performs every side effect the new state owes: the 报备 the bot files as the chain
completes, the notifications to approvers, applicant and office (outbox rows keyed by the
state they announce, so announcing a state again sends nothing twice), and the applicant's
销假 reminder. The chat, the CLI and a web console call these; none of them sends a
leave notification itself. A refusal raises LedgerError and changes nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.conversation.directory import Directory
from bot.conversation.messages import Button, keyboard
from bot.conversation.store import ChatStore
from bot.db import unit_of_work
from bot.procedures.frontdesk import who_text
from bot.procedures.ledger import LeaveLedger, LedgerError, LeaveState, RequestView
from bot.reminders.service import ReminderService, local_datetime
from bot.reminders.when import once
from bot.services import leave_texts as texts

log = logging.getLogger(__name__)

# The applicant's 销假 reminder: at this local time on the last day away.
RETURN_TIME = (17, 0)


@dataclass
class Done:
    """What a use case did: the request as it now stands, who was sent what (the outbox
    keys newly queued, with their recipients' chat ids), and — for the reply to whoever
    acted, which must say only what is true — who the state's messages are queued for and
    who could not be told (no chat configured), by description."""
    view: RequestView
    queued: list[tuple[str, int]] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    not_told: list[str] = field(default_factory=list)

    def recipients(self) -> list[int]:
        return [chat for _key, chat in self.queued]


class LeaveService:
    def __init__(self, ledger: LeaveLedger, outbox: ChatStore, directory: Directory,
                 reminders: ReminderService, say, *, office_chat_id: int | None,
                 timezone: str, today, calendar=None):
        self.ledger = ledger
        self.outbox = outbox
        self.directory = directory
        self.reminders = reminders
        self.say = say
        self.office_chat_id = office_chat_id or None
        self.timezone = timezone
        self._today = today  # () -> date, the county's calendar day
        self.calendar = calendar  # working days shown next to calendar days

    @property
    def db(self):
        return self.ledger.engine

    # -- use cases --------------------------------------------------------------------------
    def submit(self, chain, kind: str, start, end, destination: str = "", reason: str = "") -> Done:
        """File a request along a computed chain (`bot.procedures.leave.leave_chain`)."""
        def body():
            clash = self.overlapping(chain.applicant, start, end)
            if clash is not None:
                raise LedgerError(self.say("leave_overlap", id=clash.id, start=clash.start_date.isoformat(),
                                           end=clash.end_date.isoformat(), state=clash.state_label))
            view = self.ledger.submit(chain.applicant, chain.applicant_role, kind, start, end,
                                      destination, reason, chain.steps,
                                      acting_person=chain.acting, cites=chain.cites)
            log.info("leave request %s submitted by %s", view.id, view.applicant)
            return view
        return self._in_unit(body)

    def overlapping(self, applicant: str, start, end) -> RequestView | None:
        """A live request of the same person whose dates overlap [start, end]."""
        from datetime import date as _date

        start = _date.fromisoformat(start) if isinstance(start, str) else start
        end = _date.fromisoformat(end) if isinstance(end, str) else end
        live = (LeaveState.SUBMITTED, LeaveState.APPROVED, LeaveState.REPORTED)
        return next((v for v in self.ledger.list_for(applicant)
                     if v.state in live and v.start_date <= end and start <= v.end_date), None)

    def approve(self, request_id: int, actor: str, comment: str | None = None) -> Done:
        return self._in_unit(lambda: self.ledger.approve(request_id, actor, comment))

    def reject(self, request_id: int, actor: str, reason: str) -> Done:
        return self._in_unit(lambda: self.ledger.reject(request_id, actor, reason))

    def withdraw(self, request_id: int, actor: str) -> Done:
        return self._in_unit(lambda: self.ledger.withdraw(request_id, actor))

    def report(self, request_id: int, actor: str, *, admin: bool = False) -> Done:
        return self._in_unit(lambda: self.ledger.report(request_id, actor, admin=admin))

    def back(self, request_id: int, actor: str, *, admin: bool = False) -> Done:
        def change():
            view = self.ledger.get(request_id)
            if self._today() < view.start_date:
                raise LedgerError(self.say("back_before_start", id=view.id,
                                           start=view.start_date.isoformat()))
            return self.ledger.back(request_id, actor, admin=admin)
        return self._in_unit(change)

    def _in_unit(self, change) -> Done:
        """Make the ledger change and announce it, in one unit of work. A refusal commits
        what the ledger recorded about it (the audit row of a denied attempt) and is
        raised after the unit."""
        refused = None
        with unit_of_work(self.db):
            try:
                return self._announce(change())
            except LedgerError as exc:
                refused = exc
        raise refused

    def check_decider(self, request_id: int, actor: str, step_id: int | None = None):
        return self.ledger.check_decider(request_id, actor, step_id)

    def undeliverable(self, key: str, error: str) -> None:
        """An approval request the channel refused to deliver (the approver never opened a
        chat with the bot, blocked it…): the applicant and the office are told at once,
        with the fix; the request waits, and goes out when the approver writes."""
        parts = key.split(":")
        if len(parts) != 4 or parts[2] != "ask" or not parts[1].isdigit():
            return
        with unit_of_work(self.db):
            view = self.ledger.get(int(parts[1]))
            step = view.current_step
            if step is None or str(step.id) != parts[3]:
                return
            text = self.say("approver_not_started", id=view.id, who=who_text(step.role, step.person))
            for chat, suffix in ((self.directory.chat_of(view.applicant), "applicant"),
                                 (self.office_chat_id, "office")):
                if chat is not None:
                    self.outbox.enqueue(chat, text, key=f"leave:{view.id}:undelivered:{step.id}:{suffix}")
            log.warning("approval request %s could not reach %s: %s", view.id, step.person, error[:100])

    def owed(self) -> int:
        """Queue whatever the active requests' states owe and is not queued yet (the
        start-up check); returns how many messages that was."""
        with unit_of_work(self.db):
            return sum(len(self._announce(v).queued) for v in self.ledger.active())

    # -- what a state owes ------------------------------------------------------------------
    def _announce(self, view: RequestView) -> Done:
        done = Done(view)

        def send(chat: int | None, text: str, key: str, buttons=(), who: str = "") -> bool:
            if chat is None:
                if who:
                    done.not_told.append(who)
                return False
            rows = [[[b.label, b.data] for b in row] for row in buttons]
            if self.outbox.enqueue(chat, text, rows, key=key) is not None:
                done.queued.append((key, chat))
            if who:
                done.told.append(who)
            return True

        applicant_chat = self.directory.chat_of(view.applicant)
        if view.state == LeaveState.APPROVED:
            try:  # the bot files the 报备 on the applicant's behalf as the chain completes
                view = self.ledger.report(view.id, view.applicant)
            except LedgerError as exc:
                log.warning("could not record 报备 of request %s: %s", view.id, exc.message)
                view = self.ledger.get(view.id)
            done.view = view
        key = f"leave:{view.id}"
        if view.state == LeaveState.SUBMITTED:
            step = view.current_step
            if not send(self.directory.chat_of(step.person), self.approval_text(view),
                        f"{key}:ask:{step.id}", self.approval_buttons(view)):
                send(applicant_chat, self.say("approver_unreachable", who=who_text(step.role, step.person)),
                     f"{key}:unreachable:{step.id}")
            for prior in view.approve_steps:
                if prior.decision == "approved":
                    send(applicant_chat, self.say(
                        "step_approved", id=view.id, who=who_text(prior.role, prior.decided_by),
                        next=self.say("leave_next_approver", who=who_text(step.role, step.person))),
                        f"{key}:approved:{prior.id}")
        elif view.state == LeaveState.REPORTED:
            approvals = [s for s in view.approve_steps if s.decision == "approved"]
            if approvals:
                text = self.say("office_reported", id=view.id, summary=texts.summary(view, self.calendar),
                                approvals="、".join(who_text(s.role, s.decided_by) for s in approvals))
            else:
                text = self.say("office_reported_only", id=view.id, summary=texts.summary(view, self.calendar))
            send(self.office_chat_id, text, f"{key}:office:reported", who=self.say("office_label"))
            # The chain's own reports (事先报告县长) and the stand-in (互补, 代行职责) are
            # delivered to those people, not only recorded.
            report_only = _report_only(view)
            for raw in view.chain_raw:
                order = raw.get("order")
                if raw.get("action") == "report" and raw.get("to_person") and report_only:
                    send(self.directory.chat_of(raw["to_person"]),
                         self.say("leave_report_to", id=view.id, summary=texts.summary(view, self.calendar),
                                  label=raw.get("label") or "报告"),
                         f"{key}:report:{order}", who=who_text(raw.get("to_role"), raw["to_person"]))
                elif raw.get("action") == "act" and raw.get("person") and raw["person"] != view.applicant:
                    send(self.directory.chat_of(raw["person"]),
                         self.say("leave_acting", id=view.id, applicant=view.applicant,
                                  start=view.start_date.isoformat(), end=view.end_date.isoformat(),
                                  note=raw.get("note") or ""),
                         f"{key}:act:{order}", who=who_text(raw.get("role"), raw["person"]))
            if approvals:
                told = "、".join(done.told) or "无"
                missing = (self.say("not_told", who="、".join(done.not_told)) if done.not_told else "")
                send(applicant_chat, self.say("leave_approved_reported", id=view.id, told=told,
                                              missing=missing), f"{key}:reported")
            self._return_reminder(view, applicant_chat)
        elif view.state == LeaveState.REJECTED:
            step = next((s for s in view.approve_steps if s.decision == "rejected"), None)
            if step is not None:
                send(applicant_chat, self.say("leave_rejected", id=view.id,
                                              who=who_text(step.role, step.decided_by),
                                              reason=step.comment or ""), f"{key}:rejected")
        elif view.state == LeaveState.WITHDRAWN:
            skipped = next((s for s in view.approve_steps if s.decision == "skipped"), None)
            if skipped is not None:
                send(self.directory.chat_of(skipped.person),
                     self.say("withdrawn_to_approver", id=view.id, applicant=view.applicant),
                     f"{key}:withdrawn", who=who_text(skipped.role, skipped.person))
            # 撤销 after approval: everyone who approved, and the office that has the 报备.
            for step in view.approve_steps:
                if step.decision == "approved" and step.decided_by:
                    send(self.directory.chat_of(step.decided_by),
                         self.say("cancelled_to_approver", id=view.id, applicant=view.applicant,
                                  summary=texts.summary(view, self.calendar)),
                         f"{key}:cancelled:{step.id}", who=who_text(step.role, step.decided_by))
            if self._was_reported(view):
                send(self.office_chat_id, self.say("office_cancelled", id=view.id, applicant=view.applicant),
                     f"{key}:office:cancelled", who=self.say("office_label"))
                report_only = _report_only(view)
                for raw in view.chain_raw:  # whoever had the 事先报告 hears it is off
                    if raw.get("action") == "report" and raw.get("to_person") and report_only:
                        send(self.directory.chat_of(raw["to_person"]),
                             self.say("cancelled_to_approver", id=view.id, applicant=view.applicant,
                                      summary=texts.summary(view, self.calendar)),
                             f"{key}:cancelled:report:{raw.get('order')}",
                             who=who_text(raw.get("to_role"), raw["to_person"]))
            self.reminders.cancel_key(f"leave:{view.id}:back", view.applicant)
        elif view.state == LeaveState.RETURNED:
            self.reminders.cancel_key(f"leave:{view.id}:back", view.applicant)
            send(self.office_chat_id, self.say("office_returned", id=view.id, applicant=view.applicant,
                                               role=view.applicant_role, date=self._today().isoformat()),
                 f"{key}:office:returned")
        return done

    def _was_reported(self, view: RequestView) -> bool:
        return any(a.action == "reported" for a in self.ledger.audit(view.id))

    def _return_reminder(self, view: RequestView, chat_id: int | None) -> None:
        """The applicant's 销假 reminder on the last day away (idempotent by key)."""
        if chat_id is None:
            return
        moment: datetime = local_datetime(view.end_date, *RETURN_TIME, self.timezone)
        if moment <= self.reminders.now():
            return
        self.reminders.ensure(f"leave:{view.id}:back", chat_id=chat_id,
                              text=self.say("leave_return_reminder", id=view.id, kind=view.kind),
                              creator=view.applicant, schedule=once(moment), source="leave")

    # -- texts the approver's message carries -------------------------------------------------
    def approval_text(self, view: RequestView) -> str:
        return self.say("approval_request", id=view.id, summary=texts.summary(view, self.calendar), chain=texts.chain(view))

    def approval_buttons(self, view: RequestView):
        step = view.current_step
        if step is None:
            return ()
        return keyboard([Button(self.say("approve_button"), f"ap|{view.id}|{step.id}"),
                         Button(self.say("reject_button"), f"rj|{view.id}|{step.id}")])


def _report_only(view: RequestView) -> bool:
    """A chain where reporting replaces approval (a 副县长's 事先报告): its report steps are
    messages owed to their recipients; in a chain with approvals the 汇总/签报 steps are
    the office's own work before the decision."""
    return not any(raw.get("action") == "approve" for raw in view.chain_raw)
