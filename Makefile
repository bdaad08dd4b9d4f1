# Kring — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-dev browser nginx peers translations static bench faults clean

# Make dependencies keep later starts quick: the catalogues are compiled and the static files
# collected only when their sources changed. With DEBUG on (make run's default) the static files
# are served from the apps' folders and not collected at all.
PO_FILES := $(wildcard */locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
STATIC_SOURCES := $(shell find frontend/static knowledge_base/static passport/static monitoring/static -type f 2>/dev/null)
STATIC_STAMP := staticfiles/.collected

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip >$(VENV)/pip.log 2>&1 || { tail -40 $(VENV)/pip.log; exit 1; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing Kring's Python packages into $(VENV) (first start only, pip's log: $(VENV)/pip.log)…"
	@$(BIN)/pip install --quiet --disable-pip-version-check -e . >$(VENV)/pip.log 2>&1 || { tail -40 $(VENV)/pip.log; exit 1; }
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(MO_FILES)

$(MO_FILES) &: $(PO_FILES) | $(VENV)/.installed
	@$(BIN)/python manage.py translations compile >/dev/null

static: $(STATIC_STAMP)

$(STATIC_STAMP): $(STATIC_SOURCES) $(VENV)/.installed
	@$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@touch $@

## Install, migrate and load the demo content when missing, serve Kring with Daphne on http://$(HOST):$(PORT)
run: install translations $(if $(filter false False FALSE 0 no off,$(DEBUG)),static)
	@HOST=$(HOST) PORT=$(PORT) scripts/run-dev

## Debian's Chromium for the browser tests (Playwright's own download does not work here)
browser:
	@scripts/ensure-chromium

## The test peers that run on Node: a certified OpenID Connect provider (tests/peers/oidc)
peers: tests/peers/oidc/node_modules/.package-lock.json tests/peers/push/node_modules/.package-lock.json tests/peers/verifier/node_modules/.package-lock.json tests/peers/ical/node_modules/.package-lock.json

tests/peers/oidc/node_modules/.package-lock.json: tests/peers/oidc/package.json tests/peers/oidc/package-lock.json
	npm ci --prefix tests/peers/oidc --no-audit --no-fund --loglevel=error

tests/peers/push/node_modules/.package-lock.json: tests/peers/push/package.json tests/peers/push/package-lock.json
	npm ci --prefix tests/peers/push --no-audit --no-fund --loglevel=error

tests/peers/verifier/node_modules/.package-lock.json: tests/peers/verifier/package.json tests/peers/verifier/package-lock.json
	npm ci --prefix tests/peers/verifier --no-audit --no-fund --loglevel=error

tests/peers/ical/node_modules/.package-lock.json: tests/peers/ical/package.json tests/peers/ical/package-lock.json
	npm ci --prefix tests/peers/ical --no-audit --no-fund --loglevel=error

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## Debian's nginx for the deployment test (tests/deploy/test_nginx.py)
nginx:
	@scripts/ensure-nginx

## Install everything, lint, type-check and run the whole test suite
test: install-dev browser nginx peers translations lint
	$(BIN)/python manage.py translations check
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev browser lighthouse-deps
	$(BIN)/python -m bench.run

faults: install-dev
	$(BIN)/pytest tests/reliability -m slow $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test-db.sqlite3*

## convo-client: the browser libraries vendored from npm (emoji picker), before anything serves or tests static files
VENDOR_STAMP := frontend/static/frontend/vendor/emoji-picker-element/.vendored
emoji-picker: $(VENDOR_STAMP)
$(VENDOR_STAMP): frontend/emoji-picker/package.json frontend/emoji-picker/package-lock.json scripts/vendor-emoji-picker
	@scripts/vendor-emoji-picker
	@touch $@
run test static $(STATIC_STAMP): $(VENDOR_STAMP)
.PHONY: emoji-picker

# --- shell (design system): the vendored Lucide icons ---------------------------------------------
.PHONY: icons icons-check
## Refresh frontend/static/frontend/icons from lucide-static as pinned in frontend/package.json (needs npm)
icons:
	@scripts/vendor-frontend
## Fail when the committed icons differ from the pinned lucide-static (needs npm)
icons-check:
	@scripts/vendor-frontend --check

# --- measure (issue 14): Lighthouse, screenshots ---------------------------------------------
.PHONY: lighthouse lighthouse-deps screenshots

## Lighthouse (npm, pinned in bench/node/package-lock.json) for make bench and make lighthouse
lighthouse-deps: bench/node/node_modules/.package-lock.json

bench/node/node_modules/.package-lock.json: bench/node/package.json bench/node/package-lock.json
	npm ci --prefix bench/node --no-audit --no-fund --loglevel=error

## Lighthouse alone on the topic page (200 messages), home, directory and a lesson, beside its baseline
lighthouse: install-dev browser lighthouse-deps translations
	$(BIN)/python -m bench.run --only lighthouse $(LIGHTHOUSE_ARGS)

## The main screens at 1280 and 360 px into docs/screenshots/ (demo content on a temporary SQLite)
screenshots: install-dev browser translations
	$(BIN)/python scripts/screenshots.py $(SCREENSHOTS_ARGS)
