"""The question-answering engine: one path for ask, chat and eval.

Order: input checks, greetings, direct article lookups, then signing and leave questions
(the deterministic rule tools, when a front desk is configured), then the regulation.
"""
from __future__ import annotations

import re
import unicodedata

from bot.answer import Answer, citation_for, compose
from bot.config import Config
from bot.question_types import load_question_types
from bot.replies import load_replies
from bot.retrieval.coverage import question_words
from bot.retrieval.docnames import named_document
from bot.retrieval.hybrid import analyze
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.lookup import ArticleRef, find_reference
from bot.retrieval.retrieve import retrieve
from bot.several_documents import nearest_article, second_document, version_note
from ingest.model import ARTICLE, RegDocument
from ingest.numerals import to_numeral

_READABLE_RE = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_ABSENT_RE = re.compile(r"不在|出差|外出|休假|请假|离县|出国|不能到")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{3,}")


def _bare(text: str) -> str:
    """The message without punctuation, emoji and trailing particles, lower-cased: what
    greetings and small talk are compared with."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(ch for ch in t if ch.isalnum() or ch.isspace()).strip()
    return re.sub(r"(啊|呀|哈|哦|呢|吧|啦)+$", "", t).strip()


class Engine:
    def __init__(self, cfg: Config, index: KnowledgeIndex, frontdesk=None):
        self.cfg = cfg
        self.index = index
        self.frontdesk = frontdesk  # signing and leave questions, when configured
        self.reply = load_replies(cfg.prompts.dir)
        # The answer-or-refuse model; None: the one cfg names (leave-one-document-out
        # evaluation sets a held-out one here).
        self.coverage_model = None
        self.question_types = load_question_types(cfg.knowledge.question_types)

    # -- entry point -------------------------------------------------------------------
    def answer(self, question: str | None, given: dict | None = None,
               clarify_first: bool = False) -> Answer:
        """The answer to one message. `given`: slots already chosen with buttons and the
        asker's roster name (see bot.procedures.understand). `clarify_first`: a chat with
        buttons asks for a missing slot even when the regulation's text could answer."""
        text = (question or "").strip()
        limit = self.cfg.answer.max_question_chars
        if not text:
            return Answer("empty", self.reply("empty"), False)
        if len(text) > limit:
            return Answer("too_long", self.reply("too_long", length=len(text), limit=limit), False)
        if not _READABLE_RE.search(unicodedata.normalize("NFKC", text)):
            return Answer("unreadable", self.reply("unreadable"), False)
        if self._is_greeting(text):
            return Answer("greeting", self.reply("greeting", doc_title=self._primary_doc().title), False)
        chat = self.reply.small_talk(_bare(text))
        if chat is not None:
            return Answer("small_talk", chat, False)
        if not _CJK_RE.search(text) and _LATIN_WORD_RE.search(text):
            # No Chinese: answered when the loaded documents cover it (a regulation may be
            # in English), else a request to ask in Chinese rather than a refusal.
            answer = self.qa_answer(text)
            return answer if answer.covered else Answer("not_chinese", self.reply("ask_in_chinese"), False)
        ref = find_reference(text)
        if ref is not None:
            return self.article_answer(ref, question=text)
        procedure = self.frontdesk.answer(text, self.index, given) if self.frontdesk else None
        if procedure is None:
            return self._with_partner(text, self.qa_answer(text))
        answer = self.qa_answer(text)
        before = answer.answer
        answer = self._with_partner(text, answer)
        if answer.answer != before:
            return answer  # the absent deputy's 互补 partner: the fact asked for, no question
        if self._about_another_document(answer, text):
            # "部门规章由谁签署公布" lands on 规章制定程序条例, "行政复议决定书要谁签" names
            # 行政复议: the county's approval chains are not what was asked.
            return answer
        if procedure.covered or (clarify_first and procedure.clarify is not None):
            return procedure
        if not answer.covered:
            return procedure  # the clarifying question (or the tools' own refusal)
        # The regulation answers the general question; say how to get the exact chain.
        answer.answer += "\n\n" + self.reply("procedure_hint")
        return answer

    def _with_partner(self, text: str, answer: Answer) -> Answer:
        """"示例·副县长甲出差了，紧急公文谁签": the cited article sets up 互补 and the question
        names an absent deputy — the roster's partner is named first."""
        if not answer.covered or self.frontdesk is None or not _ABSENT_RE.search(text):
            return answer
        cited = [c for c in answer.citations if "互补" in (c.quote or "")]
        person = next((p for p in self.frontdesk.roster.people if p.is_deputy and p.name in text), None)
        if not cited or person is None or not person.partner:
            return answer
        answer.answer = self.reply("partner_acts", absent=person.name, partner=person.partner,
                                   label=cited[0].label) + "\n\n" + answer.answer
        return answer

    # -- free questions ----------------------------------------------------------------
    def qa_answer(self, text: str, doc_id: str | None = None) -> Answer:
        found = retrieve(self.index, text, self.cfg.retrieval, doc_id=doc_id,
                         model=self.coverage_model, types=self.question_types)
        result = found.result
        ranked = self._ranked(result.hits)
        if not found.covered:
            return Answer("qa", self._not_covered(found), False, ranked=ranked)
        top = result.hits[0]
        doc = self.index.documents[top.doc_id]
        art = doc.article(top.article_no)
        citation = citation_for(doc, art)
        body = compose(self.index, citation, found.words, self.cfg.answer.lead_sentences,
                       self.reply, types=self.question_types)
        body += version_note(self.index, self.reply, doc)
        citations = [citation]
        other = second_document(self.index, self.cfg.retrieval, self.question_types, found)
        if other is not None:
            second = citation_for(self.index.documents[other.doc_id],
                                  self.index.article(other.doc_id, other.article_no))
            body += "\n\n" + self.reply("also_answered_by") + "\n" + compose(
                self.index, second, found.words, self.cfg.answer.lead_sentences, self.reply,
                types=self.question_types)
            citations.append(second)
        return Answer("qa", body, True, citations=citations, ranked=ranked)

    # -- direct article lookup ---------------------------------------------------------
    def article_answer(self, ref: ArticleRef, question: str = "", doc_id: str | None = None) -> Answer:
        doc = self._doc_for(ref, doc_id, question)
        art = doc.article(ref.article)
        ranked = [{"doc_id": doc.doc_id, "doc_title": doc.title, "article": ref.article, "score": 1.0}]
        if art is None:
            numbers = [a.no for a in doc.articles if a.kind == ARTICLE]
            text = self.reply("no_such_article", doc_title=doc.title,
                         label=f"第{to_numeral(ref.article)}条" if ref.article <= 9999 else f"第{ref.article}条",
                         count=len(numbers),
                         first=f"第{to_numeral(min(numbers))}条" if numbers else "—",
                         last=f"第{to_numeral(max(numbers))}条" if numbers else "—",
                         example=to_numeral(min(numbers)) if numbers else "一")
            return Answer("article", text, False, ranked=[])
        note = ""
        paragraph = ref.paragraph
        if paragraph is not None and not 1 <= paragraph <= len(art.paragraphs):
            note = self.reply("no_such_paragraph", label=art.label, count=len(art.paragraphs))
            paragraph = None
        citation = citation_for(doc, art, paragraph)
        # The rest of the question ("第五十条说的啥") carries no words to match; lead = first sentences.
        words = question_words(self.index, analyze(self.index, question)) if question else None
        body = compose(self.index, citation, words, self.cfg.answer.lead_sentences, self.reply,
                       note=note, types=self.question_types)
        return Answer("article", body + version_note(self.index, self.reply, doc), True,
                      citations=[citation], ranked=ranked)

    # -- helpers -----------------------------------------------------------------------
    def _about_another_document(self, answer: Answer, text: str) -> bool:
        """Retrieval lands on a document other than the rules' own, and either answers
        from it or the question names that document's subject (a word of its title)."""
        if not answer.ranked:
            return False
        top = answer.ranked[0]["doc_id"]
        if top == self._rules_doc_id():
            return False
        if answer.covered:
            return True
        title = self.index.title_keys.get(top, "")
        terms = self.index.lexicon.terms(self.index.lexicon.normalize(text))
        return any(len(t) >= 2 and t in title for t in terms)

    def _rules_doc_id(self) -> str:
        """The document the signing and leave rules cite (bot/procedures/frontdesk.py)."""
        return self.index.default_doc_id

    def _primary_doc(self) -> RegDocument:
        return self.index.documents[self.index.default_doc_id]

    def _doc_for(self, ref: ArticleRef, doc_id: str | None, question: str) -> RegDocument:
        """The document a reference means: the one given, the one the question names
        ("督查条例第十条"), else the first document (in force) that has the article."""
        docs = self.index.documents
        if doc_id:
            if doc_id not in docs:
                raise KeyError(doc_id)
            return docs[doc_id]
        named = named_document(self.index, unicodedata.normalize("NFKC", question)[: ref.start])
        if named:
            return docs[named]
        having = [d for d in docs.values() if d.article(ref.article) is not None]
        having.sort(key=lambda d: d.doc_id in self.index.superseded)
        return having[0] if having else self._primary_doc()

    def _ranked(self, hits) -> list[dict]:
        out = []
        for h in hits[: self.cfg.retrieval.top_k]:
            doc = self.index.documents[h.doc_id]
            out.append({"doc_id": h.doc_id, "doc_title": doc.title, "article": h.article_no,
                        "score": round(h.score, 6)})
        return out

    def _not_covered(self, found=None) -> str:
        docs = list(self.index.documents.values())
        if len(docs) == 1:
            scope = self.reply("scope_one", doc_title=docs[0].title)
        else:
            scope = self.reply("scope_many")
        text = self.reply("not_covered", scope=scope, office=self.cfg.answer.office)
        nearby = nearest_article(self.index, self.reply, found) if found is not None else ""
        return f"{text}\n{nearby}" if nearby else text

    def _is_greeting(self, text: str) -> bool:
        return _bare(text) in self.reply.greetings
