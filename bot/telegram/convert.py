"""Translate between python-telegram-bot objects and the conversation engine's values."""
from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, MessageEntityType

from bot.conversation.messages import Attachment, Event

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}


def to_event(update: Update, bot_id: int, bot_username: str) -> Event | None:
    """The engine's view of an update, or None for updates it has no use for."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    private = chat.type == ChatType.PRIVATE
    label = user.username or user.full_name or ""
    query = update.callback_query
    if query is not None:
        return Event(user.id, chat.id, private, callback=query.data or "",
                     message_id=query.message.message_id if query.message else None,
                     user_label=label)
    message = update.message
    if message is None:  # edited messages, channel posts, member updates…
        return None
    text = message.text or message.caption or ""
    addressed = private or _addressed(message, bot_id, bot_username)
    attachment = _attachment(message)
    reply = message.reply_to_message
    if attachment is None and addressed and reply is not None and not private:
        # "@bot 这个谁签" in reply to a file someone posted in the group: that file.
        attachment = _attachment(reply)
    return Event(user.id, chat.id, private, text=text, message_id=message.message_id,
                 addressed=addressed, user_label=label, attachment=attachment)


def _attachment(message) -> Attachment | None:
    """A document, or the largest size of a photo."""
    if message.document is not None:
        d = message.document
        return Attachment(d.file_name or "文件", d.file_size, d.mime_type, d.file_id)
    if message.photo:
        p = max(message.photo, key=lambda s: (s.width or 0) * (s.height or 0))
        return Attachment("照片.jpg", p.file_size, "image/jpeg", p.file_id)
    return None


def _addressed(message, bot_id: int, bot_username: str) -> bool:
    """In a group: a command, a mention of the bot, or a reply to one of its messages."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True
    entities = (message.parse_entities([MessageEntityType.BOT_COMMAND, MessageEntityType.MENTION])
                if message.text else
                message.parse_caption_entities([MessageEntityType.BOT_COMMAND, MessageEntityType.MENTION]))
    for entity, value in entities.items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            target = value.partition("@")[2]
            if not target or target.lower() == bot_username.lower():
                return True
        if entity.type == MessageEntityType.MENTION and value[1:].lower() == bot_username.lower():
            return True
    return False


def to_markup(buttons) -> InlineKeyboardMarkup | None:
    """Buttons as stored in the outbox ([[label, data], …] rows) or engine Buttons."""
    rows = []
    for row in buttons or ():
        cells = []
        for b in row:
            label, data = (b.label, b.data) if hasattr(b, "label") else (b[0], b[1])
            cells.append(InlineKeyboardButton(label, callback_data=data))
        if cells:
            rows.append(cells)
    return InlineKeyboardMarkup(rows) if rows else None


def plain_buttons(buttons) -> list:
    return [[[b.label, b.data] for b in row] for row in buttons or ()]
