"""Score the engine on a JSONL quality set, through the same path as chat.

The engine is the offline Engine or, with [llm] enabled, the Assistant: the same set
scores both paths. An item may carry "context": earlier questions asked in the same
chat first, so that a follow-up is scored on its rewritten form."""
from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Engine


class EvalFileError(Exception):
    pass


@dataclass
class EvalItem:
    q: str
    articles: list[int]
    covered: bool
    must: list[str]
    context: list[str] = field(default_factory=list)
    doc: str | None = None  # the expected document's id; None: any document

    def expects(self, doc_id: str, article: int) -> bool:
        return article in self.articles and (self.doc is None or doc_id == self.doc)


def load_questions(path: Path) -> list[EvalItem]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read ({exc})") from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(EvalItem(q=str(raw["q"]), articles=[int(a) for a in raw.get("articles", [])],
                                  covered=bool(raw.get("covered", True)),
                                  must=[str(m) for m in raw.get("must", [])],
                                  context=[str(c) for c in raw.get("context", [])],
                                  doc=str(raw["doc"]) if raw.get("doc") else None))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{no}: bad line ({exc})") from exc
    if not items:
        raise EvalFileError(f"{path}: no questions")
    return items


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def lead_of(answer) -> str:
    """What the answer says before it quotes the article: the part a reader sees first."""
    text = answer.answer
    cuts = [text.find(c.quote) for c in answer.citations if c.quote and c.quote in text]
    cuts += [text.find(m) for m in ("【原文】",) if m in text]
    return text[:min(cuts)] if cuts else text


def states(text: str, phrase: str, words=None) -> bool:
    """`phrase` occurs in `text` as itself, not as part of a longer name: 县长 is not stated
    by 副县长. A short phrase (≤ 3 characters) must start and end on word boundaries
    (`words`: a segmenter, jieba's lcut); a longer one is rarely inside another name."""
    text, phrase = _norm(text), _norm(phrase)
    if phrase not in text:
        return False
    if len(phrase) > 3 or words is None:
        return True
    starts, ends, pos = set(), set(), 0
    for w in words(text):
        starts.add(pos)
        pos += len(w)
        ends.add(pos)
    at = text.find(phrase)
    while at >= 0:
        if at in starts and at + len(phrase) in ends:
            return True
        at = text.find(phrase, at + 1)
    return False


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[idx]


def run_eval(engine: Engine, items: list[EvalItem], k: int = 3) -> dict:
    results = []
    hits1 = hitsk = rr = must_ok = must_n = lead_ok = refused = covered_n = uncovered_n = 0
    words = _segmenter(engine)
    latencies = []
    paths: Counter = Counter()
    ask = _asker(engine)
    for no, item in enumerate(items):
        for earlier in item.context:  # the same chat: memory for the follow-up
            ask(earlier, no)
        started = time.perf_counter()
        ans = ask(item.q, no)
        paths[ans.path] += 1
        ms = (time.perf_counter() - started) * 1000
        latencies.append(ms)
        cited = [(c.doc_id, c.article) for c in ans.citations]
        ranked = [(r["doc_id"], r["article"]) for r in ans.ranked]
        order = cited + [a for a in ranked if a not in cited]
        row = {"q": item.q, "answer": ans.answer, "covered": ans.covered, "intent": ans.intent,
               "citations": [c.to_dict() for c in ans.citations], "ranked": ans.ranked,
               "latency_ms": round(ms, 2), "expected": item.articles, "expected_doc": item.doc,
               "expected_covered": item.covered}
        if item.covered:
            covered_n += 1
            rank = next((i + 1 for i, (d, a) in enumerate(order) if item.expects(d, a)),
                        None) if ans.covered else None
            row["rank"] = rank
            hits1 += rank == 1
            hitsk += rank is not None and rank <= k
            rr += 1 / rank if rank else 0
            if item.must:
                must_n += 1
                ok = ans.covered and all(_norm(m) in _norm(ans.answer) for m in item.must)
                must_ok += ok
                row["must_ok"] = ok
                lead = lead_of(ans)
                in_lead = ans.covered and all(states(lead, m, words) for m in item.must)
                lead_ok += in_lead
                row["lead_ok"] = in_lead
        else:
            uncovered_n += 1
            refused += not ans.covered
        results.append(row)
    summary = {
        "questions": len(items),
        "recall_at_1": round(hits1 / covered_n, 4) if covered_n else None,
        "recall_at_k": round(hitsk / covered_n, 4) if covered_n else None,
        "k": k,
        "mrr": round(rr / covered_n, 4) if covered_n else None,
        "must_rate": round(must_ok / must_n, 4) if must_n else None,
        "lead_rate": round(lead_ok / must_n, 4) if must_n else None,
        "refusal_rate": round(refused / uncovered_n, 4) if uncovered_n else None,
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p95_ms": round(_percentile(latencies, 95), 2),
        "paths": dict(paths),
    }
    return {"results": results, "summary": summary}


def _segmenter(engine):
    index = getattr(engine, "index", None) or getattr(getattr(engine, "engine", None), "index", None)
    return index.lexicon.words if index is not None else None


def _asker(engine):
    """ask(question, item number): the Assistant keeps per-chat memory, so each item is
    its own chat; the offline Engine has none."""
    import inspect

    if "chat_key" in inspect.signature(engine.answer).parameters:
        return lambda question, chat: engine.answer(question, chat_key=("eval", chat))
    return lambda question, chat: engine.answer(question)


def format_report(report: dict) -> str:
    lines = []
    for row in report["results"]:
        if row["expected_covered"]:
            if row.get("rank") != 1 or row.get("must_ok") is False or row.get("lead_ok") is False:
                got = row["citations"][0]["article"] if row["citations"] else "refused"
                lines.append(f"MISS  {row['q']}  expected {row['expected']}  got {got}  "
                             f"ranked {[r['article'] for r in row['ranked']]}"
                             + ("  (must phrase missing)" if row.get("must_ok") is False else "")
                             + ("  (not in lead)" if row.get("lead_ok") is False else ""))
        elif row["covered"]:
            lines.append(f"FALSE ANSWER  {row['q']}  cited {[c['article'] for c in row['citations']]}")
    s = report["summary"]
    lines.append("")
    lines.append(f"questions {s['questions']}  recall@1 {s['recall_at_1']}  recall@{s['k']} {s['recall_at_k']}  "
                 f"mrr {s['mrr']}  must {s['must_rate']}  lead {s.get('lead_rate')}  refusal {s['refusal_rate']}  "
                 f"p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  paths {s.get('paths', {})}")
    return "\n".join(lines)
