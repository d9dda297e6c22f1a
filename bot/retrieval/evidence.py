"""Answer or refuse, on retrieval evidence that does not depend on one document's wording.

Word overlap alone refuses paraphrases ("领导给企业题个字行不行") and accepts incidental
matches (the county's name). The decision combines several signals about the best hit:

- `share`, `weight`: how much of the question's idf-weighted words (with synonyms from
  the county list and 词林) the article contains, and the best single sentence's share;
- `dense`, `dense_z`: the embedding similarity, raw and relative to the other candidates;
- `agree`: whether BM25 and the dense ranking put the same article near the top;
- `margin`: how far the best article leads the second;
- `unmatched`: the heaviest question word the article lacks (工资 in "副县长工资多少");
- `absent`: the share of the question's weight that the whole document never uses, nor
  any synonym of it: a document that never says 劳务费 does not answer how much it is;
- `states`: whether the article states the kind of fact asked (1), does not (0), or the
  question asks for no particular kind (0.5) (knowledge/question_types.toml).

A logistic model over these (knowledge/coverage_model.toml) gives the probability that the
best article answers the question; the question is covered above `threshold`. Weights and
threshold are fitted by `python -m bot calibrate` on question sets of several documents,
and reported leave-one-document-out (bot/calibration.py).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.question_types import states_what_is_asked
from bot.retrieval.coverage import QuestionWords, match
from bot.retrieval.hybrid import SearchResult
from bot.retrieval.index import KnowledgeIndex

FEATURES = ("share", "weight", "sentence", "dense", "dense_z", "agree", "margin", "unmatched",
            "absent", "states")


class CoverageModelError(Exception):
    """knowledge/coverage_model.toml is missing a weight or malformed."""


@dataclass
class CoverageModel:
    weights: dict[str, float]
    bias: float
    mean: dict[str, float]
    scale: dict[str, float]
    threshold: float = 0.5

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights[f] * (features[f] - self.mean[f]) / self.scale[f]
                            for f in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path) -> "CoverageModel":
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            return cls(weights={f: float(raw["weights"][f]) for f in FEATURES},
                       bias=float(raw["bias"]),
                       mean={f: float(raw["mean"][f]) for f in FEATURES},
                       scale={f: float(raw["scale"][f]) or 1.0 for f in FEATURES},
                       threshold=float(raw.get("threshold", 0.5)))
        except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
            raise CoverageModelError(f"{path}: {exc}") from exc

    def to_toml(self, note: str = "") -> str:
        lines = [f"# {line}" for line in note.splitlines()] + [
            f"bias = {self.bias:.6f}", f"threshold = {self.threshold:.4f}", "", "[weights]"]
        lines += [f"{f} = {self.weights[f]:.6f}" for f in FEATURES]
        lines += ["", "[mean]"] + [f"{f} = {self.mean[f]:.6f}" for f in FEATURES]
        lines += ["", "[scale]"] + [f"{f} = {self.scale[f]:.6f}" for f in FEATURES]
        return "\n".join(lines) + "\n"


# A title word found in fewer than this share of the document's articles names its place
# or issuer (西平县), not its subject (督查 is in nearly every article of 督查条例).
SUBJECT_SHARE = 0.2


def without_title_words(index: KnowledgeIndex, qw: QuestionWords, doc_id: str) -> QuestionWords:
    """The question's words minus the document's incidental title words: 西平县 names the
    county's rules, it must not make "西平县有多少个乡镇" covered by article 67."""
    title = index.title_keys.get(doc_id, "")
    doc = index.documents.get(doc_id)
    if not title or doc is None or not doc.articles:
        return qw

    def incidental(word: str) -> bool:
        if word not in title:
            return False
        having = sum(1 for a in doc.articles if word in a.text)
        return having < SUBJECT_SHARE * len(doc.articles)

    keep = [w for w in qw.words if not incidental(w)]
    if not keep or len(keep) == len(qw.words):
        return qw
    return QuestionWords(keep, {w: qw.weights[w] for w in keep}, qw.synonyms, qw.context, qw.text)


def features(index: KnowledgeIndex, result: SearchResult, qw: QuestionWords,
             types=()) -> dict[str, float]:
    hits = result.hits
    if not hits:
        return {f: 0.0 for f in FEATURES}
    top = hits[0]
    art = index.article(top.doc_id, top.article_no)
    qw = without_title_words(index, qw, top.doc_id)
    m = match(index, qw, art.text if art else "")
    sentence = max((match(index, qw, s).share for s in index.sentences(top.doc_id, top.article_no)),
                   default=0.0)
    dense = [h.dense for h in hits if h.dense > 0]
    mean = sum(dense) / len(dense) if dense else 0.0
    std = math.sqrt(sum((d - mean) ** 2 for d in dense) / len(dense)) if dense else 0.0
    by_bm25 = sorted(hits, key=lambda h: -h.bm25)
    by_dense = sorted(hits, key=lambda h: -h.dense)
    rank_b = next(i for i, h in enumerate(by_bm25) if h is top)
    rank_d = next(i for i, h in enumerate(by_dense) if h is top)
    total = sum(qw.weights.values()) or 1.0
    unmatched = max((qw.weights[w] for w in m.unmatched), default=0.0)
    whole = match(index, qw, index.document_text(top.doc_id))
    absent = sum(qw.weights[w] for w in whole.unmatched)
    return {
        "share": m.share,
        "weight": min(m.weight, 20.0),
        "sentence": sentence,
        "dense": top.dense,
        "dense_z": max(-5.0, min(5.0, (top.dense - mean) / std)) if std > 0 else 0.0,
        "agree": 1.0 / (1 + rank_b) + 1.0 / (1 + rank_d),
        "margin": top.score - hits[1].score if len(hits) > 1 else top.score,
        "unmatched": unmatched / total,
        "absent": absent / total,
        "states": {None: 0.5, True: 1.0, False: 0.0}[
            states_what_is_asked(types, qw.text, art.text if art else "")],
    }
