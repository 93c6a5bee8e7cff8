# One command per job. Each target builds the virtual environment first when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test check lint typecheck kb-check audit bench evaluate evaluate-dev evaluate-root evaluate-holdout evaluate-holdout2 evaluate-holdout3 evaluate-holdout4 evaluate-holdout5 evaluate-mimic conformance clean

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

# pip-audit asks PyPI's vulnerability service. Found vulnerabilities always fail the target; an
# unreachable service is reported clearly (SKIPPED, or a WARNING naming how many packages could
# not be checked) and only then tolerated.
audit: $(STAMP)
	@out=$$($(BIN)/pip-audit --skip-editable --progress-spinner off 2>&1); status=$$?; echo "$$out"; \
	if echo "$$out" | grep -qiE "found [0-9]+ known vulnerabilit"; then exit 1; fi; \
	if [ $$status -ne 0 ]; then \
	  if echo "$$out" | grep -qiE "connection|timed out|name resolution|max retries|unreachable"; then \
	    echo "audit: SKIPPED - the vulnerability service is unreachable (no network)"; exit 0; fi; \
	  exit $$status; fi; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ $$skipped -gt 0 ]; then echo "audit: WARNING - $$skipped dependencies could not be audited" \
	  "(vulnerability service unreachable or package unknown to it): only the others were checked"; fi

check: lint typecheck kb-check audit

# Speed and scale figures (printed; never timed unit tests). The service load runs on SQLite;
# wrap in scripts/with_postgres.sh to add PostgreSQL.
bench: $(STAMP)
	$(BIN)/python benchmarks/engine_throughput.py
	$(BIN)/python benchmarks/nlp_throughput.py
	$(BIN)/python benchmarks/interview_simulation.py
	$(BIN)/python benchmarks/batch_scaling.py
	$(BIN)/python benchmarks/service_load.py

evaluate: $(STAMP)
	$(BIN)/nervemap evaluate tests/golden/cases.jsonl

evaluate-dev: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/devset.jsonl --report reports/devset

evaluate-root: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/rootset.jsonl --misses

# 28 published root-level cases written in session 7 and measured before any rule was tuned on them
# (scripts/rootset_holdout.jsonl; baseline in CHANGELOG): keep tuning off them to keep the figure honest
evaluate-holdout: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/rootset_holdout.jsonl --misses

# a second blind hold-out (session 8): 29 published mimics, emergencies and root-level cases
# (scripts/holdout2.jsonl; baseline in CHANGELOG), measured before any change: never tune on it
evaluate-holdout2: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/holdout2.jsonl --misses

# third blind hold-out (session 9): root-level cases and nerve/plexus/hip mimics from published cases
# (scripts/holdout3.jsonl; baseline in CHANGELOG), measured before any change: never tune on it
evaluate-holdout3: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/holdout3.jsonl --misses

# fourth blind hold-out (session 10): root-level cases, nerve/hip mimics and emergencies from published
# cases (scripts/holdout4.jsonl; baseline in CHANGELOG), committed before any measurement: never tune on it
evaluate-holdout4: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/holdout4.jsonl --misses

# fifth blind hold-out (session 11): root-level cases, nerve/hip mimics and emergencies from published
# cases (scripts/holdout5.jsonl), written blind and committed before any measurement: never tune on it
evaluate-holdout5: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/holdout5.jsonl --misses

# development set of mimics and emergencies (session 17): 38 paraphrased published cases of leg pain that mimics
# or accompanies spinal disease (AAA, limb ischaemia, compartment syndrome, DVT, Baker's cyst, sacral and hip
# fractures, nerve entrapments, GBS, zoster, epidural abscess, metastatic compression). Open for tuning, unlike
# the hold-outs: fixes found on it must still be general rules with a source.
evaluate-mimic: $(STAMP)
	$(BIN)/nervemap evaluate tests/data/mimicset.jsonl --misses

# FHIR R4 and CDS Hooks 2.0 conformance (issue 18): every FHIR resource and CDS Hooks response nervemap
# writes for the golden cases, checked with the official R4 JSON Schema, the R4 StructureDefinitions and
# their FHIRPath invariants, and the CDS Hooks 2.0 attribute tables. Needs node and npm; the validators'
# exact versions are in conformance/package-lock.json. Fails on any error.
CONFORMANCE_OUT := build/conformance
conformance/node_modules/.installed: conformance/package.json conformance/package-lock.json
	cd conformance && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

conformance: $(STAMP) conformance/node_modules/.installed
	rm -rf $(CONFORMANCE_OUT)
	$(BIN)/python conformance/write_resources.py $(CONFORMANCE_OUT)
	node conformance/validate.mjs $(CONFORMANCE_OUT) --json $(CONFORMANCE_OUT)/report.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info conformance/node_modules
