"""The transport-agnostic conversation engine: (person, chat, text or button press) in,
replies (text, buttons, notifications to other chats) out. The Telegram adapter and the
terminal chat both drive it; nothing here imports python-telegram-bot."""
