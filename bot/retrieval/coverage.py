"""How well does a text answer the question? Coverage decides "not covered" and reranks.

The question's content words (jieba words that are not stopwords) are weighed by how
rare they are across the articles (idf); a real word the regulation never uses weighs
the most. A word is matched when it, or one of its synonyms, occurs in the text.

- `assess`: the question is covered when the best article contains `min_matched_share`
  of the question's weight and at least `min_matched_weight` of it: "副县长的工资多少"
  matches 副县长 but not 工资 and is refused; "常务会多久开一次" is answered.
- `rerank`: among the first hits, an article with one sentence that covers much of the
  question (the words close together) moves up: "常务会由谁组成" prefers "县政府常务会议
  由县长、副县长组成" over an article that only names the meeting.
Thresholds live in config ([retrieval]) and were calibrated on tests/eval.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.config import RetrievalConfig
from bot.retrieval.hybrid import QueryAnalysis, SearchResult
from bot.retrieval.index import KnowledgeIndex
from ingest.thesaurus import cilin

_WORD_RE = re.compile(r"\w")
# "我是乡镇长，…": who is asking is context; it counts when matched, never against.
_CONTEXT_RE = re.compile(r"^\s*我是([^，,。.？?！!\s]{1,16})[，,。.\s]")
SYNONYM_CREDIT = 0.7  # a word matched only through a synonym counts for less
# jieba invents words for unknown character runs ("要批", "谁代"); a word that is neither
# in the regulation nor in jieba's dictionary (frequency below this) is colloquial filler.
MIN_DICTIONARY_FREQ = 10
WEAK_WEIGHT = 1.0


@dataclass
class QuestionWords:
    """The question's words with their weights and synonyms, computed once per question."""
    words: list[str]
    weights: dict[str, float]
    synonyms: dict[str, list[str]]
    context: set[str]
    text: str = ""  # the normalized question, for what kind of fact it asks (bot/answer.py)


@dataclass
class Match:
    share: float                # matched weight / total weight
    weight: float               # matched weight
    matched: list[str]
    unmatched: list[str]


@dataclass
class Coverage:
    covered: bool
    matched: list[str]
    unmatched: list[str]
    share: float
    weight: float
    reason: str
    probability: float | None = None  # the calibrated model's, when one decided


def content_words(index: KnowledgeIndex, text: str) -> list[str]:
    """The question's meaningful words. A word that is neither in the regulation nor in
    the dictionary is replaced by the known words inside it ("由谁组成" → 组成)."""
    lex = index.lexicon
    words: list[str] = []
    for w in lex.words(text):
        w = w.strip().lower()
        if not w or w in lex.stopwords or not _WORD_RE.search(w):
            continue
        if len(w) < 2 and not w.isdigit():
            continue
        if not index.in_vocabulary(w) and len(w) > 2 and not _dictionary_word(index, w):
            parts = [p for p in lex.terms(w) if p != w and index.in_vocabulary(p)]
            if parts:
                words.extend(p for p in parts if p not in words)
                continue
        if w not in words:
            words.append(w)
    return words


def question_words(index: KnowledgeIndex, query: QueryAnalysis) -> QuestionWords:
    text = query.text
    synonyms = _synonyms_by_word(index, text)
    words = content_words(index, text)
    general = cilin()
    for w in words:  # general synonymy (词林) the texts themselves use: 处理 ~ 处置
        extra = [s for s in general.get(w, ()) if index.in_vocabulary(s)]
        if extra:
            synonyms.setdefault(w, []).extend(sorted(extra))
    # Synonym-table phrases the question uses ("几种会", "带几个人") carry meaning even
    # when jieba splits them into stopwords; judge them as words of their own.
    for phrase in list(synonyms):
        inside = [w for w in words if w in phrase and w != phrase]
        for w in inside:  # "参加" in "都谁参加" shares its synonyms (组成)
            synonyms.setdefault(w, []).extend(synonyms[phrase])
        if not inside and not any(phrase in w for w in words):
            words.append(phrase)
    m = _CONTEXT_RE.match(text)
    context = set(content_words(index, m.group(1))) if m else set()
    weights = {w: _weight(index, w, synonyms.get(w, ())) for w in words}
    return QuestionWords(words, weights, synonyms, context, text)


def match(index: KnowledgeIndex, qw: QuestionWords, text: str) -> Match:
    body = unicodedata.normalize("NFKC", text).lower()
    body_terms = set(index.lexicon.terms(body))
    total = matched_weight = 0.0
    matched, unmatched = [], []
    for word in qw.words:
        weight = qw.weights[word]
        if word in body:
            credit = weight
        elif any(_phrase_in(index, s, body, body_terms) for s in qw.synonyms.get(word, ())):
            credit = SYNONYM_CREDIT * weight
        else:
            credit = 0.0
        if credit:
            matched.append(word)
        elif word in qw.context:
            continue
        else:
            unmatched.append(word)
        total += weight
        matched_weight += credit
    share = matched_weight / total if total else 0.0
    return Match(round(share, 3), round(matched_weight, 2), matched, unmatched)


def assess(index: KnowledgeIndex, result: SearchResult, cfg: RetrievalConfig,
           qw: QuestionWords | None = None) -> Coverage:
    if not result.hits:
        return Coverage(False, [], [], 0.0, 0.0, "no match")
    top = result.hits[0]
    art = index.article(top.doc_id, top.article_no)
    qw = qw or question_words(index, result.query)
    m = match(index, qw, art.text if art else "")
    covered = m.share >= cfg.min_matched_share and m.weight >= cfg.min_matched_weight
    reason = f"matched {m.matched} of {m.matched + m.unmatched}: share {m.share:.2f}, weight {m.weight:.1f}"
    return Coverage(covered, m.matched, m.unmatched, m.share, m.weight, reason)


def rerank(index: KnowledgeIndex, result: SearchResult, cfg: RetrievalConfig,
           qw: QuestionWords | None = None) -> SearchResult:
    """Add sentence_weight × (best single-sentence share) to the first rerank_depth hits."""
    if cfg.sentence_weight <= 0 or len(result.hits) < 2:
        return result
    qw = qw or question_words(index, result.query)
    head = result.hits[: cfg.rerank_depth]
    for hit in head:
        sentences = index.sentences(hit.doc_id, hit.article_no)
        best = max((match(index, qw, s).share for s in sentences), default=0.0)
        hit.score += cfg.sentence_weight * best
    head.sort(key=lambda h: (-h.score, -h.bm25, h.article_no))
    result.hits[: len(head)] = head
    return result


def _dictionary_word(index: KnowledgeIndex, word: str) -> bool:
    return index.lexicon.tokenizer.FREQ.get(word, 0) >= MIN_DICTIONARY_FREQ


def _weight(index: KnowledgeIndex, word: str, synonyms=()) -> float:
    if index.in_vocabulary(word):
        return index.idf(word)
    known = [index.idf(s) for s in synonyms if index.in_vocabulary(s)]
    if known:
        return max(known)  # an unknown phrase weighs what the regulation's own word weighs
    if word.isascii() or not _dictionary_word(index, word):
        return WEAK_WEIGHT
    return index.unseen_idf  # a real word the regulation never uses: strong evidence against


def _synonyms_by_word(index: KnowledgeIndex, text: str) -> dict[str, list[str]]:
    """Question term → its synonyms, for every synonym group the question touches."""
    out: dict[str, list[str]] = {}
    present = index.lexicon.present_terms(text)
    for group in index.lexicon.groups:
        for term in group:
            if term in present:
                out.setdefault(term, []).extend(t for t in group if t not in text)
    return out


def _phrase_in(index: KnowledgeIndex, phrase: str, body: str, body_terms: set[str]) -> bool:
    """A synonym phrase occurs verbatim, or all of its words occur (乡镇政府主要负责人 in
    "各乡镇政府(管委会、办事处)主要负责人")."""
    if phrase in body:
        return True
    words = [w for w in index.lexicon.terms(phrase) if w != phrase]
    return bool(words) and all(w in body_terms for w in words)
