"""The last few turns of each chat, for follow-up questions ("那办公室主任呢？").
Kept in memory and bounded: a restart forgets them, which only costs context."""
from __future__ import annotations

import threading
from collections import OrderedDict, deque

MAX_CHATS = 2000
# Each remembered answer is cut to this many characters: enough context for a rewrite.
ANSWER_CHARS = 300


class ChatMemory:
    def __init__(self, turns: int = 4):
        self.turns = max(0, turns)
        self._chats: OrderedDict[object, deque] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, key) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._chats.get(key, ()))

    def add(self, key, question: str, answer: str) -> None:
        if key is None or not self.turns:
            return
        with self._lock:
            turns = self._chats.pop(key, None) or deque(maxlen=self.turns)
            turns.append((question, answer[:ANSWER_CHARS]))
            self._chats[key] = turns
            while len(self._chats) > MAX_CHATS:
                self._chats.popitem(last=False)
