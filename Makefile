# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: setup demo run test test-sqlite test-postgres lint format bench schema

setup: $(VENV)/.installed

# Reinstalls only when the lock file changes; the lock pins every package by hash.
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_content
	$(PY) manage.py search_index --missing
	$(PY) manage.py ensure_admin

run: demo
	@echo ""
	@echo "  Nettsted:  http://$(HOST):$(PORT)/attraktive-samfunn/"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/"
	@echo "  GraphQL:   http://$(HOST):$(PORT)/graphql/  (GraphiQL i nettleseren)"
	@echo "  Søk:       http://$(HOST):$(PORT)/search/?q=bredbånd"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite twice: SQLite (zero setup), then PostgreSQL (production database).
test: test-sqlite test-postgres

# The test settings whatever the shell exports (a DJANGO_SETTINGS_MODULE there would otherwise win).
test-sqlite: setup
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=sqlite:///:memory: $(PY) -m pytest -m "not postgres" $(PYTEST_ARGS)

test-postgres: setup
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: setup
	$(PY) manage.py graphql_schema --schema api.schema.schema --out schema.graphql

# Side-by-side load test on PostgreSQL + Redis (database `cms_bench`); see README, "Performance".
bench: setup
	$(PY) bench/run.py --pg-url $(PG_URL) $(BENCH_ARGS)
