"""Leave in chat: the guided form, approvals by button, lists, 销假.

This desk turns chat events into calls of the leave service (bot.services.leave) and
builds the replies to the person who acted. The service owns every side effect — the
ledger change, the 报备, the notifications to others, the 销假 reminder."""
from __future__ import annotations

import logging
import re
from datetime import date

from bot.config import Config
from bot.conversation.directory import Directory
from bot.conversation.inputs import Press, parse_choice, parse_id
from bot.conversation.messages import Button, Edit, Outcome, in_rows, keyboard
from bot.conversation.store import ChatStore, FlowState
from bot.procedures.dates import DateParseError, parse_date_range
from bot.procedures.frontdesk import step_text, who_text
from bot.procedures.leave import LeaveError, leave_chain
from bot.procedures.ledger import LedgerError, LeaveState
from bot.procedures.understand import KIND_OPTIONS
from bot.services import leave_texts as texts
from bot.services.leave import LeaveService

log = logging.getLogger(__name__)

MEETINGS = ["全体会议", "常务会议", "县长召开的会议", "副县长召开的会议"]
TEXT_LIMIT = 200
# Fields the confirmation can send the form back to: button choice → form step.
EDITABLE = {"dates": "dates", "place": "destination", "reason": "reason"}
NO_DESTINATION = {"无", "没有", "不外出", "-", "—", "无外出"}


class LeaveDesk:
    # Commands about one's own leave: private chats only.
    PRIVATE_COMMANDS = {"leave": "请假申请", "myleaves": "请假记录", "pending": "待审批事项",
                        "back": "销假"}

    def __init__(self, cfg: Config, engine, service: LeaveService, store: ChatStore,
                 directory: Directory, say):
        self.cfg = cfg
        self.frontdesk = engine.frontdesk
        self.service = service
        self.ledger = service.ledger  # reads only; every change goes through the service
        self.store = store
        self.directory = directory
        self.say = say

    def reload(self, frontdesk, directory: Directory) -> None:
        self.frontdesk, self.directory = frontdesk, directory
        self.service.directory = directory

    # -- the form ------------------------------------------------------------------------
    def start_form(self, ctx, args: str) -> Outcome:
        flow = self._save(ctx, "kind", {}, new=True)
        buttons = [Button(k, f"f|{flow.nonce}|{i}") for i, k in enumerate(KIND_OPTIONS)]
        return self._ask(ctx, flow, self.say("leave_kind"), in_rows(buttons, 3))

    def form_press(self, ctx, flow: FlowState, choice: str) -> Outcome:
        data = dict(flow.data)
        options = data.get("options", [])
        if flow.step == "confirm":
            if choice == "ok":
                return self._submit(ctx, flow)
            step = EDITABLE.get(choice)
            if step is None:
                return Outcome.popup(self.say("stale_button"))
            # Change one field; the form comes back to this confirmation afterwards.
            edited = dict(data, editing=True)
            prompt = self.say({"dates": "leave_dates", "destination": "leave_destination",
                               "reason": "leave_reason"}[step])
            return ctx.edit(self.say("leave_editing")).extend(
                self._ask(ctx, self._save(ctx, step, edited), prompt))
        index = parse_choice(choice, len(options))
        if index is None:
            return Outcome.popup(self.say("stale_button"))
        value = options[index]
        out = ctx.edit(f"{flow.data.get('prompt', '')}\n→ {value}")
        if flow.step == "kind":
            data["kind"] = value
            if value == "会议请假":
                return out.extend(self._choose(ctx, data, "meeting", self.say("leave_meeting"), MEETINGS))
        elif flow.step == "meeting":
            data["meeting"] = value
            if value == "副县长召开的会议":
                deputies = [p.name for p in self.frontdesk.roster.deputies]
                return out.extend(self._choose(ctx, data, "chair", self.say("leave_chair"), deputies))
        elif flow.step == "chair":
            data["meeting_chair"] = value
        else:
            return Outcome.popup(self.say("stale_button"))
        chain = self._chain(ctx, data)
        if isinstance(chain, str) or not chain.covered:
            self.store.clear_flow(ctx.chat, ctx.event.user_id)
            text = chain if isinstance(chain, str) else "\n".join(chain.warnings + chain.notes)
            return out.extend(ctx.reply(self.say("leave_not_covered", text=text)))
        return out.extend(self._ask(ctx, self._save(ctx, "dates", data), self.say("leave_dates")))

    def form_text(self, ctx, flow: FlowState, text: str, answer_question=None) -> Outcome:
        """Typed text at a form step. `answer_question(text)` answers a question typed
        mid-form (the form then waits at the same step)."""
        data = dict(flow.data)
        if answer_question is not None and _looks_like_question(text) and flow.step != "dates":
            # "出差要带什么材料？" typed at 地点: answered, not saved as the place.
            out = answer_question(text)
            return out.extend(self._reprompt(ctx, flow))
        if flow.step == "confirm":
            return self.confirm_step(ctx, data)  # the summary again, with its buttons
        if flow.step not in ("dates", "destination", "reason"):
            return self._reprompt(ctx, flow)
        if not text:
            return ctx.reply(self.say("leave_text_empty"))
        if len(text) > TEXT_LIMIT:
            return ctx.reply(self.say("leave_text_too_long", length=len(text), limit=TEXT_LIMIT))
        if flow.step == "dates":
            today = self.frontdesk.calendar.today()
            try:
                span = parse_date_range(text, today)
            except DateParseError as exc:
                return ctx.reply(str(exc))
            if span.start < today:
                # 第五十五条: the leave is applied for first, then taken. A past absence is
                # registered by the office (python -m bot leave new), not through the form.
                return ctx.reply(self.say("leave_start_past", start=span.start.isoformat(),
                                          today=today.isoformat()))
            data.update(start=span.start.isoformat(), end=span.end.isoformat())
            if data.get("editing"):
                return self.confirm_step(ctx, data)
            if data.get("kind") == "会议请假":
                data["destination"] = f"不能参加{data.get('meeting', '会议')}"
                return self._ask(ctx, self._save(ctx, "reason", data), self.say("leave_reason"))
            return self._ask(ctx, self._save(ctx, "destination", data), self.say("leave_destination"))
        if flow.step == "destination":
            data["destination"] = "" if text in NO_DESTINATION else text
            if data.get("editing"):
                return self.confirm_step(ctx, data)
            return self._ask(ctx, self._save(ctx, "reason", data), self.say("leave_reason"))
        data["reason"] = text
        return self.confirm_step(ctx, data)

    def confirm_step(self, ctx, data: dict) -> Outcome:
        """The summary and computed chain with 提交/取消 and buttons to change a field: the
        form's last step, and where a draft prepared by the language model lands."""
        data = {k: v for k, v in data.items() if k != "editing"}
        chain = self._chain(ctx, data)
        if isinstance(chain, str) or not chain.covered:
            self.store.clear_flow(ctx.chat, ctx.event.user_id)
            return ctx.reply(chain if isinstance(chain, str) else "\n".join(chain.warnings))
        flow = self._save(ctx, "confirm", data, new=True)
        text = self.say("leave_confirm", summary=_summary_of_form(ctx.person, data, self.frontdesk.calendar),
                        chain=_chain_lines(chain.steps))
        clash = self.service.overlapping(ctx.person.name, data["start"], data["end"])
        if clash is not None:  # said before 提交, refused at 提交
            text += "\n\n注意：" + self.say("leave_overlap", id=clash.id, start=clash.start_date.isoformat(),
                                             end=clash.end_date.isoformat(), state=clash.state_label)
        if chain.warnings:
            text += "\n\n" + "\n".join(f"注意：{w}" for w in chain.warnings)
        edits = [Button(self.say("edit_button", field=label), f"f|{flow.nonce}|{choice}")
                 for choice, label in (("dates", "日期"), ("place", "地点"), ("reason", "事由"))
                 if not (choice == "place" and data.get("kind") == "会议请假")]
        buttons = keyboard([Button(self.say("submit_button"), f"f|{flow.nonce}|ok"),
                            self._cancel(flow)], edits)
        return ctx.reply(text, buttons)

    def draft(self, ctx, draft: dict) -> Outcome:
        """A leave request the language model prepared: checked like typed input, then
        shown for confirmation."""
        from bot.procedures.ledger import KINDS

        if not ctx.event.private:
            return ctx.reply(self.say("private_only", what="请假申请", command="/leave"))
        kind = draft.get("kind")
        if kind not in KINDS:
            return ctx.reply(self.say("leave_kind"))
        data = {"kind": kind, "start": draft.get("start"), "end": draft.get("end"),
                "destination": str(draft.get("destination", ""))[:TEXT_LIMIT],
                "reason": str(draft.get("reason", ""))[:TEXT_LIMIT]}
        try:
            start, end = (date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))
        except (TypeError, ValueError):
            return ctx.reply(self.say("leave_dates"))
        if end < start or start < self.frontdesk.calendar.today():
            return ctx.reply(self.say("leave_dates"))
        return self.confirm_step(ctx, data)

    def _chain(self, ctx, data: dict):
        """The computed chain for the form so far, or a message saying why there is none."""
        try:
            return leave_chain(self.frontdesk.rules, self.frontdesk.roster,
                               applicant=ctx.person.name, kind=data["kind"],
                               meeting=data.get("meeting"), meeting_chair=data.get("meeting_chair"),
                               start=data.get("start"), end=data.get("end"))
        except LeaveError as exc:
            return str(exc)

    def _submit(self, ctx, flow: FlowState) -> Outcome:
        data = flow.data
        chain = self._chain(ctx, data)
        if isinstance(chain, str) or not chain.covered:
            self.store.clear_flow(ctx.chat, ctx.event.user_id)
            return ctx.reply(chain if isinstance(chain, str) else "\n".join(chain.warnings))
        try:
            done = self.service.submit(chain, data["kind"], data["start"], data["end"],
                                       data.get("destination", ""), data.get("reason", ""))
            view = done.view
        except LedgerError as exc:
            return ctx.reply(exc.message)  # the form stays; the user can fix or cancel
        self.store.clear_flow(ctx.chat, ctx.event.user_id)
        out = ctx.edit(f"{self.say('leave_confirm', summary=texts.summary(view, self.frontdesk.calendar), chain=texts.chain(view))}"
                        f"\n\n→ 已提交（编号 {view.id}）")
        step = view.current_step
        if step is not None:
            nxt = self.say("leave_next_approver", who=who_text(step.role, step.person))
        else:  # say exactly who was told, and who could not be
            nxt = self.say("leave_reported_now", told="、".join(done.told) or "无",
                           missing=self.say("not_told", who="、".join(done.not_told))
                           if done.not_told else "")
        return out.add(ctx.chat, self.say("leave_submitted", id=view.id, next=nxt))

    def _reprompt(self, ctx, flow: FlowState) -> Outcome:
        """The current step's prompt again, with its own buttons (or none)."""
        if flow.step == "confirm":
            return self.confirm_step(ctx, dict(flow.data))
        prompt = flow.data.get("prompt") or self.say("leave_kind")
        if flow.data.get("options"):
            return self._ask(ctx, flow, prompt, _keyboard_of(flow))
        return self._ask(ctx, flow, prompt)

    def _choose(self, ctx, data: dict, step: str, prompt: str, options: list[str]) -> Outcome:
        flow = self._save(ctx, step, data)
        buttons = [Button(o, f"f|{flow.nonce}|{i}") for i, o in enumerate(options)]
        return self._ask(ctx, flow, prompt, in_rows(buttons, 2), options)

    def _ask(self, ctx, flow: FlowState, prompt: str, buttons=(), options=None) -> Outcome:
        """Send a form step's prompt; the prompt and options are kept for the edit on press."""
        data = dict(flow.data, prompt=prompt)
        if options is not None:
            data["options"] = options
        elif buttons:
            data["options"] = [b.label for row in buttons for b in row]
        flow = self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "leave",
                                    flow.step, data)
        return ctx.reply(prompt, tuple(buttons) + keyboard([self._cancel(flow)]))

    def _save(self, ctx, step: str, data: dict, new: bool = False) -> FlowState:
        return self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "leave", step,
                                    {k: v for k, v in data.items() if k not in ("options", "prompt")},
                                    new=new)

    def _cancel(self, flow: FlowState) -> Button:
        return Button(self.say("cancel_button"), f"f|{flow.nonce}|x")

    # -- buttons on requests ---------------------------------------------------------------
    def press(self, ctx, press: Press) -> Outcome:
        """A button on a request (approve, reject, back, withdraw); `press` is parsed."""
        kind, request_id, step_id = press.kind, press.id, press.step
        name = ctx.person.name
        try:
            if kind == "ap":
                view = self.service.approve(request_id, name).view
                return ctx.edit(self.say("approved_by_you", text=texts.request_text(view)))
            if kind == "rj":
                self.service.check_decider(request_id, name, step_id)
                flow = self.store.save_flow(ctx.chat, ctx.event.user_id, name, "reject", "reason",
                                            {"request": request_id, "message_id": ctx.event.message_id},
                                            new=True)
                return ctx.reply(self.say("reject_reason_prompt", id=request_id),
                            keyboard([self._cancel(flow)]))
            if kind == "bk":
                view = self.service.back(request_id, name, admin=bool(ctx.person.admin)).view
                return ctx.edit(self.say("returned", id=view.id))
            view = self.service.withdraw(request_id, name).view
            return ctx.edit(self.say("withdrawn", id=view.id))
        except LedgerError as exc:
            log.info("refused %s on request %s by %s: %s", kind, request_id, name, exc.message)
            return Outcome.popup(exc.message)

    def reject_reason(self, ctx, flow: FlowState, text: str) -> Outcome:
        if not text:
            return ctx.reply(self.say("leave_text_empty"))
        if len(text) > TEXT_LIMIT:
            return ctx.reply(self.say("leave_text_too_long", length=len(text), limit=TEXT_LIMIT))
        request_id = flow.data["request"]
        self.store.clear_flow(ctx.chat, ctx.event.user_id)
        try:
            view = self.service.reject(request_id, ctx.person.name, text).view
        except LedgerError as exc:
            return ctx.reply(exc.message)
        out = Outcome()
        if flow.data.get("message_id"):
            out.edits.append(Edit(ctx.chat, flow.data["message_id"],
                                  self.say("rejected_by_you", text=texts.request_text(view), reason=text)))
        else:
            out.add(ctx.chat, self.say("rejected_by_you", text=f"编号 {view.id}", reason=text))
        return out

    # -- lists -----------------------------------------------------------------------------
    def my_leaves(self, ctx, args: str) -> Outcome:
        views = self.ledger.list_for(ctx.person.name)[:10]
        if not views:
            return ctx.reply(self.say("no_leaves"))
        lines, buttons = [self.say("myleaves_header")], []
        for v in views:
            lines.append(texts.line(v))
            if v.state == LeaveState.SUBMITTED:
                buttons.append(Button(self.say("withdraw_button", id=v.id), f"wd|{v.id}"))
            elif v.state in (LeaveState.APPROVED, LeaveState.REPORTED):
                if v.start_date > self.frontdesk.calendar.today():   # not gone yet: 撤销
                    buttons.append(Button(self.say("revoke_button", id=v.id), f"wd|{v.id}"))
                else:
                    buttons.append(Button(self.say("back_button", id=v.id), f"bk|{v.id}"))
        return ctx.reply("\n".join(lines), in_rows(buttons, 2))

    def pending(self, ctx, args: str) -> Outcome:
        views = self.ledger.pending_for(ctx.person.name)
        if not views:
            return ctx.reply(self.say("no_pending"))
        out = Outcome()
        for v in views[:10]:
            out.add(ctx.chat, self.service.approval_text(v), self.service.approval_buttons(v))
        return out

    def back_command(self, ctx, args: str) -> Outcome:
        if args.strip():
            request_id = parse_id(args.strip().lstrip("#"))
            if request_id is None:
                return ctx.reply(self.say("back_usage", given=args.strip()[:20]))
            return _as_reply(ctx, self.press(ctx, Press("bk", id=request_id)))
        views = [v for v in self.ledger.list_for(ctx.person.name)
                 if v.state in (LeaveState.APPROVED, LeaveState.REPORTED)]
        if not views:
            return ctx.reply(self.say("nothing_to_return"))
        buttons = [Button(self.say("back_button", id=v.id), f"bk|{v.id}") for v in views[:6]]
        return ctx.reply(self.say("back_choose") + "\n" + "\n".join(texts.line(v) for v in views[:6]),
                    in_rows(buttons, 2))


def _summary_of_form(person, data: dict, calendar=None) -> str:
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    kind = data["kind"] + (f"（{data['meeting']}）" if data.get("meeting") else "")
    lines = [f"申请人：{person.name}（{person.role}）", f"类型：{kind}",
             f"日期：{texts.span_text(start, end, calendar)}"]
    if data.get("destination"):
        lines.append(f"地点：{data['destination']}")
    lines.append(f"事由：{data.get('reason', '')}")
    return "\n".join(lines)


def _chain_lines(steps) -> str:
    return "\n".join(f"{s.order}. {step_text(s)}" for s in steps) or "（无需审批）"


_QUESTION_RE = re.compile(r"[？?]\s*$|(谁|什么|怎么|几天|多久|哪些|哪个|能不能|可不可以|要不要|是否)")


def _looks_like_question(text: str) -> bool:
    """A question rather than a place or a reason: ends with a question mark, or asks
    with an interrogative word (a reason such as "参加培训" does not)."""
    return bool(_QUESTION_RE.search(text or ""))


def _as_reply(ctx, out: Outcome) -> Outcome:
    """A typed command's outcome: a refusal meant as a pop-up becomes a reply (a typed
    command has no pop-up), and an edit of a pressed message becomes a new message."""
    if out.notice and not out.messages and not out.edits:
        return ctx.reply(out.notice)
    for edit in out.edits:
        out.add(ctx.chat, edit.text, edit.buttons)
    out.edits = []
    return out


def _keyboard_of(flow: FlowState):
    options = flow.data.get("options", [])
    return in_rows([Button(o, f"f|{flow.nonce}|{i}") for i, o in enumerate(options)], 2)
