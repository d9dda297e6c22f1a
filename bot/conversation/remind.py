"""Reminders in chat: /remind (parse, echo, confirm), /reminders (list, cancel), /incident
(the article-31 clock), and the reminders other flows derive: the 会签 reply deadline
(article 48) and the 销假 reminder of an approved leave."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

from bot.conversation.inputs import parse_id
from bot.conversation.messages import Button, Outcome, in_rows, keyboard
from bot.conversation.store import ChatStore, FlowState
from bot.reminders.service import POLICIES, ReminderError, ReminderService, local_datetime
from bot.reminders.when import Schedule, WhenError, once, parse_reminder
from ingest.model import split_sentences
from ingest.numerals import to_numeral

log = logging.getLogger(__name__)

# Article 31: authoritative information within 5 hours, a press conference within 24.
INCIDENT_ARTICLE = 31
INCIDENT_MARKS = ((5, "发布权威信息"), (24, "举行新闻发布会"))
INCIDENT_WARNING = timedelta(hours=1)
JOINT_ARTICLE = 48
# Reminders derived from a deadline go out at the start of the working day.
MORNING = (9, 0)
# The 销假 reminder goes out in the afternoon of the last day away.


class RemindDesk:
    def __init__(self, cfg, engine, reminders: ReminderService, store: ChatStore, say):
        self.cfg = cfg
        self.engine = engine
        self.reminders = reminders
        self.store = store
        self.say = say

    # -- /remind --------------------------------------------------------------------------
    def remind(self, ctx, args: str) -> Outcome:
        if not args:
            return ctx.reply(self.say("remind_usage"))
        try:
            schedule, text = parse_reminder(args, self.reminders.now())
        except WhenError as exc:
            return ctx.reply(exc.message)
        return self.confirm_step(ctx, schedule, text)

    def offer(self, ctx, text: str) -> Outcome | None:
        """A reminder asked for in free text ("明天下午3点提醒我…", "提醒我明天9点交材料"):
        the /remind confirmation, or None when the text is not a reminder request."""
        m = _REMIND_WORD_RE.search(text)
        if m is None:
            return None
        now = self.reminders.now()
        for candidate in (text, text[m.end():].strip() if m.start() == 0 else None):
            if not candidate:
                continue
            try:
                schedule, what = parse_reminder(candidate, now)
            except WhenError:
                continue
            return self.confirm_step(ctx, schedule, what)
        return None

    def draft(self, ctx, draft: dict) -> Outcome:
        """A reminder the language model prepared: shown for confirmation like /remind."""
        try:
            schedule = Schedule.from_dict(draft["schedule"])
        except (KeyError, TypeError, ValueError):
            return ctx.reply(self.say("remind_usage"))
        return self.confirm_step(ctx, schedule, str(draft.get("text", "")))

    def confirm_step(self, ctx, schedule: Schedule, text: str) -> Outcome:
        if not text.strip():
            return ctx.reply(self.say("remind_usage"))
        if len(text) > 500:
            return ctx.reply(self.say("remind_too_long", length=len(text)))
        flow = self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "remind", "confirm",
                                    {"schedule": schedule.to_dict(), "text": text}, new=True)
        where = self.say("remind_here_private" if ctx.event.private else "remind_here_group")
        first = self.reminders.next_occurrence(schedule, "none", self.reminders.now())
        body = self.say("remind_confirm", when=schedule.describe(), where=where, text=text,
                        first=_local(first) if first else "—")
        if first is not None and (schedule.kind != "once" or schedule.workdays_only):
            from bot.procedures.calendar import fallback_notice

            # A recurring reminder runs on into next year; a one-off only in its own.
            years = {first.year} if schedule.kind == "once" else {first.year, first.year + 1}
            unknown = sorted(y for y in years if not self.reminders.calendar.covers(y))
            if unknown:  # "顺延/跳过节假日" cannot be exact for a year without holiday data
                body += "\n" + self.say("remind_unknown_years", notice=fallback_notice(unknown))
        rows = [[Button(self.say("remind_ok"), f"f|{flow.nonce}|none")]]
        if schedule.kind != "once" and not schedule.workdays_only:
            rows.append([Button(self.say("remind_ok_shift"), f"f|{flow.nonce}|shift"),
                         Button(self.say("remind_ok_skip"), f"f|{flow.nonce}|skip")])
        rows.append([Button(self.say("cancel_button"), f"f|{flow.nonce}|x")])
        return ctx.reply(body, keyboard(*rows))

    def confirm(self, ctx, flow: FlowState, choice: str) -> Outcome:
        if choice not in POLICIES:
            return Outcome.popup(self.say("stale_button"))
        schedule = Schedule.from_dict(flow.data["schedule"])
        policy = "skip" if schedule.workdays_only else choice
        self.store.clear_flow(ctx.chat, ctx.event.user_id)
        try:
            view = self.reminders.create(ctx.chat, flow.data["text"], ctx.person.name, schedule,
                                         workdays=policy)
        except ReminderError as exc:
            return ctx.edit(exc.message, or_send=True)
        log.info("reminder %s set by %s in chat %s", view.id, ctx.person.name, ctx.chat)
        return ctx.edit(self.say("remind_saved", id=view.id, when=schedule.describe(),
                                  first=_local(view.next_at), text=view.text,
                                  policy=POLICIES[policy]), or_send=True)

    # -- /reminders -----------------------------------------------------------------------
    def list(self, ctx, args: str) -> Outcome:
        m = _CANCEL_RE.match(args.strip())
        if m:  # "/reminders 取消 5", "/reminders 取消 交材料": by id or by text, not by position
            return self._cancel_typed(ctx, m.group(1).strip())
        views = self.reminders.list(ctx.chat)
        if not views:
            return ctx.reply(self.say("reminders_none"))
        lines = [self.say("reminders_header")]
        buttons = []
        for v in views[:20]:
            lines.append(f"编号 {v.id}｜{v.schedule.describe()}｜下次 {_local(v.next_at)}｜{_short(v.text)}"
                         f"｜{v.creator}")
            buttons.append(Button(self.say("reminder_cancel_button", id=v.id), f"rm|{v.id}"))
        return ctx.reply("\n".join(lines), in_rows(buttons, 3))

    def _cancel_typed(self, ctx, what: str) -> Outcome:
        views = self.reminders.list(ctx.chat)
        reminder_id = parse_id(what.lstrip("#").removeprefix("编号").strip())
        if reminder_id is None:
            matches = [v for v in views if what and what in v.text]
            if len(matches) != 1:
                return ctx.reply(self.say("reminder_cancel_which" if matches else "reminder_cancel_none",
                                          what=what[:30]))
            reminder_id = matches[0].id
        out = self.cancel(ctx, reminder_id)
        return out if out.messages else ctx.reply(out.notice or self.say("stale_button"))

    def cancel(self, ctx, reminder_id: int) -> Outcome:
        """The 取消 button of a listed reminder (`reminder_id` already parsed)."""
        try:
            view = self.reminders.cancel(reminder_id, ctx.person.name, admin=bool(ctx.person.admin))
        except ReminderError as exc:
            return Outcome.popup(exc.message)
        return Outcome(notice=self.say("reminder_cancelled", id=view.id)).extend(
            ctx.reply(self.say("reminder_cancelled", id=view.id) + f"：{_short(view.text)}"))

    # -- /incident ------------------------------------------------------------------------
    def incident(self, ctx, args: str) -> Outcome:
        what = args.strip()
        if not what:
            return ctx.reply(self.say("incident_usage"))
        if len(what) > 200:
            return ctx.reply(self.say("remind_too_long", length=len(what)))
        label, quote = self.quote(INCIDENT_ARTICLE, "5小时")
        start = self.reminders.now().replace(second=0, microsecond=0)
        lines = []
        for hours, duty in INCIDENT_MARKS:
            deadline = start + timedelta(hours=hours)
            text = self.say("incident_reminder", what=what, duty=duty, deadline=_local(deadline),
                            label=label, quote=quote)
            self.reminders.create(ctx.chat, text, ctx.person.name, once(deadline - INCIDENT_WARNING),
                                  source="incident")
            lines.append(self.say("incident_line", duty=duty, deadline=_local(deadline),
                                  warn=_local(deadline - INCIDENT_WARNING)))
        return ctx.reply(self.say("incident_started", what=what, start=_local(start),
                                  lines="\n".join(lines), label=label, quote=quote))

    # -- derived reminders --------------------------------------------------------------------
    def joint_deadline(self, ctx, due: date, what: str = "") -> str:
        """Remind this chat the working day before the 会签 reply is due and on the day;
        `what` names the document (the /sign text), when known."""
        label, quote = self.quote(JOINT_ARTICLE, "逾期不回复")
        calendar = self.reminders.calendar
        eve = calendar.previous_workday(due).date
        weekday = "一二三四五六日"[due.weekday()]
        # The eve is the working day before: "明天" only when the deadline really is tomorrow.
        before = "明天" if (due - eve).days == 1 else f"下一个工作日周{weekday}"
        document = f"“{what[:40]}”" if what.strip() else "会签文件"
        made = []
        for day, when in ((eve, before), (due, "今天")):
            moment = local_datetime(day, *MORNING, self.cfg.calendar.timezone)
            if moment <= self.reminders.now():
                continue
            text = self.say("joint_reminder", when=when, due=f"{due.isoformat()}，周{weekday}",
                            document=document, label=label, quote=quote)
            self.reminders.create(ctx.chat, text, ctx.person.name, once(moment), source="signing")
            made.append(_local(moment))
        return self.say("joint_scheduled", times="、".join(made)) if made else ""

    def quote(self, article_no: int, marker: str) -> tuple[str, str]:
        """The label and the verbatim sentence of an article that contains `marker`."""
        index = self.engine.index
        art = index.documents[index.default_doc_id].article(article_no)
        if art is None:
            return f"第{to_numeral(article_no)}条", ""
        sentence = next((s for s in split_sentences(art.text) if marker in s), "")
        return art.label, sentence


_REMIND_WORD_RE = re.compile(r"提醒(我|一下|大家|各位|下)?")
_CANCEL_RE = re.compile(r"^(?:取消|删除|cancel)\s*(.+)$", re.I)


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    weekday = "一二三四五六日"[local.weekday()]
    return f"{local:%Y-%m-%d}（周{weekday}）{local:%H:%M}"


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"

