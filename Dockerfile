# County procedure assistant: Telegram service with the knowledge index built in.
# Two stages so the runtime image holds the installed venv but no sources or build leftovers.
# scripts/docker_steps.sh replays these steps without Docker; tests/test_dockerfile.py
# checks the conventions below.

FROM python:3.11-slim AS builder
WORKDIR /src
# Only what `pip install .` reads, so editing knowledge/ or config.toml keeps this layer cached.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY ingest ./ingest
# Non-editable: the venv must not point back at /src, which the runtime stage does not have.
# No extras: `st` pulls torch, `dev` is for tests.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir .


FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ANONYMIZED_TELEMETRY=False \
    VIRTUAL_ENV=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    BOT_CONFIG=/app/config.toml \
    BOT_DATA_DIR=/app/data
# BOT_CONFIG: the installed package cannot find config.toml by itself outside /app
# (e.g. `docker exec -w / … python -m bot ask …`).
# PYTHONUNBUFFERED: logs reach `docker logs` at once. ANONYMIZED_TELEMETRY: Chroma stays offline.

# Chinese OCR for photos and scanned PDFs sent to the bot (bot/documents/ocr.py).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim \
 && rm -rf /var/lib/apt/lists/*

# Non-root system user; it may write only the data dir (index, SQLite ledger, caches).
RUN groupadd --system bot \
 && useradd --system --gid bot --no-create-home --home-dir /app/data \
      --shell /usr/sbin/nologin bot \
 && mkdir -p /app/data \
 && chown bot:bot /app/data

WORKDIR /app
# Same path as in the builder: a venv's scripts hard-code it.
COPY --from=builder /opt/venv /opt/venv
COPY config.toml ./
COPY prompts ./prompts
COPY knowledge ./knowledge

# Index knowledge/ at build time, as the runtime user so it owns the files without a
# `chown -R` layer (which would store the index twice).
USER bot
RUN python -m bot ingest --quiet

# Declared after the ingest: build steps that change a volume path after VOLUME may be
# discarded. The index built above is therefore the volume's initial content: a new named
# volume starts as a copy of it (a bind mount hides it). An existing volume keeps its old
# index after an image upgrade: run `python -m bot ingest --if-stale` in the container.
VOLUME /app/data

# [telegram] port in config.toml: GET /healthz in both modes, POST /telegram for webhooks.
EXPOSE 8080
# slim images have no curl; urlopen raises (exit 1) on a refused connection or non-2xx.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

# Polling by default; token from TELEGRAM_BOT_TOKEN. Webhook: add `--webhook https://…/telegram`.
CMD ["python", "-m", "bot", "serve"]
