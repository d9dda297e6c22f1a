"""The conversation engine: access control, commands, free questions and multi-step
flows. Transport-agnostic: adapters turn their updates into `Event`s and deliver the
returned `Outcome`."""
from __future__ import annotations

import logging
import re
import time

from bot.answer import Answer
from bot.config import Config
from bot.conversation.directory import Directory
from bot.conversation.files import FLOW as DOCUMENT_FLOW, FileDesk
from bot.conversation.followup import followup_subject, rewrite
from bot.conversation.inputs import parse_choice, parse_press
from bot.conversation.leave import LeaveDesk
from bot.conversation.remind import RemindDesk
from bot.conversation.messages import (Button, Context, Event, Message, Outcome, Prepared, in_rows,
                                       keyboard)
from bot.conversation.store import ChatStore, FlowState
from bot.engine import Engine
from bot.procedures.understand import LEAVE, ROUTE
from bot.reminders.service import ReminderService
from bot.services.leave import LeaveService
from bot.replies import load_replies
from bot.retrieval.lookup import ArticleRef, find_reference
from ingest.numerals import parse_numeral

log = logging.getLogger(__name__)

_COMMAND_RE = re.compile(r"^/([A-Za-z_]+)(?:@(\w+))?(?:\s+(.*))?$", re.S)
# Flows that wait for typed text (the others only take button presses).
_TEXT_FLOWS = {"ask", "leave", "reject"}
# A stranger is refused once; further attempts within this time are only logged.
REFUSAL_QUIET_SECONDS = 3600


class Conversation:
    def __init__(self, cfg: Config, engine: Engine, leave: LeaveService, store: ChatStore,
                 directory: Directory, reminders: ReminderService, *, bot_username: str = "",
                 assistant=None, documents=None):
        self.cfg = cfg
        self.engine = engine
        # The answering front (bot.agent.Assistant): the language model when configured,
        # else the offline engine itself.
        self.assistant = assistant or engine
        self.store = store
        self.directory = directory
        self.bot_username = bot_username
        self.say = load_replies(cfg.prompts.dir, "chat.toml")
        self.remind = RemindDesk(cfg, engine, reminders, store, self.say)
        self.leave = LeaveDesk(cfg, engine, leave, store, directory, self.say)
        # Documents sent to be routed (bot.services.documents.DocumentService), if configured.
        self.files = FileDesk(documents, store, self.say, cfg.answer.office) if documents else None
        self._refused: dict[int, float] = {}   # stranger user id -> when last refused
        # (chat, user) -> their last question: what "那全体会议呢" refers to.
        self._last_question: dict[tuple[int, int], str] = {}

    # -- entry point ---------------------------------------------------------------------
    def prepare(self, event: Event) -> Prepared | None:
        """The slow, read-only part of an event, done before its unit of work so that the
        transaction stays short: the answer to a free question (retrieval, a language
        model). None when the event is not a free question. Writes nothing."""
        person = self.directory.person(event.user_id)
        if person is None or event.callback is not None:
            return None
        att = event.attachment
        if att is not None:
            if self.files is None or att.data is None or att.error or not (event.private or event.addressed):
                return None
            return Prepared(f"file:{att.file_id or att.filename}", self.files.read(att, person))
        text = (event.text or "").strip()
        command = _COMMAND_RE.match(text)
        if command:
            if (command.group(1).lower() != "ask" or not (command.group(3) or "").strip()
                    or command.group(2) not in (None, self.bot_username)
                    or not (event.private or event.addressed)):
                return None
            question = command.group(3).strip()
        else:
            flow, _ = self.store.flow(event.chat_id, event.user_id, read_only=True)
            if flow is not None and flow.name in _TEXT_FLOWS:
                if flow.name != "ask":
                    return None
            elif not event.private and not event.addressed:
                return None
            asking = flow is not None and flow.name == "ask"
            question = text if asking else self._strip_mention(text)
        return Prepared(question, self._answer(Context(event, person), question))

    def handle(self, event: Event, prepared: Prepared | None = None) -> Outcome:
        """Everything an event does; `prepared` is what `prepare` computed for it."""
        person = self.directory.person(event.user_id)
        if person is None:
            return self._stranger(event)
        ctx = Context(event, person, prepared)
        if event.callback is not None:
            return self._press(ctx)
        if event.attachment is not None:
            return self._file(ctx)
        text = (event.text or "").strip()
        command = _COMMAND_RE.match(text)
        if command and (command.group(2) in (None, self.bot_username) or not self.bot_username):
            if not event.private and not event.addressed:
                return Outcome()
            self.store.clear_flow(ctx.chat, event.user_id)  # a command starts afresh
            return self._command(ctx, command.group(1).lower(), (command.group(3) or "").strip())
        flow, expired = self.store.flow(ctx.chat, event.user_id)
        if flow is not None and flow.name in _TEXT_FLOWS:
            return self._continue(ctx, flow, text)
        if not event.private and not event.addressed:
            return Outcome()
        out = self.ask(ctx, self._strip_mention(text))
        if expired:
            out.messages.insert(0, Message(ctx.chat, self.say("flow_expired", minutes=self.cfg.telegram.flow_minutes)))
        return out

    def _file(self, ctx: Context) -> Outcome:
        """A file or photo: a 公文 to route (in a group, only when addressed to the bot)."""
        event = ctx.event
        if not event.private and not event.addressed:
            return Outcome()
        if self.files is None:
            return ctx.reply(self.say("unknown_command"))
        flow, _ = self.store.flow(ctx.chat, event.user_id)
        if flow is not None and flow.name in ("leave", "reject"):
            # A half-filled form is not thrown away for a file: finish or cancel it first.
            return ctx.reply(self.say("file_busy"))
        self.store.clear_flow(ctx.chat, event.user_id)  # a new document starts afresh
        prepared = ctx.prepared
        ready = prepared.answer if prepared is not None and prepared.question.startswith("file:") else None
        return self.files.received(ctx, event.attachment, ready)

    def _file_hint(self, ctx: Context, args: str) -> Outcome:
        """/file typed in a chat app: the file itself is what to send."""
        return ctx.reply(self.say("file_send_hint" if ctx.event.private else "file_group_hint"))

    def _stranger(self, event: Event) -> Outcome:
        log.warning("refused a user not on the roster: user_id=%s chat_id=%s",
                    event.user_id, event.chat_id)
        now = time.monotonic()
        last = self._refused.get(event.user_id)
        if last is not None and now - last < REFUSAL_QUIET_SECONDS:
            return Outcome()  # one refusal is enough; the attempt is still logged
        if len(self._refused) > 10_000:
            self._refused.clear()
        self._refused[event.user_id] = now
        if event.callback is not None:
            return Outcome.popup(self.say("stranger", office=self.cfg.answer.office,
                                          user_id=event.user_id))
        if not event.private and not event.addressed:
            return Outcome()
        return Outcome().add(event.chat_id, self.say("stranger", office=self.cfg.answer.office,
                                                     user_id=event.user_id))

    # -- commands ------------------------------------------------------------------------
    def _command(self, ctx: Context, name: str, args: str) -> Outcome:
        handler = {
            "start": self._start, "help": self._help, "ask": self._ask_command,
            "sign": self._sign, "article": self._article, "whoami": self._whoami,
            "cancel": self._cancel, "reload": self._reload,
            "leave": self.leave.start_form, "myleaves": self.leave.my_leaves,
            "pending": self.leave.pending, "back": self.leave.back_command,
            "remind": self.remind.remind, "reminders": self.remind.list,
            "incident": self.remind.incident, "file": self._file_hint,
        }.get(name)
        if handler is None:
            return ctx.reply(self.say("unknown_command"))
        if name in LeaveDesk.PRIVATE_COMMANDS and not ctx.event.private:
            return ctx.reply(self.say("private_only", what=LeaveDesk.PRIVATE_COMMANDS[name],
                                      command=f"/{name}"))
        out = handler(ctx, args)
        if out.notice and not out.messages and not out.edits:
            # A refusal worded for a pop-up: a typed command has none, so it is a reply.
            out.add(ctx.chat, out.notice)
        return out

    def _start(self, ctx: Context, args: str) -> Outcome:
        if args == "leave" and ctx.event.private:
            return self.leave.start_form(ctx, "")
        return ctx.reply(self.say("start", name=ctx.person.name, doc_title=self._doc_title()))

    def _help(self, ctx: Context, args: str) -> Outcome:
        text = self.say("help")
        if ctx.person.admin:
            text += "\n" + self.say("admin_help")
        return ctx.reply(text)

    def _whoami(self, ctx: Context, args: str) -> Outcome:
        p = ctx.person
        text = self.say("whoami", name=p.name, role=p.role,
                        department=f"，{p.department}" if p.department else "",
                        user_id=p.telegram_id or self.say("whoami_no_id"),
                        admin=self.say("whoami_admin") if p.admin else "")
        if not ctx.event.private:
            text += self.say("whoami_group", chat_id=ctx.chat)
        if p.admin:
            names = self.unreachable_people()
            if names:
                text += self.say("whoami_unreachable", names="、".join(names))
        return ctx.reply(text)

    def unreachable_people(self) -> list[str]:
        """Roster members the bot cannot write to: no chat id, or Telegram refused a
        private chat because they never started the bot."""
        from bot.doctor import unstarted_chats

        names = [p.name for p in self.directory.roster.people if self.directory.chat_of(p.name) is None]
        for chat in unstarted_chats(self.store):
            person = self.directory.person(chat)
            if person is not None and person.name not in names:
                names.append(person.name)
        return names

    def _cancel(self, ctx: Context, args: str) -> Outcome:
        # The command already cleared the flow; say so either way.
        return ctx.reply(self.say("cancelled"))

    def _reload(self, ctx: Context, args: str) -> Outcome:
        if not ctx.person.admin:
            return ctx.reply(self.say("admin_only"))
        from bot.procedures.frontdesk import FrontDesk

        try:
            frontdesk = FrontDesk.from_config(self.cfg, clock=self.remind.reminders.clock)
        except Exception as exc:  # a broken roster or rules file keeps the old ones
            log.error("reload failed: %s", exc)
            return ctx.reply(self.say("reload_failed", error=str(exc)[:300]))
        self.engine.frontdesk = frontdesk
        self.directory = Directory(frontdesk.roster, console=self.directory.console)
        self.leave.reload(frontdesk, self.directory)
        if self.files is not None:
            from bot.services.documents import DocumentService

            self.files.service = DocumentService.from_config(self.cfg, frontdesk, self.engine.index)
        warnings = frontdesk.roster.warnings
        log.info("reloaded roster (%d people) and rules on %s's request",
                 len(frontdesk.roster.people), ctx.person.name)
        return ctx.reply(self.say(
            "reloaded", people=len(frontdesk.roster.people), rules=sum(1 for _ in frontdesk.rules),
            warnings=("\n注意：\n" + "\n".join(f"· {w}" for w in warnings)) if warnings else ""))

    def _article(self, ctx: Context, args: str) -> Outcome:
        ref = find_reference(args) if args else None
        if ref is None and args:
            # "/article 10", "/article 督查条例 10": a number, after an optional document name
            m = re.match(r"^(.*?)\s*第?(\w+?)条?\s*$", args.strip())
            number = parse_numeral(m.group(2)) if m else None
            ref = ArticleRef(number, None, start=len(m.group(1))) if number else None
        if ref is None:
            return ctx.reply(self.say("article_usage"))
        return ctx.reply(self.engine.article_answer(ref, question=args).answer)

    def _ask_command(self, ctx: Context, args: str) -> Outcome:
        if args:
            return self.ask(ctx, args)
        self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "ask", "question", {},
                             new=True)
        return ctx.reply(self.say("ask_prompt" if ctx.event.private else "ask_prompt_group"))

    def _sign(self, ctx: Context, args: str) -> Outcome:
        answer = self.engine.frontdesk.answer(args, self.engine.index, force=ROUTE)
        if answer is None:
            return ctx.reply(self.say("sign_prompt"))
        if answer.clarify is not None:
            return self._offer(ctx, args, answer, {}, ROUTE)
        return self._routed(ctx, answer, schedule=True, text=args, given={})

    def _routed(self, ctx: Context, answer: Answer, schedule: bool, text: str = "",
                given: dict | None = None) -> Outcome:
        """A routing answer; a dated 会签 deadline is scheduled (/sign: a document in hand)
        or offered with a button (a general question); a missing 分管 area is offered as
        buttons under the answer."""
        out = self._answer_with_deadline(ctx, answer, schedule, text)
        # Asked who signs (or routing with /sign): offer the 分管 areas; a question about
        # something else ("会签几天内回复") is not interrupted by them.
        if getattr(answer, "refine", None) is not None and (schedule or "谁" in text):
            out.extend(self._offer(ctx, text, Answer(ROUTE, "", False, clarify=answer.refine),
                                   dict(given or {}), ROUTE))
        return out

    def _answer_with_deadline(self, ctx: Context, answer: Answer, schedule: bool,
                              what: str = "") -> Outcome:
        text = answer.answer
        due = next((d.due_date for d in answer.deadlines if d.due_date), None)
        if due is None:
            return ctx.reply(text)
        if schedule:
            note = self.remind.joint_deadline(ctx, due, what)
            return ctx.reply(text + ("\n\n" + note if note else ""))
        return ctx.reply(text, keyboard([Button(self.say("joint_button"), f"dl|{due.isoformat()}")]))

    # -- free questions ------------------------------------------------------------------
    def _answer(self, ctx: Context, text: str) -> Answer:
        given = {"asker": ctx.person.name}
        if self.assistant is self.engine:
            return self.engine.answer(text, given=given, clarify_first=True)
        return self.assistant.answer(text, given=given, clarify_first=True,
                                     chat_key=(ctx.chat, ctx.event.user_id))

    def _aside(self, ctx: Context, text: str) -> Outcome:
        """A question typed in the middle of a form: answered as plain text (no buttons,
        no flow of its own), so the form keeps its place."""
        given = {"asker": ctx.person.name}
        if self.assistant is self.engine:
            answer = self.engine.answer(text, given=given)
        else:
            answer = self.assistant.answer(text, given=given, chat_key=(ctx.chat, ctx.event.user_id))
        return ctx.reply(answer.answer)

    def ask(self, ctx: Context, text: str) -> Outcome:
        reminder = self.remind.offer(ctx, text)
        if reminder is not None:  # "明天下午3点提醒我去财政局对账": offered, set on 确认
            return reminder
        key = (ctx.chat, ctx.event.user_id)
        offer = self._followup(ctx, text, self._last_question.get(key))
        if offer is not None:
            return offer
        if len(self._last_question) > 10_000:
            self._last_question.clear()
        self._last_question[key] = text
        given = {"asker": ctx.person.name}
        prepared = ctx.prepared
        if prepared is not None and prepared.question == text:
            answer = prepared.answer
        else:
            answer = self._answer(ctx, text)
        if answer.clarify is not None:
            return self._offer(ctx, text, answer, given, None)
        out = self._routed(ctx, answer, schedule=False, text=text, given=given)
        for draft in answer.drafts:  # prepared by the model: the user confirms with a button
            desk = self.leave if draft.get("type") == "leave" else self.remind
            out.extend(desk.draft(ctx, draft))
        return out

    def _followup(self, ctx: Context, text: str, previous: str | None) -> Outcome | None:
        """"那全体会议呢": without a model, offer the question it most likely means."""
        if self.assistant is not self.engine or not previous:
            return None  # the language model rewrites follow-ups itself
        subject = followup_subject(text)
        if subject is None:
            return None
        phrases = self.engine.frontdesk.phrases if self.engine.frontdesk else None
        kinds = {}
        if phrases is not None:
            for keys, kind in ((("leave", "role"), "role"), (("route", "doc_kind"), "doc_kind"),
                               (("route", "meeting"), "meeting"), (("leave", "meeting"), "meeting")):
                kinds.update({p: kind for p in phrases.table(*keys)})
        question = rewrite(previous, subject, kinds)
        if question is None:
            return None
        flow = self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "followup", "confirm",
                                    {"question": question}, new=True)
        return ctx.reply(self.say("followup_offer", question=question),
                         keyboard([Button(self.say("followup_yes"), f"f|{flow.nonce}|yes"),
                                   Button(self.say("followup_no"), f"f|{flow.nonce}|no")]))

    def _offer(self, ctx: Context, text: str, answer: Answer, given: dict, force: str | None) -> Outcome:
        """A missing slot: ask with the fixed options as buttons; the choice continues."""
        c = answer.clarify
        intent = force or answer.intent
        flow = self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, "clarify", c.slot,
                                    {"text": text, "given": given, "force": force,
                                     "intent": intent, "options": list(c.options)}, new=True)
        what = self.say("clarify_route" if intent == ROUTE else "clarify_leave")
        buttons = [Button(o, f"f|{flow.nonce}|{i}") for i, o in enumerate(c.options)]
        return ctx.reply(self.say("clarify", what=what, question=c.question),
                    in_rows(buttons, 2) + keyboard([self._cancel_button(flow)]))

    def _cancel_button(self, flow: FlowState) -> Button:
        return Button(self.say("cancel_button"), f"f|{flow.nonce}|x")

    # -- flows ---------------------------------------------------------------------------
    def _continue(self, ctx: Context, flow: FlowState, text: str) -> Outcome:
        if flow.name == "ask":
            self.store.clear_flow(ctx.chat, ctx.event.user_id)
            return self.ask(ctx, text)
        if flow.name == "reject":
            return self.leave.reject_reason(ctx, flow, text)
        return self.leave.form_text(ctx, flow, text, answer_question=lambda q: self._aside(ctx, q))

    def _press(self, ctx: Context) -> Outcome:
        press = parse_press(ctx.event.callback)
        if press is None:  # not data this bot makes: forged, or from another bot
            log.info("ignored unknown button data from user %s", ctx.event.user_id)
            return Outcome.popup(self.say("stale_button"))
        if press.kind == "f":
            flow, _expired = self.store.flow(ctx.chat, ctx.event.user_id)
            if flow is None or flow.nonce != press.nonce:
                other = self.store.flow_by_nonce(ctx.chat, press.nonce)
                if other is not None and other.user_id != ctx.event.user_id:
                    return Outcome.popup(self.say("not_your_button"))
                return Outcome.popup(self.say("stale_button"))
            choice = press.choice
            if choice == "x":
                self.store.clear_flow(ctx.chat, ctx.event.user_id)
                return ctx.edit(self.say("cancelled"))
            if flow.name == "clarify":
                return self._clarified(ctx, flow, choice)
            if flow.name == "reject":
                return Outcome.popup(self.say("stale_button"))
            if flow.name == "remind":
                return self.remind.confirm(ctx, flow, choice)
            if flow.name == DOCUMENT_FLOW and self.files is not None:
                return self.files.press(ctx, flow, choice)
            if flow.name == "followup":
                self.store.clear_flow(ctx.chat, ctx.event.user_id)
                if choice != "yes":
                    return ctx.edit(self.say("followup_declined"))
                question = flow.data.get("question", "")
                return ctx.edit(self.say("followup_offer", question=question) + " → 是").extend(
                    self.ask(ctx, question))
            return self.leave.form_press(ctx, flow, choice)
        if press.kind == "rm":
            return self.remind.cancel(ctx, press.id)
        if press.kind == "dl":
            note = self.remind.joint_deadline(ctx, press.day, press.what or "")
            return Outcome(notice=note or self.say("stale_button"), alert=not note).extend(
                ctx.reply(note) if note else Outcome())
        return self.leave.press(ctx, press)

    def _clarified(self, ctx: Context, flow: FlowState, choice: str) -> Outcome:
        options = flow.data.get("options", [])
        index = parse_choice(choice, len(options))
        if index is None:
            return Outcome.popup(self.say("stale_button"))
        value = options[index]
        given = dict(flow.data.get("given") or {})
        given[flow.step] = value
        force = flow.data.get("force") or flow.data.get("intent")
        force = force if force in (ROUTE, LEAVE) else None
        answer = self.engine.frontdesk.answer(flow.data.get("text", ""), self.engine.index,
                                              given=given, force=force)
        self.store.clear_flow(ctx.chat, ctx.event.user_id)
        out = ctx.edit(f"{self._pressed_text(flow)}\n→ {value}")
        if answer is None:
            return out.extend(ctx.reply(self.say("sign_prompt")))
        if answer.clarify is not None:
            return out.extend(self._offer(ctx, flow.data.get("text", ""), answer, given, force))
        return out.extend(self._routed(ctx, answer, schedule=force == ROUTE,
                                       text=flow.data.get("text", ""), given=given))

    def _pressed_text(self, flow: FlowState) -> str:
        intent = flow.data.get("intent")
        return self.say("clarify_route" if intent == ROUTE else "clarify_leave")

    # -- helpers -------------------------------------------------------------------------
    def _strip_mention(self, text: str) -> str:
        if self.bot_username:
            text = re.sub(rf"@{re.escape(self.bot_username)}\b", "", text, flags=re.I)
        return text.strip()

    def _doc_title(self) -> str:
        index = self.engine.index
        return index.documents[index.default_doc_id].title

    def reconcile(self) -> int:
        """Queue notifications the ledger's current state owes and the outbox lacks (a
        request changed outside the bot); returns how many."""
        return self.leave.service.owed()

    def sync_reminders(self) -> list[str]:
        """The built-in [[reminders]] of config.toml, brought into the database."""
        return self.remind.reminders.sync_builtin(self.cfg.reminders, self.cfg.telegram.office_chat_id)

    def delivered(self, message, ok: bool, error: str | None) -> None:
        """The outbox's final word on a message: a reminder that could not be delivered
        (the bot was removed from the group…) is stopped and its creator told; an approval
        request that could not reach its approver is reported to applicant and office."""
        key = message.dedupe_key or ""
        if not ok and key.startswith("leave:"):
            self.leave.service.undeliverable(key, error or "")
            return
        if not key.startswith("rem:"):
            return
        failed = self.remind.reminders.delivered(key, ok, error)
        if failed is None:
            return
        view, reason = failed
        chat = self.directory.chat_of(view.creator)
        if chat is not None and chat != view.chat_id:
            self.store.enqueue(chat, self.say("reminder_failed", id=view.id, text=view.text[:60],
                                              error=reason), key=f"rem:{view.id}:failed")

