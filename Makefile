# Two commands a new user needs: `make run` (the app) and `make test` (the test suite).
# Each creates .venv on first use; later runs reinstall only when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Nothing is fetched from a model hub, and nothing reports home.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export LANGCHAIN_TRACING_V2 := false
export LANGSMITH_TRACING := false

.PHONY: setup run test lint format bench eval clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "coach needs Python 3.11"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# The CPU build of torch first, pinned, so nothing pulls the CUDA wheels.
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,local,remote]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/coach

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check coach tui tests
	$(VENV)/bin/ruff format --check coach tui tests
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m tests.bench.bench_retrieval $(BENCH_ARGS)
	$(PY) -m tests.bench.bench_tui $(BENCH_TUI_ARGS)
	$(PY) -m tests.bench.bench_llm

eval: $(STAMP)
	$(PY) -m tests.bench.eval_retrieval $(EVAL_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format coach tui tests
	$(VENV)/bin/ruff check --fix coach tui tests

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
