"""Reminders pushed to chats: one-off, recurring and deadline-driven, on China's working-day
calendar, persisted and delivered exactly once (bot/reminders/service.py). The time
expressions staff type are parsed by bot/reminders/when.py. Nothing here imports a chat
transport: deliveries go through the chat store's outbox."""
