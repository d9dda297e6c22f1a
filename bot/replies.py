"""User-facing reply templates, loaded from <prompts dir>/replies.toml (answers) and
<prompts dir>/chat.toml (the chat channels' commands, forms and notifications)."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from bot.config import ConfigError


class Replies:
    """Templates by key; calling fills one in: replies("empty"), replies("too_long", length=…)."""

    def __init__(self, templates: dict):
        self.templates = templates

    def __call__(self, key: str, **values) -> str:
        return self.templates[key].format(**values)

    @property
    def greetings(self) -> set[str]:
        return set(self.templates.get("greetings", []))

    def small_talk(self, normalized: str) -> str | None:
        """The reply to a message that is only small talk ("谢谢", "你是谁"), else None."""
        for entry in self.templates.get("small_talk", {}).values():
            if normalized in entry.get("phrases", ()):
                return entry["reply"]
        return None


@lru_cache(maxsize=8)
def load_replies(prompts_dir: Path, name: str = "replies.toml") -> Replies:
    path = Path(prompts_dir) / name
    try:
        return Replies(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"reply templates unreadable: {path} ({exc})") from exc
