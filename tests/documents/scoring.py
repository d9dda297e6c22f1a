"""Scoring a generated 公文 (tests/documents/corpus.py) against what the bot read and
decided: per element of GB/T 9704 and per routing aspect. Shared by the tests and
bench/documents.py."""
from __future__ import annotations

import re

ELEMENTS = ("copy_number", "secrecy", "urgency", "issuer_mark", "issuers", "number", "signers",
            "title", "recipients", "cc", "attachments", "signature", "date", "note", "printer",
            "print_date", "kind")
# What OCR can be asked for: bracket shapes and spacing are not reliable after it.
OCR_ELEMENTS = ("title", "kind", "number_digits", "issuer")
ASPECTS = ("missing", "refused", "primary_rule", "signer_role", "countersign", "checks", "rule_checks")


def _norm(value):
    if isinstance(value, list):
        return [re.sub(r"\s+", "", str(v)) for v in value]
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def element_results(truth: dict, doc) -> dict[str, bool]:
    got = doc.as_dict()
    if truth.get("ocr"):
        digits = lambda s: re.findall(r"\d+", s or "")
        issuers = truth.get("issuers") or []
        return {
            "title": _norm(got["title"]) == _norm(truth.get("title")),
            "kind": got["kind"] == truth.get("kind"),
            "number_digits": digits(got["number"]) == digits(truth.get("number")),
            "issuer": bool(issuers) and (issuers[0] in (got["issuer_mark"] or "")
                                         or issuers[0] in (got["issuers"] or [])),
        }
    return {e: _norm(got[e if e != "signers" else "signers"]) == _norm(truth.get(e)) for e in ELEMENTS}


def route_results(expect: dict, first, final) -> dict[str, bool]:
    """`first`: the report with no answers; `final`: with expect["answers"]."""
    r = final.routing
    out = {
        "missing": [q.slot for q in first.questions] == list(expect.get("missing") or []),
        "refused": bool(final.error) == bool(expect.get("refused")),
    }
    if expect.get("refused"):
        return out
    out["primary_rule"] = (r.rule_ids[0] if r and r.rule_ids else None) == expect.get("primary_rule")
    out["signer_role"] = (r.signer_role if r else None) == expect.get("signer_role")
    cs = final.facts.countersign
    out["countersign"] = sorted(cs.departments if cs else []) == sorted(expect.get("countersign") or [])
    fired = sorted({w.id for w in final.warnings if w.source.startswith(("GB/T", "《党政机关"))})
    out["checks"] = fired == sorted(expect.get("checks") or [])
    rule_checks = sorted(i for i in (r.rule_ids if r else []) if i.startswith("check."))
    out["rule_checks"] = rule_checks == sorted(expect.get("rule_checks") or [])
    return out
