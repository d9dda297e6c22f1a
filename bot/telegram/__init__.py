"""The Telegram adapter (python-telegram-bot v22): updates in, conversation engine,
outbox out. Everything Telegram-specific lives in this package."""
