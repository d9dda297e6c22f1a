"""What goes into and comes out of the conversation engine."""
from __future__ import annotations

from dataclasses import dataclass, field

# Telegram's limit on callback data; every button the engine makes stays below it.
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class Button:
    label: str
    data: str

    def __post_init__(self):
        if len(self.data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Event:
    """One incoming message or button press."""
    user_id: int
    chat_id: int
    private: bool
    text: str | None = None          # message text, commands included
    callback: str | None = None      # data of the pressed button
    message_id: int | None = None    # the message carrying the pressed button
    addressed: bool = True           # in a group: a command, a mention or a reply to the bot
    user_label: str = ""             # the sender's Telegram name, for logs only
    attachment: "Attachment | None" = None   # a file or photo sent with the message


@dataclass(frozen=True)
class Attachment:
    """A file someone sent. The adapter fills `data` (downloaded, in memory) before
    `Conversation.prepare`; `error` says why it could not (too big, download failed)."""
    filename: str
    size: int | None = None
    mime_type: str | None = None
    file_id: str | None = None       # the channel's handle, for downloading
    data: bytes | None = None
    error: str | None = None


@dataclass
class Message:
    """A message to send. `key` makes it idempotent: the same key is delivered once."""
    chat_id: int
    text: str
    buttons: Keyboard = ()
    key: str | None = None
    # A file to send instead of plain text: (file name, bytes); `text` is its caption.
    document: tuple[str, bytes] | None = None


@dataclass
class Edit:
    """Replace the text (and buttons) of a message the bot sent earlier."""
    chat_id: int
    message_id: int
    text: str
    buttons: Keyboard = ()


@dataclass
class Outcome:
    messages: list[Message] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    # Answer to a button press: a short pop-up (alert) or toast; None = silent.
    notice: str | None = None
    alert: bool = False

    @classmethod
    def popup(cls, text: str) -> "Outcome":
        """The answer to a button press that must be read: an alert, nothing sent."""
        return cls(notice=text, alert=True)

    def add(self, chat_id: int, text: str, buttons: Keyboard = (), key: str | None = None) -> "Outcome":
        self.messages.append(Message(chat_id, text, buttons, key))
        return self

    def extend(self, other: "Outcome") -> "Outcome":
        self.messages += other.messages
        self.edits += other.edits
        self.notice = self.notice or other.notice
        self.alert = self.alert or other.alert
        return self


def keyboard(*rows: list[Button] | tuple[Button, ...]) -> Keyboard:
    return tuple(tuple(r) for r in rows if r)


def in_rows(buttons: list[Button], per_row: int = 2) -> Keyboard:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass(frozen=True)
class Prepared:
    """The answer to a free question, computed before the update's unit of work (see
    `Conversation.prepare`), for the question text it answers."""
    question: str
    answer: object


@dataclass
class Context:
    """What one event is about: who sent it (a roster Person), and where; `prepared`,
    an answer already computed for it."""
    event: Event
    person: object
    prepared: Prepared | None = None

    @property
    def chat(self) -> int:
        return self.event.chat_id

    def reply(self, text: str, buttons: Keyboard = ()) -> Outcome:
        return Outcome().add(self.chat, text, buttons)

    def edit(self, text: str, *, or_send: bool = False) -> Outcome:
        """Replace the message whose button was pressed (`or_send`: send `text` when
        the event came with no such message)."""
        out = Outcome()
        if self.event.message_id is not None:
            out.edits.append(Edit(self.chat, self.event.message_id, text))
        elif or_send:
            out.add(self.chat, text)
        return out
