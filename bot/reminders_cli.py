"""`python -m bot reminders add|list|cancel` for operators."""
from __future__ import annotations

import json


def add_parser(sub) -> None:
    p = sub.add_parser("reminders", help="reminders: add, list, cancel (for operators)")
    rs = p.add_subparsers(dest="reminders_command", required=True)
    a = rs.add_parser("add", help='e.g. add --chat -100123 --as 示例·办公室主任 "每周一9:00 报送议题"')
    a.add_argument("--chat", type=int, required=True, help="chat id (group ids are negative)")
    a.add_argument("--as", dest="actor", required=True, help="roster name of the creator")
    a.add_argument("--workdays", choices=["none", "skip", "shift"], default="none")
    a.add_argument("text", nargs="+", help="time expression and content, as after /remind")
    ls = rs.add_parser("list", help="active reminders (all chats, or one)")
    ls.add_argument("--chat", type=int)
    ls.add_argument("--all", action="store_true", help="include done, cancelled and failed ones")
    ls.add_argument("--json", action="store_true")
    c = rs.add_parser("cancel", help="cancel a reminder (its creator or an admin)")
    c.add_argument("id", type=int)
    c.add_argument("--as", dest="actor", required=True)


def run(args, cfg) -> int:
    from bot.conversation.build import open_reminders
    from bot.procedures.roster import Roster
    from bot.reminders.service import POLICIES, ReminderError
    from bot.reminders.when import WhenError, parse_reminder

    reminders = open_reminders(cfg)
    roster = Roster.load(cfg.roster.path)
    try:
        if args.reminders_command == "list":
            views = reminders.list(args.chat, active_only=not args.all)
            if args.json:
                print(json.dumps([_as_dict(v) for v in views], ensure_ascii=False))
            for v in views if not args.json else []:
                nxt = v.next_at.astimezone(reminders.zone).strftime("%Y-%m-%d %H:%M") if v.next_at else "—"
                print(f"{v.id}\t{v.chat_id}\t{v.state_label}\t{v.schedule.describe()}\t下次 {nxt}\t"
                      f"{v.creator}\t{v.text[:40]}")
            if not views and not args.json:
                print("没有提醒。")
            return 0
        person = roster.by_name(args.actor)
        if person is None:
            raise ReminderError(f"花名册中没有“{args.actor}”。")
        if args.reminders_command == "cancel":
            view = reminders.cancel(args.id, person.name, admin=bool(person.admin))
            print(f"已取消提醒 {view.id}。")
            return 0
        served = cfg.telegram.served_groups | {int(p.telegram_id) for p in roster.people
                                               if p.telegram_id}
        if args.chat not in served:
            raise ReminderError(f"机器人不服务聊天 {args.chat}：群须列在 [telegram] groups（或为 "
                                "office_chat_id），私聊须是花名册中登记了 telegram_id 的人员。")
        schedule, text = parse_reminder(" ".join(args.text), reminders.now())
        policy = "skip" if schedule.workdays_only else args.workdays
        view = reminders.create(args.chat, text, person.name, schedule, workdays=policy)
        print(f"已设置提醒 {view.id}：{schedule.describe()}，{POLICIES[policy]}；第一次 "
              f"{view.next_at.astimezone(reminders.zone):%Y-%m-%d %H:%M}：{view.text}")
        return 0
    except (ReminderError, WhenError) as exc:
        print(exc.message)
        return 1


def _as_dict(v) -> dict:
    return {"id": v.id, "chat_id": v.chat_id, "text": v.text, "creator": v.creator,
            "schedule": v.schedule.to_dict(), "workdays": v.workdays, "state": v.state,
            "next_at": v.next_at.isoformat() if v.next_at else None, "source": v.source}
