# Rapport: two commands for a fresh machine.
#   make demo   install, migrate, load demo data, serve on http://127.0.0.1:8000
#   make test   install test tools, run the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install install-test assets lint bench clean

demo: install assets
	RAPPORT_DEMO=1 $(BIN)/rapport manage collectstatic --noinput -v0
	RAPPORT_DEMO=1 $(BIN)/rapport demo

test: install-test assets
	bash scripts/run_tests.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

install: $(STAMP)

install-test: install
	$(BIN)/pip install -q -e ".[test]"

# Front-end packages from npm with the lockfile, then translations compiled.
assets: install
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error && npm run --silent vendor; fi
	$(BIN)/python -m rapport.core.i18n

lint: install-test
	$(BIN)/ruff check src bench conftest.py
	$(BIN)/mypy src

bench: install-test assets
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules data src/rapport/core/static/vendor
