"""Grounded offline answers: a short lead picked from the article, the article verbatim,
and its citation. Nothing here invents text: every sentence shown comes from the article."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.question_types import asked
from bot.values import condition_fit, question_values
from bot.replies import Replies
from bot.retrieval.coverage import QuestionWords, match
from bot.retrieval.index import KnowledgeIndex
from ingest.model import NOTICE, Article, RegDocument, split_sentences

# A lead sentence longer than this is cut to the clauses that matter.
LONG_SENTENCE = 90
# A second lead sentence must cover this fraction of what the best one covers.
RUNNER_UP_SHARE = 0.8
# A sentence that states the kind of fact asked (a duration for 几天, a penalty for 咋处理)
# counts this much more than its word overlap alone.
STATES_ASKED_BONUS = 0.5
# A sentence whose condition ranges over the question's value (满十年 for "8年") counts up
# to this much more (a little less when the value does not meet it: bot/values.py).
CONDITION_BONUS = 0.6
# Item lines shown after a lead sentence that introduces them ("包括下列内容：").
MAX_LEAD_ITEMS = 8
_ITEM_LINE_RE = re.compile(r"^\s*[(（][一二三四五六七八九十\d]+[)）]")

_CLAUSE_RE = re.compile(r"[^,，]+[,，]?")
_LABEL_RE = re.compile(r"^\s*(第[^条]{1,8}条|[零〇一二三四五六七八九十百千]+[、.．])\s*")


@dataclass
class Citation:
    doc_id: str
    doc_title: str
    article: int
    chapter: str
    quote: str
    label: str
    paragraph: int | None = None

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "doc_title": self.doc_title, "article": self.article,
                "chapter": self.chapter, "quote": self.quote}

    def text(self, replies: Replies) -> str:
        chapter = replies("citation_chapter", chapter=self.chapter) if self.chapter else ""
        return replies("citation", doc_title=self.doc_title, label=self.label, chapter=chapter)


@dataclass
class Answer:
    intent: str                  # qa | article | greeting | empty | too_long | unreadable | error
    answer: str
    covered: bool
    citations: list[Citation] = field(default_factory=list)
    ranked: list[dict] = field(default_factory=list)
    path: str = "offline"        # which engine produced it
    # A procedure question missing a slot: the question and its fixed options
    # (bot.procedures.understand.Clarification); chat channels show them as buttons.
    clarify: object | None = None
    # Dated deadlines of a routed document (bot.procedures.routing.Deadline), e.g. the
    # 3-working-day 会签 reply: chat channels offer to remind.
    deadlines: list = field(default_factory=list)
    # A covered procedure answer that one more fact would make exact (the 分管 area):
    # chat channels offer the options under the answer.
    refine: object | None = None
    # Drafts the language model prepared (a leave request, a reminder): shown with a
    # confirm button, never carried out by the model.
    drafts: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"intent": self.intent, "answer": self.answer, "covered": self.covered,
                "citations": [c.to_dict() for c in self.citations], "ranked": self.ranked,
                "path": self.path}


def pick_lead(index: KnowledgeIndex, text: str, qw: QuestionWords | None, limit: int,
              types=(), replies: Replies | None = None) -> str:
    """Up to `limit` sentences of `text` that best cover the question, in document order;
    a sentence stating the kind of fact asked (`types`, bot/question_types.py) ranks higher.
    A very long sentence is cut to its opening clause and its best clause, joined by "……";
    a sentence ending in "：" brings the items it introduces. Every character shown is
    still the article's own."""
    candidates = split_sentences(text)
    if not candidates:
        return text
    wanted = asked(types, qw.text) if qw is not None and qw.text else []
    values = question_values(qw.text) if qw is not None and qw.text else []
    if values:
        qw = _without_numbers(qw)  # "3次" must not favour a sentence because it says 3
    shares = [_sentence_score(index, qw, s, wanted, values) if qw else 0.0 for s in candidates]
    top = max(shares)
    if top <= 0:
        chosen = [0]
    else:
        order = sorted(range(len(candidates)), key=lambda i: (-shares[i], i))
        # The best sentence, plus runners-up that cover nearly as much.
        chosen = [i for i in order[:limit] if shares[i] >= top * RUNNER_UP_SHARE]
    parts = []
    shown = set()
    if values and replies is not None and any(condition_fit(values, candidates[i]) > 0 for i in chosen):
        parts.append(replies("value_note", values="、".join(f"“{v.text}”" for v in values)))
    for i in sorted(chosen):
        if i in shown:
            continue
        sentence = _LABEL_RE.sub("", candidates[i]) if i == 0 else candidates[i]
        parts.append(_narrow(index, sentence, qw, wanted, values) if len(sentence) > LONG_SENTENCE
                     else sentence)
        shown.add(i)
        if sentence.rstrip().endswith(("：", ":")):
            items = []
            for j in range(i + 1, len(candidates)):
                if not _ITEM_LINE_RE.match(candidates[j]) or len(items) >= MAX_LEAD_ITEMS:
                    break
                items.append(candidates[j])
                shown.add(j)
            if items:
                parts.append("\n" + "\n".join(items))
    return "".join(parts)


def _sentence_score(index: KnowledgeIndex, qw: QuestionWords, sentence: str, wanted,
                    values=()) -> float:
    share = match(index, qw, sentence).share
    if wanted and share > 0 and any(t.states.search(sentence) for t in wanted):
        share += STATES_ASKED_BONUS
    if values:  # in the article already chosen, a condition on the asked unit is the point
        share += CONDITION_BONUS * condition_fit(values, sentence)
    return share


def _without_numbers(qw: QuestionWords) -> QuestionWords:
    keep = [w for w in qw.words if not re.fullmatch(r"[\d.]+|[零〇一二两三四五六七八九十百千万]+", w)]
    if not keep:
        return qw
    return QuestionWords(keep, {w: qw.weights[w] for w in keep}, qw.synonyms, qw.context, qw.text)


def _narrow(index: KnowledgeIndex, sentence: str, qw, wanted=(), values=()) -> str:
    clauses = [c for c in _CLAUSE_RE.findall(sentence) if c.strip()]
    if len(clauses) < 3 or qw is None:
        return sentence
    shares = [match(index, qw, c).share
              + (STATES_ASKED_BONUS if any(t.states.search(c) for t in wanted) else 0.0)
              + CONDITION_BONUS * condition_fit(values, c)
              for c in clauses]
    best = max(range(len(clauses)), key=lambda i: (shares[i], -i))
    if shares[best] <= 0 or best == 0:
        return sentence
    first = clauses[0].rstrip(",，")
    tail = "" if best == len(clauses) - 1 else "……"
    return f"{first}……{clauses[best].rstrip(',，')}{tail}"


def citation_for(doc: RegDocument, art: Article, paragraph: int | None = None) -> Citation:
    label = art.label
    quote = art.text
    if paragraph is not None and 1 <= paragraph <= len(art.paragraphs):
        from ingest.numerals import to_numeral

        label = f"{label}第{to_numeral(paragraph)}款"
        quote = art.paragraphs[paragraph - 1]
    return Citation(doc_id=doc.doc_id, doc_title=doc.title, article=art.no,
                    chapter=art.chapter_heading if art.kind != NOTICE else "",
                    quote=quote, label=label, paragraph=paragraph)


def compose(index: KnowledgeIndex, citation: Citation, words: QuestionWords | None,
            lead_limit: int, replies: Replies, note: str = "", types=()) -> str:
    lead = pick_lead(index, citation.quote, words, lead_limit, types, replies)
    body = replies("answer", lead=lead, label=citation.label, quote=citation.quote,
                   citation=citation.text(replies))
    return f"{note}\n{body}" if note else body
