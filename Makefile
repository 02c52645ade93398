# ICJIS — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_DB := icjis_make_$(shell echo $$$$)
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres install lint bench test-reliability clean pg-up nats-up

$(STAMP): pyproject.toml
	@# WeasyPrint (receipt PDFs) needs Debian's pango; installed only where it is missing.
	@if command -v apt-get >/dev/null && ! /sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0; then \
	  apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	    libharfbuzz-subset0 fonts-dejavu-core; \
	fi
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@# The browser test drives Debian's chromium; the catalogues are compiled with gettext's msgfmt.
	@if command -v apt-get >/dev/null && { ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null; }; then \
	  apt-get update -qq && apt-get install -y -qq chromium gettext; \
	fi
	touch $(STAMP)

# The translation catalogues, compiled whenever a .po file is newer than its .mo.
PO := $(wildcard src/icjis/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)
$(MO): %.mo: %.po $(STAMP)
	msgfmt --check-format -o $@ $<

install: $(STAMP) $(MO)

demo: install
	ICJIS_ENV=demo $(BIN)/icjis demo

# Both suites at once, one on each core; every line is marked with the suite that printed it.
test: install pg-up nats-up
	@set -o pipefail; \
	( $(MAKE) --no-print-directory test-sqlite 2>&1 | sed -u 's/^/[sqlite] /' ) & sqlite=$$!; \
	( $(MAKE) --no-print-directory test-postgres 2>&1 | sed -u 's/^/[postgres] /' ) & pg=$$!; \
	wait $$sqlite; a=$$?; wait $$pg; b=$$?; \
	echo "=== make test: SQLite suite exit $$a, PostgreSQL suite exit $$b ==="; \
	test $$a -eq 0 && test $$b -eq 0

test-sqlite: install
	@echo "=== test suite on SQLite ==="
	ICJIS_ENV=test DATABASE_URL=sqlite:///var/make-test.sqlite3 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install pg-up
	@echo "=== test suite on PostgreSQL ($(PG_DB), created and dropped by the run) ==="
	ICJIS_ENV=test DATABASE_URL=$(PG_URL)/$(PG_DB) $(BIN)/python -m pytest $(PYTEST_ARGS)

pg-up:
	@bash scripts/ensure-services.sh postgres

nats-up:
	@bash scripts/ensure-services.sh nats

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP) pg-up
	ICJIS_ENV=test $(BIN)/python -m benchmarks $(if $(SCALE),--scale $(SCALE)) $(if $(PERSONS),--persons $(PERSONS))

# The reliability and security suite (several minutes, so not in `make test`; .ci/run runs it):
# gunicorn under load, SIGKILL, a database outage, the access matrix, fuzzing of the reads, logs.
test-reliability: $(STAMP) pg-up
	@echo "=== reliability and security suite on PostgreSQL ($(PG_DB)) ==="
	ICJIS_ENV=test DATABASE_URL=$(PG_URL)/$(PG_DB) $(BIN)/python -m pytest tests/reliability $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
