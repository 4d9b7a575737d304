# The two commands a newcomer needs:  make run  and  make test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast install system-deps site setup demo lint typecheck pytest loadtest clean

## run: set everything up, add a demo campaign week (never in production) and serve the site and the API on http://$(HOST):$(PORT)/ (SQLite)
run: install site setup demo
	$(BIN)/python -m quiz_api serve --host $(HOST) --port $(PORT)

## test: set everything up and run linters, type checks and the whole test suite
test: install system-deps lint typecheck pytest

## test-fast: the edit loop: lint, type checks and the tests on SQLite, without the browser
test-fast: install lint typecheck
	QUIZ_TEST_BACKENDS=sqlite $(BIN)/pytest -n 2 --dist loadfile -m "not browser"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## system-deps: the Debian packages the tests use (chromium, CJK fonts, nginx, pg_dump, systemd-analyze, promtool; as root)
system-deps:
	@scripts/system-deps.sh

## site: build the four-language static site into site/
site: install
	$(BIN)/python -m site_builder build

## setup: migrate the database and import the question bank and campaigns
setup: install
	$(BIN)/python -m quiz_api setup

## demo: a campaign week of made-up participants of the demo schools, so the dashboards show figures (skipped when present or with QUIZ_ENV=production; remove: python -m quiz_api demo --remove)
demo: setup
	$(BIN)/python -m quiz_api demo --optional

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy quiz_api site_builder loadtests tests

pytest: install
	$(BIN)/pytest -n 2 --dist loadfile

## loadtest: a short load test (under 2 minutes) against PostgreSQL; fails when a limit is broken
loadtest: install
	$(BIN)/python -m loadtests run adults --db postgres --users 40 --spawn-rate 4 --time 50s --think-scale 0.2

clean:
	rm -rf site var .pytest_cache .mypy_cache .ruff_cache
