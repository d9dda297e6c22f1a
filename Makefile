# Two entry points: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test ingest eval bench bench-telegram bench-fuzz bench-real bench-documents clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,st]'
	touch $@ $(VENV)/.installed-run

# `start` ingests knowledge/ when it changed, then starts the chat.
run: $(VENV)/.installed-run
	$(BIN)/python -m bot start $(ARGS)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(ARGS)

ingest: $(VENV)/.installed-run
	$(BIN)/python -m bot ingest

eval: $(VENV)/.installed-run
	$(BIN)/python -m bot eval tests/eval/questions.jsonl

bench: $(VENV)/.installed-run
	$(BIN)/python bench/run.py $(ARGS)

# Simulated staff through the Bot API stand-in against `python -m bot serve`.
bench-telegram: $(VENV)/.installed-run
	$(BIN)/python bench/telegram.py $(ARGS)

# Fuzzed updates, a 1,000-update burst and kill -9 runs against `python -m bot serve`.
bench-fuzz: $(VENV)/.installed-run
	$(BIN)/python bench/fuzz.py $(ARGS)

# Generated 公文 (tests/documents/corpus.py): extraction accuracy per element, routing per rule.
bench-documents: $(VENV)/.installed-dev
	$(BIN)/python bench/documents.py $(ARGS)

# Real regulations (../shared/regulations): ingest time, memory, latency and quality at ~680 documents.
bench-real: $(VENV)/.installed-run
	$(BIN)/python bench/real_scale.py $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
