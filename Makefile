# Kring — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-dev browser peers translations bench faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/python manage.py translations compile

## Install, migrate, load the demo content and serve Kring with Daphne on http://$(HOST):$(PORT)
run: install translations
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

## Debian's Chromium for the browser tests (Playwright's own download does not work here)
browser:
	@scripts/ensure-chromium

## The test peers that run on Node: a certified OpenID Connect provider (tests/peers/oidc)
peers: tests/peers/oidc/node_modules/.package-lock.json

tests/peers/oidc/node_modules/.package-lock.json: tests/peers/oidc/package.json tests/peers/oidc/package-lock.json
	npm ci --prefix tests/peers/oidc --no-audit --no-fund --loglevel=error

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## Install everything, lint, type-check and run the whole test suite
test: install-dev browser peers translations lint
	$(BIN)/python manage.py translations check
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench.run

faults: install-dev
	$(BIN)/pytest tests/reliability -m slow $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test-db.sqlite3*
