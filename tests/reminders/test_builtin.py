"""Built-in reminders from [[reminders]] in config.toml: grounded, synced, idempotent."""
from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT, ConfigError, load_config
from ingest.parse import DocumentMeta, parse_document
from ingest.readers import read_lines
from tests.conftest import SEED, SEED_DOC_ID

OFFICE = -1001000000001


@pytest.fixture(scope="module")
def project_config():
    return load_config(PROJECT_ROOT / "config.toml", env={})


def test_every_builtin_reminder_quotes_its_article_verbatim(project_config):
    doc = parse_document(read_lines(SEED), SEED.name, DocumentMeta(doc_id=SEED_DOC_ID))
    entries = project_config.reminders
    assert {e["name"] for e in entries} >= {"standing-meeting-topics", "quarterly-law-study"}
    for entry in entries:
        article = doc.article(int(entry["article"]))
        assert article is not None and entry["quote"] in article.text, entry["name"]


def test_sync_creates_updates_and_cancels(make_service, project_config):
    service, _ = make_service()
    assert service.sync_builtin(project_config.reminders, OFFICE) == []
    views = {v.key: v for v in service.list(OFFICE)}
    assert set(views) == {"config:standing-meeting-topics", "config:quarterly-law-study"}
    weekly = views["config:standing-meeting-topics"]
    assert weekly.workdays == "shift" and "第四十条“县政府常务会议一般每周召开1次”" in weekly.text
    assert service.sync_builtin(project_config.reminders, OFFICE) == []   # idempotent
    assert {v.id for v in service.list(OFFICE)} == {v.id for v in views.values()}
    service.sync_builtin(project_config.reminders[:1], OFFICE)             # one removed
    assert [v.key for v in service.list(OFFICE)] == ["config:standing-meeting-topics"]


def test_sync_without_an_office_chat_warns(make_service, project_config):
    service, _ = make_service()
    warnings = service.sync_builtin(project_config.reminders, 0)
    assert len(warnings) == 2 and "office_chat_id" in warnings[0]
    assert service.list() == []


def test_a_malformed_entry_is_a_config_error(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[[reminders]]\nname = "x"\nchat = "office"\nwhen = "每周一9:00"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="text"):
        load_config(conf, env={})
    conf.write_text('[[reminders]]\nname = "x"\nchat = "office"\nwhen = "w"\ntext = "t"\nevery = 1\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="every"):
        load_config(conf, env={})
