"""User-facing reply templates, loaded from prompts/replies.toml."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from bot.config import PROJECT_ROOT

REPLIES_PATH = PROJECT_ROOT / "prompts" / "replies.toml"


@lru_cache(maxsize=4)
def load_replies(path: Path = REPLIES_PATH) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def reply(key: str, **values) -> str:
    return load_replies()[key].format(**values)
