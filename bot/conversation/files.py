"""A 公文 sent to the bot: "这个文件谁签？" answered from the document itself.

The file is read in memory (`prepare`, before the unit of work: OCR takes seconds), the
answer leads with the signer, and a pre-filled 发文稿纸 comes back as a .docx. What the
document does not say is asked one question at a time with buttons; between presses
the flow keeps the extracted text, never the file."""
from __future__ import annotations

import logging

from bot.conversation.inputs import parse_choice, parse_press
from bot.conversation.messages import (CALLBACK_DATA_LIMIT, Attachment, Button, Context, Message,
                                       Outcome, in_rows, keyboard)
from bot.conversation.store import ChatStore, FlowState
from bot.documents.analyze import DocumentReport, Source
from bot.documents.intake import IntakeError
from bot.documents.texts import report_text, summary_line
from bot.services.documents import DocumentService

log = logging.getLogger(__name__)

FLOW = "document"
# Why an attachment arrived without its bytes (set by the channel adapter).
_DOWNLOAD_ERRORS = {"too_big": "file_too_big", "download": "file_download_failed"}


class FileDesk:
    def __init__(self, service: DocumentService, store: ChatStore, say, office: str):
        self.service = service
        self.store = store
        self.say = say
        self.office = office

    # -- reading (outside the unit of work) ------------------------------------------------
    def read(self, attachment: Attachment, asker=None) -> DocumentReport | IntakeError:
        try:
            return self.service.read(attachment.data or b"", attachment.filename, asker=asker)
        except IntakeError as exc:
            return exc
        except Exception:  # a file shaped like nothing we expected: said, never a traceback
            log.exception("reading a sent file failed")
            return IntakeError("unreadable", "这个文件我没能读懂。请另存为 .docx 或 PDF 后再发送；"
                                             f"如果一直不行，请联系{self.office}。")

    # -- a file arrived --------------------------------------------------------------------
    def received(self, ctx: Context, attachment: Attachment, prepared) -> Outcome:
        if attachment.error:
            key = _DOWNLOAD_ERRORS.get(attachment.error, "file_download_failed")
            return ctx.reply(self.say(key, limit=self.service.kit.limits.max_bytes // (1024 * 1024)))
        result = prepared if prepared is not None else self.read(attachment, ctx.person)
        if isinstance(result, IntakeError):
            log.info("a sent file was refused: %s", result.code)
            return ctx.reply(self.say("file_refused", reason=result.message))
        log.info("a sent file was read: %s, %d lines, %s", result.source.kind, len(result.source.lines),
                 "routed" if result.done else f"asks {result.questions[0].slot}")
        return self._next(ctx, result)

    def _next(self, ctx: Context, report: DocumentReport, out: Outcome | None = None) -> Outcome:
        out = out or Outcome()
        if report.questions:
            q = report.questions[0]
            flow = self.store.save_flow(ctx.chat, ctx.event.user_id, ctx.person.name, FLOW, q.slot,
                                        {"source": report.source.to_dict(), "answers": report.answers},
                                        new=True)
            buttons = [Button(label, f"f|{flow.nonce}|{i}") for i, label in enumerate(q.options)]
            head = summary_line(report)
            text = self.say("file_question", summary=head, question=q.question)
            return out.extend(ctx.reply(text, in_rows(buttons, 2) + keyboard(
                [Button(self.say("cancel_button"), f"f|{flow.nonce}|x")])))
        self.store.clear_flow(ctx.chat, ctx.event.user_id)
        text = report_text(report)
        deadline = report.countersign_deadline
        buttons = ()
        if deadline is not None and deadline.due_date is not None:
            data = f"dl|{deadline.due_date.isoformat()}"
            number = report.doc.number or ""
            if number and len(f"{data}|{number}".encode()) <= CALLBACK_DATA_LIMIT and parse_press(f"{data}|{number}"):
                data += f"|{number}"  # the reminders then name the document
            buttons = keyboard([Button(self.say("joint_button"), data)])
        out.extend(ctx.reply(text, buttons))
        if report.routing is not None or report.facts.countersign is not None:
            form = self.service.form(report)
            out.messages.append(Message(ctx.chat, self.say("file_form_caption"),
                                        document=(self.service.form_filename(report), form.to_docx())))
        return out

    # -- a button under a question -------------------------------------------------------------
    def press(self, ctx: Context, flow: FlowState, choice: str) -> Outcome:
        source = Source.from_dict(flow.data["source"])
        answers = dict(flow.data.get("answers") or {})
        report = self.service.again(source, answers, asker=ctx.person)
        question = next((q for q in report.questions if q.slot == flow.step), None)
        index = parse_choice(choice, len(question.options)) if question else None
        if question is None or index is None:
            return Outcome.popup(self.say("stale_button"))
        report = self.service.answer(source, answers, question, index, asker=ctx.person)
        out = ctx.edit(f"{question.question}\n→ {question.options[index]}")
        return self._next(ctx, report, out)
