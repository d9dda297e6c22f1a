"""The agent's prompts, as files in the prompts folder (versioned by their first line and
their content hash; the hash is logged with every LLM answer)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError

FILES = {"system": "agent_system.md", "rewrite": "agent_rewrite.md", "retry": "agent_retry.md"}


@dataclass(frozen=True)
class AgentPrompts:
    system: str
    rewrite: str
    retry: str
    version: str   # short hash of all three

    @classmethod
    def load(cls, prompts_dir: Path) -> "AgentPrompts":
        texts = {}
        for key, name in FILES.items():
            path = Path(prompts_dir) / name
            try:
                raw = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"agent prompt unreadable: {path} ({exc})") from exc
            # The first line is an HTML comment naming the prompt and its version.
            texts[key] = raw.split("\n", 1)[1].strip() if raw.startswith("<!--") else raw.strip()
        digest = hashlib.sha256("\x00".join(texts[k] for k in FILES).encode()).hexdigest()[:8]
        return cls(version=digest, **texts)
