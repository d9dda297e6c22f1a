"""`python -m bot doctor`: check config, roster, index, database and reminders, and say in
Chinese what to fix. The same checks are logged once when the bot starts, so a missing
office chat or an approver nobody can reach is known before a request waits on it."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config

UNREACHABLE_ERROR = "can't initiate conversation"


def unstarted_chats(store) -> list[int]:
    """Chats whose messages failed because the person never opened a chat with the bot."""
    return sorted({m["chat_id"] for m in store.outbox("failed") if UNREACHABLE_ERROR in (m["error"] or "")})


@dataclass
class Finding:
    level: str   # "ok" | "warn" | "error"
    area: str
    text: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def add(self, level: str, area: str, text: str) -> None:
        self.findings.append(Finding(level, area, text))

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "ok"]

    def render(self) -> str:
        marks = {"ok": "✓", "warn": "!", "error": "✗"}
        lines = [f"{marks[f.level]} [{f.area}] {f.text}" for f in self.findings]
        lines.append(f"共 {len(self.problems)} 项需要处理。" if self.problems else "全部正常。")
        return "\n".join(lines)


def roster_findings(cfg: Config, report: Report, roster) -> None:
    report.add("ok", "花名册", f"{cfg.roster.path}：{len(roster.people)} 人")
    for warning in roster.warnings:
        report.add("warn", "花名册", warning)
    missing = [p.name for p in roster.people if not p.telegram_id]
    if missing:
        report.add("warn", "花名册", f"{len(missing)} 人没有填写 telegram_id，机器人无法联系他们，"
                                    f"需要他们审批或接收通知时只能线下告知：{'、'.join(missing)}。"
                                    "请本人给机器人发一条消息（如 /start），回复中会显示其 Telegram 用户 ID，由管理员填入花名册。")
    if not cfg.telegram.office_chat_id:
        report.add("warn", "配置", "未设置 [telegram] office_chat_id：请假报备、销假通知发不到县政府办公室群，"
                                  "内置提醒（常务会议议题、集中学法）也无法发送。请把机器人拉进办公室群，"
                                  "在群里发送 /whoami 查看群 ID 后填入 config.toml。")
    else:
        report.add("ok", "配置", f"办公室群：{cfg.telegram.office_chat_id}")


def document_findings(cfg: Config, report: Report, roster) -> None:
    """The data for reading sent 公文, and whether photos and scans can be read (OCR)."""
    try:
        from bot.documents.analyze import DocumentKit

        kit = DocumentKit.from_config(cfg, roster)
    except Exception as exc:
        report.add("error", "公文", f"无法读取 {cfg.documents.dir} 中的公文规则：{exc}")
        return
    report.add("ok", "公文", f"单位 {len(kit.units.departments)} 个部门、{len(kit.units.townships)} 个乡镇；"
                            f"格式检查 {len(kit.checks)} 项")
    if kit.ocr.available():
        report.add("ok", "文字识别", f"Tesseract（{kit.ocr.languages}）可用：能读照片和扫描件")
    elif cfg.documents.ocr == "off":
        report.add("warn", "文字识别", "已在 [documents] ocr 中关闭：照片和扫描件会被告知无法读取。")
    else:
        report.add("warn", "文字识别", "没有安装 Tesseract 中文文字识别：照片和扫描件读不了。"
                                    "请安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim。")


def store_findings(report: Report, store, inbox, directory) -> None:
    failed = store.outbox("failed")
    for chat in unstarted_chats(store):
        person = directory.person(chat)
        who = person.name if person else str(chat)
        report.add("warn", "联系", f"{who} 还没有和机器人开始私聊（从未发送 /start），发给他的消息未能送达；"
                                  "请其在 Telegram 中打开机器人并发送 /start，之后会自动补发。")
    other = [m for m in failed if UNREACHABLE_ERROR not in (m["error"] or "")]
    if other:
        report.add("warn", "发送", f"{len(other)} 条消息发送失败（被屏蔽、被移出群或聊天不存在），"
                                  "详见 outbox。")
    pending = len(store.pending(1000))
    report.add("ok" if pending < 100 else "warn", "发送", f"待发送消息 {pending} 条")
    counts = inbox.counts()
    if counts.get("poison"):
        report.add("warn", "收件", f"{counts['poison']} 个更新无法解析，已跳过（不影响其他消息）。")
    report.add("ok", "收件", f"待处理更新 {counts.get('pending', 0)} 个")


def run(cfg: Config) -> Report:
    """Every check; never raises: what cannot be opened is itself a finding."""
    report = Report()
    report.add("ok", "配置", f"配置文件：{cfg.source}")
    try:
        from bot.procedures.roster import Roster

        roster = Roster.load(cfg.roster.path)
    except Exception as exc:
        report.add("error", "花名册", f"无法读取 {cfg.roster.path}：{exc}")
        roster = None
    if roster is not None:
        roster_findings(cfg, report, roster)
    try:
        from ingest.pipeline import is_stale
        from bot.retrieval.index import KnowledgeIndex

        index = KnowledgeIndex.open(cfg)
        titles = "、".join(f"《{d.title}》" for d in index.documents.values())
        report.add("ok", "知识库", f"{len(index.documents)} 个文件：{titles}")
        if is_stale(cfg):
            report.add("warn", "知识库", "knowledge/ 有改动，索引不是最新的：请运行 python -m bot ingest。")
    except Exception as exc:
        report.add("error", "知识库", f"索引无法打开（{type(exc).__name__}）：请运行 python -m bot ingest。")
    try:
        from bot.conversation.build import open_database
        from bot.conversation.directory import Directory
        from bot.conversation.store import ChatStore
        from bot.conversation.store.inbox import Inbox

        db = open_database(cfg)
        report.add("ok", "数据库", db.url.render_as_string(hide_password=True))
        if roster is not None:
            store_findings(report, ChatStore(db), Inbox(db), Directory(roster))
        db.dispose()
    except Exception as exc:
        report.add("error", "数据库", f"无法打开数据库（{type(exc).__name__}: {str(exc)[:200]}）")
    if roster is not None:
        document_findings(cfg, report, roster)
    if cfg.llm.enabled:
        import os

        if not os.environ.get(cfg.llm.api_key_env, "").strip():
            report.add("warn", "大模型", f"已启用但环境变量 {cfg.llm.api_key_env} 为空：将只用离线回答。")
        else:
            report.add("ok", "大模型", f"{cfg.llm.model} @ {cfg.llm.base_url}")
    return report
