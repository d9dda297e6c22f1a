"""Who is who in chat: roster people by Telegram user id, and where to reach them.

In Telegram a person's private chat has the same id as the person. The terminal chat
has no Telegram ids, so there every roster member gets a stand-in id."""
from __future__ import annotations

from bot.procedures.roster import Person, Roster

# Stand-in ids for the terminal chat start here (far from real Telegram ids).
CONSOLE_ID_BASE = 9_000_000_000


class Directory:
    def __init__(self, roster: Roster, *, console: bool = False):
        self.roster = roster
        self.console = console
        self._ids: dict[str, int] = {}
        for i, p in enumerate(roster.people):
            if p.telegram_id:
                self._ids[p.name] = int(p.telegram_id)
            elif console:
                self._ids[p.name] = CONSOLE_ID_BASE + i
        self._people = {uid: roster.by_name(name) for name, uid in self._ids.items()}

    def person(self, user_id: int) -> Person | None:
        return self._people.get(int(user_id))

    def chat_of(self, name: str | None) -> int | None:
        """The private chat of a roster member, or None if they cannot be reached."""
        return self._ids.get(name) if name else None

    def reachable(self) -> int:
        return len(self._ids)
