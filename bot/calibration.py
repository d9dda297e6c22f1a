"""Fit the answer-or-refuse model on question sets of several documents, and say how well
it predicts a document it has never seen (leave-one-document-out).

Training rows: every question of the sets, retrieved as the engine retrieves it. A covered
question whose best hit is the expected article is a positive; an out-of-scope question
is a negative; a covered question whose best hit is wrong is left out (refusing it is not
what the model should learn, answering it is not right either). Features are
standardised; the model is an L2-regularised logistic regression; the threshold is the
one that maximises, on the training rows, correct answers minus FALSE_ANSWER_COST times
out-of-scope questions answered: a wrong answer is worse than a refusal.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from bot.evaluation import EvalItem
from bot.retrieval.evidence import FEATURES, CoverageModel, features
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.lookup import find_reference
from bot.retrieval.retrieve import retrieve

L2 = 1.0
# One out-of-scope question answered costs as much as this many good answers lost.
FALSE_ANSWER_COST = 6.0


@dataclass
class Row:
    group: str            # the document the question is about (its fold)
    x: dict[str, float]
    label: int | None     # 1 answer, 0 refuse, None not used for fitting
    overlap: bool = False  # what the word-overlap rule alone decides


def collect(index: KnowledgeIndex, cfg, items: list[EvalItem], group_of, types=()) -> list[Row]:
    rows = []
    overlap_only = replace(cfg, decision="overlap")  # what the rule alone decides, for comparison
    for item in items:
        if item.covered and find_reference(item.q) is not None:
            continue  # direct article lookups do not go through the decision
        found = retrieve(index, item.q, overlap_only, types=types)
        result = found.result
        x = features(index, result, found.words, types)
        if not item.covered:
            label = 0
        elif result.hits and item.expects(result.hits[0].doc_id, result.hits[0].article_no):
            label = 1
        else:
            label = None
        rows.append(Row(group_of(item), x, label, found.covered))
    return rows


def fit(rows: list[Row]) -> CoverageModel:
    used = [r for r in rows if r.label is not None]
    if not used or len({r.label for r in used}) < 2:
        raise ValueError("calibration needs both answerable and out-of-scope questions")
    x = np.array([[r.x[f] for f in FEATURES] for r in used], dtype=float)
    y = np.array([r.label for r in used], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    # Balance the classes: out-of-scope questions are few but each refusal matters.
    w_pos, w_neg = 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)
    sample = np.where(y == 1, w_pos, w_neg)
    coef, bias = np.zeros(len(FEATURES)), 0.0
    for _ in range(3000):  # gradient descent on a convex loss: converges, deterministic
        p = 1 / (1 + np.exp(-(z @ coef + bias)))
        g = sample * (p - y)
        coef -= 0.5 * (z.T @ g + L2 * coef / len(y))
        bias -= 0.5 * g.sum()
    model = CoverageModel(weights=dict(zip(FEATURES, coef.tolist())), bias=float(bias),
                          mean=dict(zip(FEATURES, mean.tolist())),
                          scale=dict(zip(FEATURES, scale.tolist())))
    model.threshold = best_threshold([(model.probability(r.x), r.label) for r in used])
    return model


def best_threshold(scored: list[tuple[float, int]]) -> float:
    """The cut with the best utility; midway between neighbouring scores, so a score
    equal to a training row's does not sit on the edge."""
    ps = sorted({p for p, _ in scored})
    cuts = [0.5 * (a + b) for a, b in zip(ps, ps[1:])] + [ps[-1] + 1e-6]
    def utility(t):
        return sum(1 if y == 1 else -FALSE_ANSWER_COST for p, y in scored if p >= t)
    return max(cuts, key=lambda t: (utility(t), t))


def leave_one_document_out(rows: list[Row]) -> dict[str, CoverageModel]:
    """group → a model fitted without that group's questions."""
    groups = sorted({r.group for r in rows})
    return {g: fit([r for r in rows if r.group != g]) for g in groups}


def fold_report(rows: list[Row], models: dict[str, CoverageModel]) -> dict[str, dict]:
    """Per held-out group: answerable questions answered, out-of-scope refused."""
    out: dict[str, dict] = defaultdict(lambda: {"answerable": 0, "answered": 0,
                                                "out_of_scope": 0, "refused": 0})
    for r in rows:
        m = models[r.group]
        covered = m.probability(r.x) >= m.threshold
        s = out[r.group]
        if r.label == 1:
            s["answerable"] += 1
            s["answered"] += covered
        elif r.label == 0:
            s["out_of_scope"] += 1
            s["refused"] += not covered
    return dict(out)
