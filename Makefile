# socialnet — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: help venv run test test-fast lint fmt bench bench-quick bench-tools migrate seed chromium clean translations messages

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the project with its test tools

# French: socialnet/translations/fr/LC_MESSAGES/messages.po is the source, its .mo is built.
CATALOGUE := socialnet/translations/fr/LC_MESSAGES/messages
$(CATALOGUE).mo: $(CATALOGUE).po $(STAMP)
	$(BIN)/pybabel -q compile --statistics -d socialnet/translations -D messages

translations: $(CATALOGUE).mo ## Compile the French catalogue (run, test and bench do it)

messages: $(STAMP) ## Extract new strings into the French catalogue (then translate them)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
	  --no-location --sort-output -o socialnet/translations/messages.pot .
	$(BIN)/pybabel -q update --ignore-obsolete --no-fuzzy-matching \
	  -i socialnet/translations/messages.pot -d socialnet/translations -D messages
	rm socialnet/translations/messages.pot

# One-shot commands need no event loop: eventlet would monkey-patch after Flask is imported.
CLI := SOCKETIO_ASYNC_MODE=threading $(BIN)/flask

# The demo company is French (a person's browser and preference still decide for them).
run: export SOCIALNET_DEFAULT_LANGUAGE ?= fr
run: $(STAMP) translations ## Set up and serve the demo company on SQLite at http://127.0.0.1:5000
	$(CLI) db upgrade
	$(CLI) seed-demo --if-empty
	$(BIN)/python wsgi.py

.PHONY: run-cluster
run-cluster: $(STAMP) ## PostgreSQL + Redis + N=2 server processes behind nginx on http://127.0.0.1:8080
	deploy/run_cluster.sh

chromium: ## Install Debian's chromium for the browser tests, if missing
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Test files are spread over TEST_WORKERS processes (pytest-xdist), a file's tests on one
# worker so that module fixtures (a cluster, a seeded template) are built once;
# each worker has its own database. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

test: $(STAMP) translations chromium ## Run the whole suite on SQLite, then on PostgreSQL if TEST_DATABASE_URL is set
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p test-artifacts
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PARALLEL) --junitxml=test-artifacts/sqlite.xml
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL), without the browser tests"; \
	  EXPECT_DIALECT=postgresql $(BIN)/pytest $(PARALLEL) -m "not browser" --junitxml=test-artifacts/postgresql.xml; \
	else echo "TEST_DATABASE_URL is unset: PostgreSQL run skipped (CI sets it)"; fi

test-fast: $(STAMP) translations ## Unit and API tests only (no browser, no server subprocess)
	$(BIN)/pytest $(PARALLEL) -m "not browser and not e2e"

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_ARGS ?=
bench-tools: $(STAMP) translations
	@$(BIN)/python -c "import aiohttp" 2>/dev/null || $(BIN)/pip install -q aiohttp py-spy
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx; }

bench: bench-tools ## Scale benchmark (issue #6), SQLite then PostgreSQL: writes bench/results.md
	$(BIN)/python -m bench.run --db sqlite,postgresql $(BENCH_ARGS)

bench-quick: bench-tools ## The same at 1/10 scale, one run each (BENCH_ARGS="--only feed,writes --db sqlite")
	$(BIN)/python -m bench.run --scale 0.1 --runs 1 --no-write $(BENCH_ARGS)

migrate: $(STAMP) ## Apply migrations to DATABASE_URL (default: instance/socialnet.db)
	$(CLI) db upgrade

clean: ## Remove the venv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info socialnet/translations/*/LC_MESSAGES/*.mo
