# Two entry points (see README): `make demo` and `make test`. Everything else is
# what they need on a fresh machine: a pinned virtual environment, Chromium for the
# browser tests, migrations, message catalogues and demo data.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# CI's machine has PostgreSQL on loopback with trust auth; any other server can be
# given through DATABASE_URL.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The suite runs in parallel processes (each with its own test database).
PYTEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/pytest -p no:cacheprovider -n $(PYTEST_WORKERS)

.PHONY: demo test setup lint typecheck pytest pytest-postgres pytest-s3 bench chromium pdf-libraries messages clean \
	restore-check load crash-test cluster-test fuzz

demo: setup pdf-libraries
	$(MANAGE) migrate --noinput
	$(MANAGE) ensure_schedules
	$(MANAGE) load_demo
	@echo
	@echo "Integra runs on http://127.0.0.1:8000"
	@echo "Demo logins (password: demo): coordinator police social fire mayor clerk analyst admin, and 'malmedy' of a second municipality"
	@echo
	@# The worker runs beside the web server; Ctrl-C stops both.
	trap 'kill 0' EXIT; $(MANAGE) qcluster & $(MANAGE) runserver 127.0.0.1:8000

test: setup chromium pdf-libraries lint typecheck pytest pytest-postgres

setup: $(VENV)/.synced messages

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

messages: $(VENV)/.synced
	$(MANAGE) compilemessages --ignore '.venv/*' --ignore '.tools/*' -v 0

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }; }

# WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is there: the same PDF
# bytes on every render (the reports' byte-for-byte idempotence depends on it), and faster
# than its pure-Python fallback.
pdf-libraries:
	@/sbin/ldconfig -p | grep -q libharfbuzz-subset || { \
	  echo "Installing Debian's libharfbuzz-subset0 for WeasyPrint"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q libharfbuzz-subset0 >/dev/null || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q libharfbuzz-subset0; } || \
	  echo "warning: libharfbuzz-subset0 could not be installed; WeasyPrint falls back to its slower font subsetting"; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy .

# PostgreSQL given through DATABASE_URL, or the one answering on 127.0.0.1:5432.
POSTGRES := $(or $(DATABASE_URL),$(shell $(PYTHON) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null && echo $(PG_URL)))
# The end-to-end walks take minutes each: with a second database run, SQLite walks the
# Dutch path and PostgreSQL the French one, so each database walks the whole path once.
, := ,
WALKS_SQLITE := $(if $(POSTGRES),nl,nl$(,)fr)

pytest: setup
	INTEGRA_WALKS=$(WALKS_SQLITE) DATABASE_URL= $(PYTEST)

# Runs the whole suite again on PostgreSQL when there is one, as production runs: the
# files of the storage tests (S3_TESTS below) on S3, the SQLite run having served them from
# the disk. Page checks no database changes (marked once_per_make_test) and the browser
# tests other than the end-to-end walks, whose views' tests run on both databases
# (first_database_only), ran in the SQLite run; each run walks end to end, SQLite in
# Dutch and this one in French. Without PostgreSQL, the storage tests run on S3 with
# SQLite instead.
pytest-postgres: setup
	@if [ -n "$(POSTGRES)" ]; then echo "== again on PostgreSQL ($(POSTGRES)), storage tests on S3"; \
	  INTEGRA_WALKS=fr INTEGRA_SECOND_RUN=1 INTEGRA_TEST_S3_FILES="$(S3_TESTS)" DATABASE_URL="$(POSTGRES)" $(PYTEST); \
	else echo "== no PostgreSQL reachable: suite ran on SQLite only"; $(MAKE) pytest-s3; fi

# The tests of the files' paths with every storage on S3: moto's S3 server on a loopback
# port, started by the tests themselves (tests/storage.py); each test has a bucket of its
# own. make test runs them in its PostgreSQL run; `make pytest-s3` runs them on SQLite.
# Any test file runs the same way with INTEGRA_TEST_STORAGE=s3.
S3_TESTS := tests/test_storage.py tests/test_photo_zip.py tests/test_decision_document.py \
	tests/test_privacy_registry.py tests/test_field_pages.py tests/test_exports.py \
	tests/test_late_saves_after_sign_off.py tests/test_gis_import_web.py \
	tests/test_field_late_sync.py tests/test_readiness.py tests/test_decisions_views.py \
	tests/test_retention.py
pytest-s3: setup
	@echo "== files on S3 (moto's server on loopback)"
	INTEGRA_TEST_STORAGE=s3 DATABASE_URL= $(PYTEST) -m "not browser" $(S3_TESTS)

bench: setup
	$(PY) -m bench

# Back up the demo city and restore it into a second, empty installation (both in a
# temporary folder, SQLite), printing what came back and "verified".
restore-check: setup
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	INTEGRA_DATA_DIR="$$tmp/source" $(MANAGE) migrate --noinput -v 0 && \
	INTEGRA_DATA_DIR="$$tmp/source" $(MANAGE) load_demo -v 0 && \
	INTEGRA_DATA_DIR="$$tmp/source" $(MANAGE) backup "$$tmp/integra.tar.gz" && \
	INTEGRA_DATA_DIR="$$tmp/target" $(MANAGE) migrate --noinput -v 0 && \
	INTEGRA_DATA_DIR="$$tmp/target" $(MANAGE) restore "$$tmp/integra.tar.gz"

# N simulated users for T seconds against gunicorn with DEBUG off and PostgreSQL (a
# fresh database integra_load; SQLite when none answers). LOAD_USERS, LOAD_SECONDS.
LOAD_USERS ?= 200
LOAD_SECONDS ?= 300
load: setup
	$(PY) -m bench.load --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

# Inspectors' outboxes against a server killed and restarted at random, on SQLite and
# PostgreSQL: lost=0 doubled=0 photos_verified=N rounds=R. CRASH_ROUNDS, CRASH_INSPECTORS.
crash-test: setup
	$(PY) -m bench.crash_sync

# Two gunicorn nodes and a worker on PostgreSQL, Redis and an S3 server on loopback; node
# A killed mid-flush and restarted: lost=0 doubled=0 photos_verified=N sessions_shared=yes
# packs_from_both=yes rounds=R. CLUSTER_ROUNDS, CLUSTER_INSPECTORS.
cluster-test: setup
	$(PY) -m bench.cluster

# The fuzz tests of `make test`, with many more generated examples (FUZZ_EXAMPLES).
FUZZ_EXAMPLES ?= 300
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest tests/test_fuzz_api.py tests/test_fuzz_imports.py

clean:
	rm -rf $(VENV) $(TOOLS) var
