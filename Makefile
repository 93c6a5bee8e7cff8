# One command per job. Each target builds the virtual environment first when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test check lint typecheck kb-check bench evaluate evaluate-dev clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The main job on the embedded SQLite default: the knowledge base, the example assessments, then
# the full app (API, patient interview, clinician workspace) with demo data until Ctrl-C.
demo: $(STAMP)
	$(BIN)/nervemap kb stats
	$(BIN)/nervemap demo
	$(BIN)/nervemap demo-app

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src

kb-check: $(STAMP)
	$(BIN)/nervemap kb check

check: lint typecheck kb-check

bench: $(STAMP)
	$(BIN)/python benchmarks/engine_throughput.py
	$(BIN)/python benchmarks/nlp_throughput.py

evaluate: $(STAMP)
	$(BIN)/nervemap evaluate tests/golden/cases.jsonl

evaluate-dev: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/devset.jsonl --report reports/devset

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
