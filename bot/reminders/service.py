"""The reminder service: create, list, cancel, and `tick` — claim what is due.

Exactly once: `tick` claims an occurrence by inserting its log row (unique per reminder and
due time), queues the message in the outbox and advances the reminder to its next
occurrence, all in one transaction. A crash after the commit leaves the message in the
outbox, sent on restart; a second claim of the same occurrence fails on the unique key.
An occurrence found more than `grace_minutes` late (the bot was down) is recorded as
missed instead of sent; a smaller delay is sent with a "（补发）" note. Times are stored in
UTC and computed in Asia/Shanghai whatever the server's zone."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import SessionFactory

from bot.conversation.store.models import OutboxMessage
from bot.procedures.calendar import WorkCalendar, fallback_notice
from bot.reminders.models import Reminder, ReminderLog
from bot.reminders.when import Schedule

log = logging.getLogger(__name__)

POLICIES = {"none": "不考虑工作日", "skip": "非工作日跳过", "shift": "非工作日顺延到下一个工作日"}
ACTIVE, DONE, CANCELLED, FAILED = "active", "done", "cancelled", "failed"
STATE_LABELS = {ACTIVE: "生效中", DONE: "已完成", CANCELLED: "已取消", FAILED: "发送失败"}
TEXT_LIMIT = 500
# Sent this late or later, a reminder says it is a late delivery.
LATE_NOTE_AFTER = timedelta(minutes=2)


class ReminderError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReminderView:
    id: int
    chat_id: int
    text: str
    creator: str
    schedule: Schedule
    workdays: str
    next_at: datetime | None
    state: str
    source: str
    key: str | None
    error: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ReminderService:
    def __init__(self, engine: Engine, calendar: WorkCalendar, *, grace_minutes: int = 60,
                 clock: Callable[[], datetime] = _utcnow, timezone_name: str = "Asia/Shanghai"):
        self.calendar = calendar
        self.grace_minutes = grace_minutes
        self.zone = ZoneInfo(timezone_name)
        self._clock = clock
        self._sessions = SessionFactory(engine)  # joins the unit of work, when one is open

    @property
    def clock(self) -> Callable[[], datetime]:
        return self._clock

    def now(self) -> datetime:
        return self._clock().astimezone(self.zone)

    # -- occurrences under the working-day policy -------------------------------------------
    def next_occurrence(self, schedule: Schedule, policy: str, after: datetime) -> datetime | None:
        """The first occurrence strictly after `after` that the policy lets through."""
        if schedule.workdays_only and policy == "none":
            policy = "skip"
        moment = schedule.next_after(after.astimezone(self.zone))
        for _ in range(800):  # ~2 years of daily occurrences: enough for any holiday run
            if moment is None:
                return None
            if policy == "none" or self.calendar.is_workday(moment.date()):
                return moment
            if policy == "skip":
                moment = schedule.next_after(moment)
                continue
            day = moment.date()
            while not self.calendar.is_workday(day):
                day += timedelta(days=1)
            shifted = datetime.combine(day, moment.timetz()).replace(tzinfo=self.zone)
            return shifted if shifted > after else schedule.next_after(shifted)
        return None

    # -- create, cancel, read -----------------------------------------------------------------
    def create(self, chat_id: int, text: str, creator: str, schedule: Schedule, *,
               workdays: str = "none", source: str = "user", key: str | None = None,
               grace_minutes: int | None = None) -> ReminderView:
        text = (text or "").strip()
        if not text:
            raise ReminderError("提醒内容不能为空。")
        if len(text) > TEXT_LIMIT:
            raise ReminderError(f"提醒内容太长了（{len(text)} 字），请精简到 {TEXT_LIMIT} 字以内。")
        if workdays not in POLICIES:
            raise ReminderError(f"工作日规则只能是 {'、'.join(POLICIES)}。")
        now = self.now()
        first = self.next_occurrence(schedule, workdays, now)
        if first is None:
            raise ReminderError("这个时间已经过去了，请换一个将来的时间。")
        row = Reminder(chat_id=int(chat_id), text=text, creator=creator, created_at=now,
                       schedule=json.dumps(schedule.to_dict(), ensure_ascii=False),
                       workdays=workdays, next_at=first, state=ACTIVE, source=source, key=key,
                       grace_minutes=self.grace_minutes if grace_minutes is None else grace_minutes)
        try:
            with self._sessions.begin() as s:
                s.add(row)
                s.flush()
                return _view(row)
        except IntegrityError:
            raise ReminderError("这个提醒已经设置过了。") from None

    def ensure(self, key: str, **kwargs) -> ReminderView:
        """Create the reminder unless one with this key exists (derived reminders)."""
        existing = self.by_key(key)
        return existing if existing is not None else self.create(key=key, **kwargs)

    def cancel(self, reminder_id: int, actor: str, *, admin: bool = False) -> ReminderView:
        with self._sessions.begin() as s:
            row = s.get(Reminder, int(reminder_id))
            if row is None:
                raise ReminderError(f"没有编号为 {reminder_id} 的提醒。")
            if not admin and actor != row.creator:
                raise ReminderError(f"只有设置人{row.creator}或管理员可以取消这个提醒。")
            if row.state != ACTIVE:
                raise ReminderError(f"编号 {row.id} 的提醒当前状态为“{STATE_LABELS[row.state]}”，不能取消。")
            row.state, row.updated_by, row.next_at = CANCELLED, actor, None
            return _view(row)

    def cancel_key(self, key: str, actor: str) -> None:
        with self._sessions.begin() as s:
            row = s.scalars(select(Reminder).where(Reminder.key == key)).first()
            if row is not None and row.state == ACTIVE:
                row.state, row.updated_by, row.next_at = CANCELLED, actor, None

    def get(self, reminder_id: int) -> ReminderView:
        with self._sessions() as s:
            row = s.get(Reminder, int(reminder_id))
            if row is None:
                raise ReminderError(f"没有编号为 {reminder_id} 的提醒。")
            return _view(row)

    def by_key(self, key: str) -> ReminderView | None:
        with self._sessions() as s:
            row = s.scalars(select(Reminder).where(Reminder.key == key)).first()
            return _view(row) if row else None

    def list(self, chat_id: int | None = None, *, active_only: bool = True) -> list[ReminderView]:
        with self._sessions() as s:
            query = select(Reminder).order_by(Reminder.next_at, Reminder.id)
            if chat_id is not None:
                query = query.where(Reminder.chat_id == int(chat_id))
            if active_only:
                query = query.where(Reminder.state == ACTIVE)
            return [_view(r) for r in s.scalars(query).all()]

    def history(self, reminder_id: int) -> list[dict]:
        with self._sessions() as s:
            rows = s.scalars(select(ReminderLog).where(ReminderLog.reminder_id == int(reminder_id))
                             .order_by(ReminderLog.due_at)).all()
            return [{"due_at": r.due_at, "state": r.state, "at": r.at, "note": r.note} for r in rows]

    # -- built-in schedules ([[reminders]] in config.toml) ---------------------------------------
    def sync_builtin(self, entries: list[dict], office_chat_id: int) -> list[str]:
        """Bring the config's reminders into the database: create, update, re-activate,
        and cancel the ones no longer configured. Returns warnings for the log."""
        from bot.reminders.when import WhenError, parse_reminder
        from ingest.numerals import to_numeral

        warnings, wanted = [], set()
        for entry in entries:
            key = f"config:{entry['name']}"
            chat = office_chat_id if entry["chat"] == "office" else int(entry["chat"])
            if not chat:
                warnings.append(f"reminder {entry['name']!r}: no chat ([telegram] office_chat_id is 0)")
                continue
            try:
                schedule, _ = parse_reminder(f"{entry['when']} 提醒", self.now())
            except WhenError as exc:
                warnings.append(f"reminder {entry['name']!r}: {exc.message}")
                continue
            text = entry["text"]
            if entry.get("article") and entry.get("quote"):
                text += f"\n依据：第{to_numeral(int(entry['article']))}条“{entry['quote']}”"
            policy = entry.get("workdays", "none")
            wanted.add(key)
            with self._sessions.begin() as s:
                row = s.scalars(select(Reminder).where(Reminder.key == key)).first()
                plan = json.dumps(schedule.to_dict(), ensure_ascii=False)
                if row is not None and row.state == ACTIVE and (row.chat_id, row.text, row.schedule,
                                                                row.workdays) == (chat, text, plan, policy):
                    continue
                if row is None:
                    row = Reminder(key=key, creator="系统", created_at=self.now(), source="config",
                                   grace_minutes=self.grace_minutes)
                    s.add(row)
                row.chat_id, row.text, row.schedule, row.workdays = chat, text, plan, policy
                row.state, row.error = ACTIVE, None
                row.next_at = self.next_occurrence(schedule, policy, self.now())
        with self._sessions.begin() as s:
            for row in s.scalars(select(Reminder).where(Reminder.source == "config",
                                                        Reminder.state == ACTIVE)).all():
                if row.key not in wanted:
                    row.state, row.next_at, row.updated_by = CANCELLED, None, "config.toml"
        return warnings

    # -- delivery ------------------------------------------------------------------------------
    def tick(self, limit: int = 200) -> int:
        """Claim every due occurrence; returns how many were queued for sending."""
        now = self.now()
        queued = 0
        with self._sessions() as s:
            ids = s.scalars(select(Reminder.id).where(Reminder.state == ACTIVE,
                                                      Reminder.next_at <= now)
                            .order_by(Reminder.next_at).limit(limit)).all()
        for reminder_id in ids:
            try:
                with self._sessions.begin() as s:
                    queued += self._claim(s, reminder_id, now)
            except IntegrityError:  # another process claimed this occurrence first
                log.info("reminder %s: occurrence already claimed elsewhere", reminder_id)
        return queued

    def _claim(self, s: Session, reminder_id: int, now: datetime) -> int:
        row = s.get(Reminder, reminder_id)
        if row is None or row.state != ACTIVE or row.next_at is None or row.next_at > now:
            return 0
        due = row.next_at.astimezone(self.zone)
        late = now - due
        schedule = Schedule.from_dict(json.loads(row.schedule))
        key = f"rem:{row.id}:{int(due.timestamp())}"
        if late > timedelta(minutes=row.grace_minutes):
            s.add(ReminderLog(reminder_id=row.id, due_at=due, state="missed", at=now,
                              note=f"机器人停机，超过补发时限（{row.grace_minutes} 分钟）"))
            log.warning("reminder %s due %s missed (%s late)", row.id, due, late)
            sent = 0
        else:
            s.add(ReminderLog(reminder_id=row.id, due_at=due, state="queued", at=now, outbox_key=key))
            s.add(OutboxMessage(dedupe_key=key, chat_id=row.chat_id, text=self._text(row, due, late),
                                buttons="[]", state="pending", attempts=0, created_at=now))
            sent = 1
        nxt = self.next_occurrence(schedule, row.workdays, max(due, now))
        row.next_at = nxt
        if nxt is None:
            row.state = DONE
        s.flush()  # the unique (reminder, due) key is checked here
        return sent

    def _text(self, row: Reminder, due: datetime, late: timedelta) -> str:
        text = f"⏰ 提醒：{row.text}"
        if late > LATE_NOTE_AFTER:
            text += f"\n（补发：原定 {due:%m月%d日 %H:%M}，机器人当时未能发送）"
        if row.workdays != "none":
            notice = fallback_notice([due.year]) if not self.calendar.covers(due.year) else None
            if notice:
                text += f"\n（{notice}）"
        if row.source == "user":
            text += f"\n—— {row.creator} 设置"
        return text

    def delivered(self, outbox_key: str, ok: bool, error: str | None = None) -> tuple[ReminderView, str] | None:
        """Record the outcome of sending a reminder message (from the outbox sender). A
        failure (the bot was removed from the chat…) marks the reminder failed; returns
        it with the reason so the creator can be told."""
        with self._sessions.begin() as s:
            entry = s.scalars(select(ReminderLog).where(ReminderLog.outbox_key == outbox_key)).first()
            if entry is None:
                return None
            entry.state, entry.at = ("sent" if ok else "failed"), self.now()
            entry.note = None if ok else (error or "")[:500]
            if ok:
                return None
            row = s.get(Reminder, entry.reminder_id)
            row.state, row.error, row.next_at = FAILED, (error or "")[:500], None
            return _view(row), error or ""


def _view(row: Reminder) -> ReminderView:
    return ReminderView(row.id, row.chat_id, row.text, row.creator,
                        Schedule.from_dict(json.loads(row.schedule)), row.workdays, row.next_at,
                        row.state, row.source, row.key, row.error)


def local_datetime(day, hour: int, minute: int, zone: str = "Asia/Shanghai") -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=ZoneInfo(zone))
