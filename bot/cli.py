"""Command line: python -m bot ingest | ask | chat | article | eval | start."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

EXIT_USAGE = 2
EXIT_FAILED = 1


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "bm25s", "jieba"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(message, file=sys.stderr)
    return code


def _load(args):
    from bot.config import load_config

    return load_config(args.config)


def _open_engine(cfg, procedures: bool = True):
    """The engine; with `procedures`, signing and leave questions go to the rule tools."""
    from bot.engine import Engine
    from bot.retrieval.index import KnowledgeIndex

    frontdesk = None
    if procedures:
        from bot.procedures.frontdesk import FrontDesk

        frontdesk = FrontDesk.from_config(cfg)
    return Engine(cfg, KnowledgeIndex.open(cfg), frontdesk=frontdesk)


def _open_assistant(cfg):
    """The answering front: the language-model path when [llm] is enabled, else offline."""
    from bot.agent.assistant import Assistant

    return Assistant.from_config(cfg, _open_engine(cfg))


def cmd_ingest(args) -> int:
    from ingest.pipeline import IngestError, ingest, is_stale

    cfg = _load(args)
    paths = [Path(p) for p in args.paths] or None
    if args.if_stale and not is_stale(cfg, paths):
        if not args.quiet:
            print("index is up to date")
        return 0
    try:
        report = ingest(cfg, paths, progress=not args.quiet)
    except IngestError as exc:
        return _fail(f"ingest failed: {exc}\nthe previous index (if any) is still serving")
    _print_report(report)
    return 0


def _print_report(report) -> None:
    for d in report.documents:
        print(f"{d['source']}: 《{d['title']}》 {d['articles']} articles ({d['numbering']})")
    for w in report.warnings:
        print(f"warning: {w}")
    for s in report.skipped:
        print(f"skipped: {s}")
    print(f"{report.chunks} chunks, {report.embedded} embedded, {report.reused} reused, "
          f"{report.seconds:.1f} s")


def cmd_ask(args) -> int:
    cfg = _load(args)
    if not args.doc:
        return _print_answer(_open_assistant(cfg).answer(" ".join(args.question)), args.json)
    # Only one document's articles: by id, title or short name (督查条例).
    engine = _open_engine(cfg, procedures=False)
    doc_id = _document_id(engine.index, args.doc)
    if doc_id is None:
        return _unknown_document(engine.index, args.doc)
    return _print_answer(engine.qa_answer(" ".join(args.question), doc_id=doc_id), args.json)


def _document_id(index, name: str) -> str | None:
    from bot.retrieval.docnames import named_document

    return name if name in index.documents else named_document(index, name)


def _unknown_document(index, name: str) -> int:
    return _fail(f"unknown document id {name!r} (nor a title or short name); "
                 f"known: {', '.join(index.documents)}")


def _print_answer(answer, as_json: bool) -> int:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.answer)
    return 0 if answer.intent not in {"empty", "too_long", "unreadable"} else EXIT_FAILED


def cmd_route(args) -> int:
    """A signing or leave question answered by the deterministic rules (or a clarifying question)."""
    cfg = _load(args)
    engine = _open_engine(cfg)
    text = " ".join(args.question)
    answer = engine.frontdesk.answer(text, engine.index) if text.strip() else None
    if answer is None:
        answer = engine.answer(text)  # not a procedure question: the regulation answers
    return _print_answer(answer, args.json)


def cmd_route_file(args) -> int:
    """Who signs a 公文 given as a file: its elements, checks, route and 发文稿纸."""
    from pathlib import Path

    from bot.documents.intake import IntakeError
    from bot.services.documents import DocumentService

    cfg = _load(args)
    path = Path(args.path)
    if not path.is_file():
        return _fail(f"没有这个文件：{path}")
    answers = {}
    for item in args.answer or ():
        slot, sep, value = item.partition("=")
        if not sep or not value:
            return _fail(f"--answer 的格式是 槽位=取值（例如 subject_area=水利），不是 {item!r}")
        answers[slot.strip()] = value.strip()
    engine = _open_engine(cfg)
    service = DocumentService.from_config(cfg, engine.frontdesk, engine.index)
    asker = None
    if args.as_name:
        asker = engine.frontdesk.roster.by_name(args.as_name)
        if asker is None:
            return _fail(f"花名册中没有“{args.as_name}”")
    with path.open("rb") as f:  # one byte past the limit is enough to refuse it
        data = f.read(service.kit.limits.max_bytes + 1)
    try:
        report = service.read(data, path.name, answers=answers, asker=asker)
    except IntakeError as exc:
        if args.json:
            print(json.dumps({"error": exc.message, "code": exc.code}, ensure_ascii=False))
        else:
            print(exc.message)
        return EXIT_FAILED
    form = service.form(report) if report.done else None
    if args.form and form is not None:
        Path(args.form).write_bytes(form.to_docx())
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    from bot.documents.texts import report_text

    print(report_text(report))
    if report.questions:
        q = report.questions[0]
        print(f"\n还需要确认：{q.question}")
        for label, value in zip(q.options, q.values):
            print(f"  --answer {q.slot}={value}   （{label}）")
    elif form is not None:
        print("\n" + form.to_text())
        if args.form:
            print(f"\n发文稿纸已保存：{args.form}")
    return 0


def cmd_leave(args) -> int:
    from bot.leave_cli import run

    return run(args, _load(args))


def cmd_reminders(args) -> int:
    from bot.reminders_cli import run

    return run(args, _load(args))


def cmd_article(args) -> int:
    from bot.retrieval.lookup import ArticleRef, find_reference
    from ingest.numerals import parse_numeral

    cfg = _load(args)
    ref = find_reference(args.number) if not args.number.isdigit() else None
    number = ref.article if ref else parse_numeral(args.number)
    if number is None:
        return _fail(f"not an article number: {args.number}", EXIT_USAGE)
    engine = _open_engine(cfg)
    doc_id = args.doc
    if doc_id:
        doc_id = _document_id(engine.index, doc_id)  # an id, a title or a short name: 督查条例
        if doc_id is None:
            return _unknown_document(engine.index, args.doc)
    answer = engine.article_answer(ArticleRef(number, ref.paragraph if ref else None), doc_id=doc_id)
    print(answer.answer)
    return 0 if answer.covered else EXIT_FAILED


def cmd_eval(args) -> int:
    from bot.evaluation import format_report, load_questions, run_eval

    cfg = _load(args)
    items = load_questions(Path(args.file))
    report = run_eval(_open_assistant(cfg), items, k=args.k)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def cmd_calibrate(args) -> int:
    """Fit the answer-or-refuse model on question sets (each line names its "doc"; lines
    without one are about the first document), report it leave-one-document-out, and
    with --write save it to [retrieval] coverage_model."""
    from bot import calibration
    from bot.evaluation import load_questions

    cfg = _load(args)
    engine = _open_engine(cfg, procedures=False)
    default = engine.index.default_doc_id
    items = []
    for name in args.files:
        items += load_questions(Path(name))
    unknown = sorted({i.doc for i in items if i.doc and i.doc not in engine.index.documents})
    if unknown:
        return _fail(f"documents not in the index: {', '.join(unknown)}; ingest them first")
    rows = calibration.collect(engine.index, cfg.retrieval, items, lambda i: i.doc or default,
                               types=engine.question_types)
    folds = calibration.fold_report(rows, calibration.leave_one_document_out(rows))
    for group, f in sorted(folds.items()):
        print(f"{group}: answered {f['answered']}/{f['answerable']}, refused {f['refused']}/{f['out_of_scope']}")
    n = sum(f["answerable"] for f in folds.values())
    m = sum(f["out_of_scope"] for f in folds.values())
    print(f"leave-one-document-out: answered {sum(f['answered'] for f in folds.values()) / max(n, 1):.3f}, "
          f"refused {sum(f['refused'] for f in folds.values()) / max(m, 1):.3f}")
    if args.write:
        model = calibration.fit(rows)
        note = ("Answer-or-refuse model (bot/retrieval/evidence.py), written by\n"
                f"`python -m bot calibrate --write` on {len(rows)} questions of {len(folds)} documents.\n"
                "Regenerate it rather than editing it.")
        Path(cfg.retrieval.coverage_model).write_text(model.to_toml(note), encoding="utf-8")
        print(f"written {cfg.retrieval.coverage_model}")
    return 0


def cmd_chat(args) -> int:
    from bot.console import run_console
    from bot.conversation.build import open_conversation

    cfg = _load(args)
    conversation = open_conversation(cfg, console=True)
    roster = conversation.directory.roster
    name = getattr(args, "as_person", None)
    if name and roster.by_name(name) is None:
        return _fail(f"花名册中没有“{name}”。可选：{'、'.join(p.name for p in roster.people)}",
                     EXIT_USAGE)
    if not name:  # the terminal belongs to whoever runs the bot: its first admin by default
        first = next((p for p in roster.people if p.admin), None) or (roster.people or [None])[0]
        if first is None:
            return _fail(f"the roster {cfg.roster.path} lists nobody")
        name = first.name
    return run_console(conversation, name)


def cmd_serve(args) -> int:
    """The Telegram bot: polling, or webhook mode with --webhook URL."""
    import asyncio

    from bot.conversation.build import open_conversation
    from bot.telegram.redact import protect_logs

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return _fail("TELEGRAM_BOT_TOKEN is not set: the bot token comes from the environment only",
                     EXIT_USAGE)
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if not args.verbose:
        logging.getLogger().setLevel(logging.INFO)
    from bot.telegram.service import TelegramService

    cfg = _load(args)
    protect_logs(token, secret or "", os.environ.get(cfg.llm.api_key_env, "").strip())
    conversation = open_conversation(cfg)
    if conversation.directory.reachable() == 0:
        logging.getLogger("bot").warning(
            "no roster member has a telegram_id in %s: everyone will be refused", cfg.roster.path)
    service = TelegramService(cfg, token, conversation, webhook_url=args.webhook,
                              webhook_secret=secret)
    from telegram.error import InvalidToken, TelegramError

    try:
        asyncio.run(service.run_until_stopped())
    except InvalidToken:
        return _fail("the Bot API server refused TELEGRAM_BOT_TOKEN")
    except TelegramError as exc:
        return _fail(f"could not start the Telegram bot: {exc}")
    except OSError as exc:  # e.g. the health/webhook port is taken
        return _fail(f"could not start the Telegram bot: {exc}")
    return 0


def cmd_doctor(args) -> int:
    """Check config, roster, index, database and reminders; print what to fix."""
    from bot import doctor

    report = doctor.run(_load(args))
    print(report.render())
    return 1 if any(f.level == "error" for f in report.findings) else 0


def cmd_start(args) -> int:
    """What `make run` starts: refresh the index if the knowledge changed, then the chat."""
    from ingest.pipeline import IngestError, ingest, is_stale
    from ingest import store

    cfg = _load(args)
    if is_stale(cfg):
        print("knowledge/ changed: building the index…", file=sys.stderr)
        try:
            _print_report(ingest(cfg))
        except IngestError as exc:
            if store.current_build(cfg.index_root) is None:
                return _fail(f"ingest failed: {exc}")
            print(f"ingest failed, serving the previous index: {exc}", file=sys.stderr)
    if os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
        return cmd_serve(args)
    print("TELEGRAM_BOT_TOKEN is not set: starting the terminal chat.", file=sys.stderr)
    return cmd_chat(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", help="config file (default: $BOT_CONFIG or ./config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index documents (default: the configured knowledge folders)")
    p.add_argument("paths", nargs="*", help="files or folders; the index then holds exactly these")
    p.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--doc", help="answer from this document only: id, title or short name (督查条例)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("route", help="who signs a document / who approves leave, from the rules")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_route)

    p = sub.add_parser("route-file", help="who signs a 公文 given as a file (.docx, .pdf, .txt, a photo)")
    p.add_argument("path")
    p.add_argument("--answer", action="append", metavar="SLOT=VALUE",
                   help="what the document does not say, e.g. subject_area=水利 (repeatable)")
    p.add_argument("--form", metavar="OUT.docx", help="write the filled 发文稿纸 here")
    p.add_argument("--as", dest="as_name", metavar="NAME",
                   help="the roster member who sent it (拟稿单位, and the 分管 area of their department)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_route_file)

    from bot.leave_cli import add_parser as add_leave_parser

    add_leave_parser(sub)
    sub.choices["leave"].set_defaults(func=cmd_leave)

    from bot.reminders_cli import add_parser as add_reminders_parser

    add_reminders_parser(sub)
    sub.choices["reminders"].set_defaults(func=cmd_reminders)

    p = sub.add_parser("chat", help="terminal chat on the same engine")
    p.add_argument("--as", dest="as_person", metavar="NAME", help="act as this roster member")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("serve", help="the Telegram bot (token from $TELEGRAM_BOT_TOKEN)")
    p.add_argument("--webhook", metavar="URL",
                   help="webhook mode: the public HTTPS URL Telegram posts updates to")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("doctor", help="check config, roster, index, database; say what to fix")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("start", help="ingest if stale, then serve Telegram (token set) or chat")
    p.add_argument("--as", dest="as_person", metavar="NAME", help="terminal chat: act as NAME")
    p.add_argument("--webhook", metavar="URL", help="Telegram webhook mode")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("article", help="show one article verbatim")
    p.add_argument("number", help="50, 五十, 第五十条 or 第五十条第二款")
    p.add_argument("--doc", help="document id, title or short name such as 督查条例 "
                                 "(default: the first document that has the article)")
    p.set_defaults(func=cmd_article)

    p = sub.add_parser("eval", help="score the engine on a JSONL question set")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--k", type=int, default=3)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("calibrate", help="fit the answer-or-refuse model; report it leave-one-document-out")
    p.add_argument("files", nargs="+", help="JSONL question sets (lines may name their \"doc\")")
    p.add_argument("--write", action="store_true", help="save the model to [retrieval] coverage_model")
    p.set_defaults(func=cmd_calibrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    from bot.config import ConfigError
    from bot.evaluation import EvalFileError
    from bot.procedures.roster import RosterError
    from bot.procedures.rules import RulesError
    from bot.procedures.understand import PhraseError
    from ingest.embeddings import EmbeddingError
    from ingest.lexicon import LexiconError
    from ingest.store import IndexUnavailable

    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # `python -m bot leave list | head`: the reader left; not an error of ours.
        import os as _os

        _os.dup2(_os.open(_os.devnull, _os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (IndexUnavailable, EvalFileError) as exc:
        return _fail(str(exc))
    except (ConfigError, EmbeddingError, LexiconError, RosterError, RulesError, PhraseError) as exc:
        return _fail(f"error: {exc}")
    except KeyboardInterrupt:
        return 130
