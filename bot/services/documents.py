"""The "route a document someone sent" use case, shared by the chat (Telegram and the
terminal) and `python -m bot route-file`: read the file, extract the 公文's elements,
check them, route them through the signing rules, and fill the 发文稿纸.

It writes nothing: the file is read in memory and dropped; what the chat keeps between
questions is the extracted text (`Source`), in its flow state."""
from __future__ import annotations

from bot.documents.analyze import DocumentKit, DocumentReport, Source, analyze_lines, analyze_upload
from bot.documents.facts import Question
from bot.documents.form import FilledForm, fill_form, form_filename, form_values


class DocumentService:
    def __init__(self, kit: DocumentKit, frontdesk, index):
        self.kit = kit
        self.frontdesk = frontdesk
        self.index = index

    @classmethod
    def from_config(cls, cfg, frontdesk, index) -> "DocumentService":
        return cls(DocumentKit.from_config(cfg, frontdesk.roster), frontdesk, index)

    def read(self, data: bytes, filename: str, *, answers: dict | None = None, asker=None) -> DocumentReport:
        """Raises IntakeError (a Chinese message) when the file cannot be read. `asker`:
        the roster Person who sent it."""
        return analyze_upload(data, filename, self.kit, self.frontdesk, self.index, asker=asker,
                              answers=answers)

    def again(self, source: Source, answers: dict | None, *, asker=None) -> DocumentReport:
        return analyze_lines(source, self.kit, self.frontdesk, self.index, answers=answers, asker=asker)

    def answer(self, source: Source, answers: dict, question: Question, option: int, *,
               asker=None) -> DocumentReport:
        """The report after the user picked `option` of `question`."""
        return self.again(source, {**answers, question.slot: question.values[option]}, asker=asker)

    def form(self, report: DocumentReport) -> FilledForm:
        return fill_form(self.kit.template, form_values(report, self.kit.template))

    @staticmethod
    def form_filename(report: DocumentReport) -> str:
        return form_filename(report)

    @property
    def ocr_available(self) -> bool:
        return self.kit.ocr.available()
