"""Domain vocabulary: jieba with the user dictionary, stopwords, typo corrections, synonyms.

The same Lexicon tokenizes chunks at ingest and questions at query time, so BM25 sees
one vocabulary on both sides.
"""
from __future__ import annotations

import hashlib
import logging
import pickle
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]")
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]$")
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
# Character bigrams live in their own namespace so they never collide with words.
BIGRAM_PREFIX = "§"


class LexiconError(Exception):
    """A vocabulary file is malformed."""


@dataclass(eq=False)  # hashed by identity: the terms cache is keyed by the object
class Lexicon:
    stopwords: set[str] = field(default_factory=set)
    corrections: dict[str, str] = field(default_factory=dict)
    groups: list[list[str]] = field(default_factory=list)
    fingerprint: str = ""
    _tokenizer: jieba.Tokenizer | None = None
    # Ingest only: segmentations kept on disk between ingests (text → terms), so that an
    # incremental re-ingest does not segment 27,000 unchanged chunks again.
    _segments: dict[str, tuple[str, ...]] | None = None
    _segments_used: set[str] = field(default_factory=set)
    _segment_path: Path | None = None

    @classmethod
    def load(cls, userdict: Path | None, synonyms: Path | None, stopwords: Path | None,
             cache_dir: Path | None = None) -> "Lexicon":
        digest = hashlib.sha256()
        tokenizer = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(cache_dir)  # keeps jieba's prefix-dict cache with our data
        tokenizer.initialize()
        if userdict and userdict.exists():
            digest.update(userdict.read_bytes())
            tokenizer.load_userdict(str(userdict))
        words: set[str] = set()
        if stopwords and stopwords.exists():
            text = stopwords.read_text(encoding="utf-8")
            digest.update(text.encode())
            words = {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
        corrections: dict[str, str] = {}
        groups: list[list[str]] = []
        if synonyms and synonyms.exists():
            raw_bytes = synonyms.read_bytes()
            digest.update(raw_bytes)
            try:
                raw = tomllib.loads(raw_bytes.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise LexiconError(f"{synonyms}: {exc}") from exc
            corrections = {str(k): str(v) for k, v in raw.get("corrections", {}).items()}
            for group in raw.get("group", []):
                terms = [str(t) for t in group.get("terms", []) if str(t).strip()]
                if len(terms) >= 2:
                    groups.append(terms)
        return cls(stopwords=words, corrections=corrections, groups=groups,
                   fingerprint=digest.hexdigest()[:16], _tokenizer=tokenizer)

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = jieba.Tokenizer()
        return self._tokenizer

    def normalize(self, text: str) -> str:
        """NFKC (full-width → half-width), lower case, typo corrections."""
        text = unicodedata.normalize("NFKC", text).lower()
        for wrong, right in self.corrections.items():
            text = text.replace(wrong, right)
        return text

    def words(self, text: str) -> list[str]:
        """Plain jieba segmentation (used for splitting long sentences)."""
        return self.tokenizer.lcut(text)

    def tokens(self, text: str) -> list[str]:
        """BM25 tokens: the words of `terms` plus character bigrams.

        Bigrams make matching robust to segmentation differences and short forms
        (常务会 / 常务会议, 办公会 / 县长办公会议) that staff type all the time.
        """
        text = unicodedata.normalize("NFKC", text).lower()
        bigrams = [BIGRAM_PREFIX + run[i:i + 2] for run in _CJK_RUN_RE.findall(text)
                   for i in range(len(run) - 1) if self._content_bigram(run[i:i + 2])]
        return self.terms(text) + bigrams

    def _content_bigram(self, pair: str) -> bool:
        """Skip bigrams that are stopwords or lean on a function character ("由谁", "的咋")."""
        return pair not in self.stopwords and pair[0] not in self.stopwords \
            and pair[1] not in self.stopwords

    def terms(self, text: str) -> list[str]:
        """Words: search-mode segmentation without stopwords, punctuation or lone characters."""
        return list(_cached_terms(self, text))

    def use_segment_cache(self, path: Path) -> None:
        """Load segmentations saved by an earlier ingest with the same vocabulary."""
        self._segment_path = path
        try:
            with path.open("rb") as f:
                loaded = pickle.load(f)
            # Interned: the same word in 50,000 entries is one string, not 50,000.
            self._segments = {t: tuple(sys.intern(w) for w in words)
                              for t, words in loaded.items()} if isinstance(loaded, dict) else {}
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            self._segments = {}  # absent or damaged: segment again, nothing else is lost

    def save_segment_cache(self) -> None:
        """Keep the segmentations this ingest used (only those: the file does not grow)."""
        if self._segments is None or self._segment_path is None:
            return
        kept = {t: self._segments[t] for t in self._segments_used if t in self._segments}
        tmp = self._segment_path.with_suffix(".tmp")
        self._segment_path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self._segment_path)

    def _terms(self, text: str) -> tuple[str, ...]:
        if self._segments is not None:
            self._segments_used.add(text)
            hit = self._segments.get(text)
            if hit is None:
                hit = self._segments[text] = tuple(sys.intern(w) for w in self._segment(text))
            return hit
        return self._segment(text)

    def _segment(self, text: str) -> tuple[str, ...]:
        text = unicodedata.normalize("NFKC", text).lower()
        out = []
        for tok in self.tokenizer.cut_for_search(text):
            tok = tok.strip()
            if not tok or tok in self.stopwords or not _WORD_RE.search(tok):
                continue
            if _CJK_RE.match(tok):
                continue  # a lone character ("县", "的") matches everything and means little
            out.append(tok)
        return tuple(out)

    def present_terms(self, normalized_query: str) -> set[str]:
        """Synonym terms in the question, longest match first: in "乡镇一把手" only
        乡镇一把手 is present, not 一把手 (which would mean the county head)."""
        found = {t for g in self.groups for t in g if t in normalized_query}
        return {t for t in found if not any(t != o and t in o for o in found)}

    def expansion_groups(self, normalized_query: str) -> list[list[str]]:
        """For each synonym group the question touches, the group's other words."""
        present = self.present_terms(normalized_query)
        groups = []
        for group in self.groups:
            if any(term in present for term in group):
                others = [t for t in group if t not in normalized_query]
                if others:
                    groups.append(others)
        return groups


@lru_cache(maxsize=65536)
def _cached_terms(lexicon: Lexicon, text: str) -> tuple[str, ...]:
    """Segmentation is the hot spot of answering: the coverage check segments the same
    article sentences for every question. Keyed by the lexicon object itself."""
    return lexicon._terms(text)
