"""Does the regulation cover the question? A calibrated, explainable decision.

The question's content words (jieba words that are not stopwords) are weighed by how
rare they are across the articles (idf); a word the regulation never uses weighs the
most. A word is matched when it, or one of its synonyms, occurs in the best article.
The question is covered when the matched share of its weight reaches
`min_matched_share` and the matched weight reaches `min_matched_weight`:
"副县长的工资多少" matches 副县长 but not 工资 and is refused; "常务会多久开一次"
matches everything that carries meaning. Thresholds live in config ([retrieval]) and
were calibrated on tests/eval.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.config import RetrievalConfig
from bot.retrieval.hybrid import SearchResult
from bot.retrieval.index import KnowledgeIndex

_WORD_RE = re.compile(r"\w")
# "我是乡镇长，…": who is asking is context; it counts when matched, never against.
_CONTEXT_RE = re.compile(r"^\s*我是([^，,。.？?！!\s]{1,16})[，,。.\s]")
SYNONYM_CREDIT = 0.7  # a word matched only through a synonym counts for less
# jieba invents words for unknown character runs ("要批", "谁代"); a word that is neither
# in the regulation nor in jieba's dictionary (frequency below this) is colloquial filler.
MIN_DICTIONARY_FREQ = 10
WEAK_WEIGHT = 1.0


@dataclass
class Coverage:
    covered: bool
    matched: list[str]          # the question's words found in the best article
    unmatched: list[str]
    share: float                # matched weight / total weight
    weight: float               # matched weight
    reason: str


def content_words(index: KnowledgeIndex, text: str) -> list[str]:
    lex = index.lexicon
    words = []
    for w in lex.words(text):
        w = w.strip().lower()
        if not w or w in lex.stopwords or not _WORD_RE.search(w):
            continue
        if len(w) < 2 and not w.isdigit():
            continue
        if w not in words:
            words.append(w)
    return words


def assess(index: KnowledgeIndex, result: SearchResult, cfg: RetrievalConfig) -> Coverage:
    if not result.hits:
        return Coverage(False, [], [], 0.0, 0.0, "no match")
    top = result.hits[0]
    art = index.article(top.doc_id, top.article_no)
    body = unicodedata.normalize("NFKC", art.text).lower() if art else ""
    body_terms = set(index.lexicon.terms(body))
    total = matched_weight = 0.0
    matched, unmatched = [], []
    text = result.query.text
    synonyms = _synonyms_by_word(index, text)
    m = _CONTEXT_RE.match(text)
    context = set(content_words(index, m.group(1))) if m else set()
    for word in content_words(index, text):
        weight = _weight(index, word)
        if word in body:
            credit = weight
        elif any(_phrase_in(index, s, body, body_terms) for s in synonyms.get(word, ())):
            credit = SYNONYM_CREDIT * weight
        else:
            credit = 0.0
        if credit:
            matched.append(word)
        elif word in context:
            continue
        else:
            unmatched.append(word)
        total += weight
        matched_weight += credit
    share = matched_weight / total if total else 0.0
    covered = share >= cfg.min_matched_share and matched_weight >= cfg.min_matched_weight
    reason = (f"matched {matched} of {matched + unmatched}: share {share:.2f}, weight {matched_weight:.1f}")
    return Coverage(covered, matched, unmatched, round(share, 3), round(matched_weight, 2), reason)


def _weight(index: KnowledgeIndex, word: str) -> float:
    if index.in_vocabulary(word):
        return index.idf(word)
    if word.isascii() or index.lexicon.tokenizer.FREQ.get(word, 0) < MIN_DICTIONARY_FREQ:
        return WEAK_WEIGHT
    return index.unseen_idf  # a real word the regulation never uses: strong evidence against


def _synonyms_by_word(index: KnowledgeIndex, text: str) -> dict[str, list[str]]:
    """word of the question → synonyms, for every group term the question contains."""
    out: dict[str, list[str]] = {}
    for group in index.lexicon.groups:
        present = [t for t in group if t in text]
        if not present:
            continue
        for word in content_words(index, text):
            if word in present:
                out.setdefault(word, []).extend(t for t in group if t not in present)
    return out


def _phrase_in(index: KnowledgeIndex, phrase: str, body: str, body_terms: set[str]) -> bool:
    """A synonym phrase occurs verbatim, or all of its words occur (乡镇政府主要负责人 in
    "各乡镇政府(管委会、办事处)主要负责人")."""
    if phrase in body:
        return True
    words = [w for w in index.lexicon.terms(phrase) if w != phrase]
    return bool(words) and all(w in body_terms for w in words)
