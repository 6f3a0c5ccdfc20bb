# Caravan: `make run` serves the demo, `make test` passes the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.test-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: makemessages run serve install install-test messages test test-sqlite test-postgres test-e2e lint check ci bench clean demo

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.test-installed-*
	touch $(TEST_STAMP)

install-test: $(TEST_STAMP)

## Extract UI strings into the seven catalogues (needs GNU gettext: apt-get install gettext).
makemessages: install
	cd src/caravan && ../../$(BIN)/caravan makemessages --no-obsolete --no-location -l zh_Hans -l fa -l ru -l kk -l vi -l hi --ignore 'demo/*' -v 0

## Compile translations with Babel (no GNU gettext needed on a fresh machine).
messages: $(STAMP)
	$(BIN)/caravan compile_translations

## Serve the demo: migrate, load the demo network (idempotent), serve on http://127.0.0.1:8000.
run: install messages
	$(BIN)/caravan migrate --no-input -v 0
	$(BIN)/caravan demo
	$(BIN)/caravan serve

demo: install messages
	$(BIN)/caravan migrate --no-input -v 0
	$(BIN)/caravan demo

## The whole suite on SQLite; browser tests run when Chromium is found (always under CI=true).
test: install-test messages
	$(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile

test-sqlite: test

test-postgres: install-test messages
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile -m "not e2e"

lint: install-test
	$(BIN)/ruff check src tests bench

check: install-test messages
	$(BIN)/caravan check
	$(BIN)/caravan makemigrations --check --dry-run
	$(BIN)/caravan compilemessages --ignore '.venv' --ignore 'var' -v 0

## Everything CI runs: lint, checks, the suite on SQLite and on PostgreSQL (browser tests included).
ci: lint check test test-postgres

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache test-artifacts
