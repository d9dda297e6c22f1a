"""Keep the bot token out of every log line.

python-telegram-bot's HTTP client (httpx) logs full request URLs, which contain the
token, at INFO; a filter on the root handlers rewrites any record that mentions it."""
from __future__ import annotations

import logging

MASK = "<TELEGRAM_BOT_TOKEN>"


class TokenFilter(logging.Filter):
    def __init__(self, *secrets: str):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's problem, not ours
            return True
        clean = message
        for secret in self.secrets:
            clean = clean.replace(secret, MASK)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, MASK)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def protect_logs(*secrets: str) -> TokenFilter:
    """Install the filter on every root handler; quieten httpx's per-request lines."""
    token_filter = TokenFilter(*secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        handler.addFilter(token_filter)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return token_filter
