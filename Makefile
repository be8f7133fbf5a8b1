# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/bxgc.duckdb
PORT ?= 8501
# Loopback only unless told otherwise (e.g. ADDRESS=0.0.0.0); see the README on reverse proxies.
ADDRESS ?= 127.0.0.1

.PHONY: run test check lint format bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(DB): | $(VENV)/.runtime
	$(BIN)/python -m bxgc_metrics demo --db $(DB) --if-missing

## Serve the dashboard on http://127.0.0.1:8501 (demo data is created if the database is missing);
## Chromium and a CJK font are installed if missing, for the chart images.
run: $(VENV)/.runtime $(DB)
	bash scripts/install-system-deps.sh
	BXGC_DB=$(DB) $(BIN)/python -m bxgc_ui.serve --server.address $(ADDRESS) --server.port $(PORT) \
		--browser.gatherUsageStats false

## Install what the tests need (Python packages, Chromium, a CJK font) and run the whole suite.
test: $(VENV)/.dev
	bash scripts/install-system-deps.sh
	$(BIN)/python -m pytest -n auto

## Format check, lint, types, import contracts and tests.
check: $(VENV)/.dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy bxgc_metrics bxgc_ui bxgc_docs
	$(BIN)/lint-imports
	$(MAKE) test

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(VENV)/.runtime
	$(BIN)/python -m bxgc_metrics demo --db $(DB)

## The benchmark (browser and PostgreSQL rows need the same system packages as the tests).
bench: $(VENV)/.dev
	bash scripts/install-system-deps.sh
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
