"""What kind of fact a question asks for — a duration, an amount, who, a consequence, a
list — read from knowledge/question_types.toml. The answer's lead puts the sentence that
states that kind of fact first (bot/answer.py)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class QuestionTypesError(Exception):
    """knowledge/question_types.toml is malformed."""


@dataclass(frozen=True)
class QuestionType:
    name: str
    asks: tuple[str, ...]
    states: re.Pattern
    required: bool = False  # a text stating no such fact does not answer the question

    def asked_by(self, question: str) -> bool:
        return any(a in question for a in self.asks)


@lru_cache(maxsize=4)
def load_question_types(path: Path) -> tuple[QuestionType, ...]:
    if not path.is_file():
        return ()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return tuple(QuestionType(str(t["name"]), tuple(str(a) for a in t["asks"]),
                                  re.compile(str(t["states"])), bool(t.get("required", False)))
                     for t in raw.get("type", []))
    except (KeyError, TypeError, re.error, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QuestionTypesError(f"{path}: {exc}") from exc


def asked(types, question: str) -> list[QuestionType]:
    return [t for t in types if t.asked_by(question)]


def states_what_is_asked(types, question: str, text: str) -> bool | None:
    """None when the question asks for no required kind of fact; else whether `text`
    states every required kind it asks for."""
    required = [t for t in asked(types, question) if t.required]
    if not required:
        return None
    return all(t.states.search(text) for t in required)
