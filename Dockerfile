# Minimal image: the knowledge index is built at image build time.
# (The Telegram service, its health check and webhook mode come with the Telegram adapter.)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ANONYMIZED_TELEMETRY=False \
    BOT_DATA_DIR=/app/data

WORKDIR /app
COPY pyproject.toml README.md config.toml ./
COPY bot ./bot
COPY ingest ./ingest
COPY knowledge ./knowledge
COPY prompts ./prompts
RUN pip install --no-cache-dir . \
 && python -m bot ingest --quiet \
 && useradd --system --home /app bot \
 && chown -R bot /app/data

USER bot
CMD ["python", "-m", "bot", "start"]
