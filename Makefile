# Pilotbook: `make run` to try it, `make test` to test it. `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/pilotbook
STAMP_PY := $(VENV)/.installed
STAMP_JS := node_modules/.installed
ASSETS := pilotbook/web/static/pilotbook/css/pilotbook.css

.DEFAULT_GOAL := help
.PHONY: help setup run test test-sqlite test-postgres test-browser test-production lint check demo assets messages clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP_PY): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(STAMP_JS) frontend/build.mjs frontend/init.mjs $(wildcard frontend/scss/*.scss)
	node frontend/build.mjs

setup: $(STAMP_PY) $(ASSETS) ## create .venv, install pinned dependencies, build the GOV.UK Frontend assets

assets: $(ASSETS) ## compile GOV.UK Frontend from its Sass

demo: setup ## migrate the SQLite database and load councils, the real starter evidence base and the demo data
	$(BIN)/pilotbook migrate --noinput -v0
	$(BIN)/pilotbook load_councils
	$(BIN)/pilotbook load_evidence
	$(BIN)/pilotbook load_demo
	$(BIN)/pilotbook load_demo_partners

run: demo ## set everything up and serve the app with demo data at http://127.0.0.1:8000
	@echo "Pilotbook is at http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/pilotbook serve

test: setup lint check test-production test-sqlite test-postgres ## set up and run the whole suite: lint, checks, production smoke test, SQLite and PostgreSQL

test-sqlite: setup ## the suite (with browser journeys) on SQLite
	$(BIN)/pytest -p no:cacheprovider

test-postgres: setup ## the suite (with browser journeys) on the real PostgreSQL server
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider

test-production: setup ## production-mode smoke test: clean asset build, collectstatic, gunicorn with DJANGO_DEBUG=0 on PostgreSQL, pages over HTTP
	$(BIN)/python tests/production/smoke.py --database-url $(PG_URL)

test-browser: setup ## only the browser journeys (Chromium via Playwright, axe checks)
	$(BIN)/pytest -p no:cacheprovider -m browser

lint: setup ## ruff (with the rule that pilotbook/stats never imports Django), import-linter's layers (ADR 0017), mypy strict on stats, services and selectors (ADR 0019)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

check: setup ## Django system checks and makemigrations --check
	$(BIN)/pilotbook check --fail-level WARNING
	$(BIN)/pilotbook makemigrations --check --dry-run

messages: setup ## refresh the Welsh translation catalogue (pilotbook/locale/cy) from the marked strings
	cd pilotbook && ../$(BIN)/pilotbook makemessages -l cy --ignore "static/*"

clean: ## remove the virtualenv, node_modules, built assets and the SQLite database
	rm -rf $(VENV) node_modules pilotbook/web/static/pilotbook staticfiles pilotbook.sqlite3*
