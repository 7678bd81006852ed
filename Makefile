# Two commands do everything on a fresh machine: `make run` and `make test`.
# Every step they need is a target below, checked first and quick once done (docs/development.md).
SHELL := /bin/bash
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Where a machine step cannot be done, it names the command to run again afterwards.
MACHINE := AGAIN="make $(or $(MAKECMDGOALS),setup)" tools/machine.sh

.PHONY: setup assets services dictionaries browser demo run test test-sqlite test-postgres e2e check lint format \
	bench bench-webhooks schema smoke translations worker \
	backup restore soak

setup: $(VENV)/.installed

# Reinstalls only when the lock file changes; the lock pins every package by hash.
$(VENV)/.installed: requirements.lock
	@command -v $(PYTHON_BIN) >/dev/null || { echo "make: $(PYTHON_BIN) is missing; install Python 3.11 (or set PYTHON_BIN), then run \`make $(or $(MAKECMDGOALS),setup)\` again" >&2; exit 1; }
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

# Browser files (GraphiQL and what it needs) from the npm registry, pinned by package-lock.json,
# copied into vendor/ for Django to serve. npm ci runs only when the lock file changes.
assets: vendor/.copied

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing; install Node.js 20 with npm, then run \`make $(or $(MAKECMDGOALS),assets)\` again" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

vendor/.copied: node_modules/.package-lock.json package.json tools/vendor.mjs
	node tools/vendor.mjs
	touch $@

services:
	@$(MACHINE) services $(PG_URL)

dictionaries:
	@$(MACHINE) dictionaries

browser:
	@$(MACHINE) browser

demo: setup assets dictionaries
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_content
	$(PY) manage.py search_index --missing
	$(PY) manage.py ensure_admin

# On a PostgreSQL DATABASE_URL, the server must run.
ifneq ($(filter postgres://% postgresql://%,$(DATABASE_URL)),)
demo: PG_URL = $(DATABASE_URL)
demo: services
endif

run: demo
	@echo ""
	@echo "  Nettsted:  http://$(HOST):$(PORT)/attraktive-samfunn/"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/"
	@echo "  GraphQL:   http://$(HOST):$(PORT)/graphql/  (GraphiQL i nettleseren)"
	@echo "  Søk:       http://$(HOST):$(PORT)/search/?q=bredbånd"
	@echo "  Worker:    planlagt publisering, webhooks (manage.py worker, i samme terminal)"
	@echo ""
	@# The worker runs beside the dev server; Ctrl-C stops both, and the worker goes when the server does.
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py worker & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The worker alone (e.g. beside a server started another way); see docs/worker.md.
worker: setup
	$(PY) manage.py worker

# The whole suite twice: SQLite (no server needed), then PostgreSQL (production database).
# Browser tests (marker `browser`) run in both passes.
test: test-sqlite test-postgres

# The test settings whatever the shell exports (a DJANGO_SETTINGS_MODULE there would otherwise win).
test-sqlite: setup assets browser dictionaries
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=sqlite:///:memory: $(PY) -m pytest -m "not postgres" $(PYTEST_ARGS)

test-postgres: setup assets browser dictionaries services
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The browser tests alone (marker `browser`): the reference site's accessibility and the editor journeys.
# `make test` runs them too, in both passes.
e2e: setup assets browser
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=sqlite:///:memory: $(PY) -m pytest -m browser $(PYTEST_ARGS)

# The admin's bokmål that Wagtail lacks (locale/). The .mo files are committed, so the site needs no
# gettext tools; after editing a .po, this compiles it (Debian's `gettext`), and a test checks they agree.
translations: locale/nb/LC_MESSAGES/django.mo locale/nb/LC_MESSAGES/djangojs.mo locale/se/LC_MESSAGES/django.mo

locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

# Django's system checks (GraphiQL's files included) and no model change without its migration.
check: setup assets
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# `make run` on a throwaway SQLite file and port: site, admin and GraphiQL answer (what CI checks).
smoke: setup assets
	tools/smoke_run.sh

schema: setup
	$(PY) manage.py graphql_schema --schema api.schema.schema --out schema.graphql

# Side-by-side load test on PostgreSQL + Redis (database `cms_bench`); see docs/performance.md.
bench: setup dictionaries services
	$(PY) bench/run.py --pg-url $(PG_URL) $(BENCH_ARGS)

# One archive of the database (PostgreSQL, DATABASE_URL) and the media files, into BACKUP_DIR (docs/operations.md).
BACKUP_DIR ?= backups
backup: setup
	$(PY) manage.py backup --dir $(BACKUP_DIR)

# An archive back into an empty database and media folder; FORCE=1 replaces what they hold.
restore: setup
	@test -n "$(ARCHIVE)" || { echo "make: name the archive: make restore ARCHIVE=backups/cms-backup-….tar.gz" >&2; exit 1; }
	$(PY) manage.py restore $(if $(filter 1 true yes,$(FORCE)),--force) "$(ARCHIVE)"

# A fixed mixed load with publishing for SOAK_MINUTES (default 10) on gunicorn + worker, PostgreSQL (`cms_soak`)
# and Redis: requests per minute, errors, memory of each process at start and end (docs/performance.md).
SOAK_MINUTES ?= 10
soak: setup dictionaries services
	$(PY) bench/soak.py --pg-url $(PG_URL) --minutes $(SOAK_MINUTES) $(SOAK_ARGS)

# Publish-to-webhook latency with the real worker, on a fresh SQLite file (docs/webhooks.md).
bench-webhooks: setup
	$(PY) bench/webhook_latency.py $(BENCH_ARGS)
