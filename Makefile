# Two commands a new user needs: `make run` (the app) and `make test` (the test suite).
# Each creates .venv on first use and installs exactly requirements.lock; later runs reinstall only
# when pyproject.toml or the lock changes. `make lock` re-resolves the lock (a deliberate upgrade).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# The CPU build of torch lies here on this kind of machine; the lock pins it (torch==2.13.0+cpu), so
# nothing can pull the CUDA wheels.
TORCH_WHEELS ?= /opt/wheels
UV_PIN := $(or $(shell grep -m1 -o '^uv==[^ ]*' $(LOCK) 2>/dev/null),uv==0.13.9)
UV_FLAGS := --python $(PY) --find-links $(TORCH_WHEELS)

# Nothing is fetched from a model hub, and nothing reports home.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export LANGCHAIN_TRACING_V2 := false
export LANGSMITH_TRACING := false
# llama-cpp-python builds llama.cpp from source: use both cores.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: setup run test lint lock lock-check format bench eval clean

setup: $(STAMP)

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "coach needs Python 3.11"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check $(UV_PIN)

lock-check: $(UV)
	$(PY) tests/lockcheck.py

$(STAMP): pyproject.toml $(LOCK) | $(UV)
	$(PY) tests/lockcheck.py
	$(UV) pip sync $(UV_FLAGS) --require-hashes --build-constraints $(LOCK) $(LOCK)
	$(UV) pip install $(UV_FLAGS) --no-deps --build-constraints $(LOCK) -e .
	@touch $(STAMP)

lock: $(UV)
	$(UV) pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
		--find-links $(TORCH_WHEELS) \
		--custom-compile-command 'make lock' -o $(LOCK)
	$(PY) tests/lockcheck.py

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
	$(PY) -m tests.bench.bench_crypto $(BENCH_CRYPTO_ARGS)

eval: $(STAMP)
	$(PY) -m tests.bench.eval_retrieval $(EVAL_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format coach tui tests
	$(VENV)/bin/ruff check --fix coach tui tests

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
