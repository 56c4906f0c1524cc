# The two commands: `make demo` and `make test`. Everything they need, they install.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Two workers: the CI machine has two cores.
PYTEST_ARGS ?= -n 2
export CTPAT_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install system-deps postgres lint format test-sqlite test-postgres clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

system-deps:
	bash scripts/system-deps.sh

postgres: system-deps
	bash scripts/ensure-postgres.sh "$(TEST_DATABASE_URL)"

demo: install
	$(BIN)/ctpat demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-sqlite: install system-deps
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install postgres
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Lint, then the whole suite on SQLite, then on PostgreSQL.
test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
