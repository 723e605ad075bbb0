# Two commands on a fresh machine: `make demo` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin
PORT    ?= 8000
PGURL    = postgresql+psycopg://postgres@127.0.0.1:5432

export TEST_DATABASE_URL ?= $(PGURL)/resumesmith_test
export TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15
# The product owner's labelled matching data, wherever this machine keeps it (tests skip without).
export RJDB_DEV_PATH     ?= $(firstword $(wildcard ../shared/data/rjdb/dev.jsonl /work/shared/data/rjdb/dev.jsonl))

.PHONY: install demo test lint typecheck services serve bench samples clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## demo: tailor the sample resume offline (SQLite, no Redis, no keys) and write PDFs to out/
demo: install
	$(BIN)/resumesmith demo --out out

## test: lint, type-check and run the whole suite on real Postgres, Redis and Celery
test: install services lint typecheck
	$(BIN)/pytest --cov --cov-report=term -q

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

services:
	.ci/services.sh resumesmith_test

## serve: migrate, then run the API, one worker and Flower; Ctrl-C stops all three
serve: install
	.ci/services.sh resumesmith
	DATABASE_URL="$${DATABASE_URL:-$(PGURL)/resumesmith}" BIN=$(BIN) PORT=$(PORT) .ci/serve.sh

bench: install
	$(BIN)/python bench/pipeline.py --runs 30

## samples: the sample resume and a cover letter in every template, as PDFs and page PNGs
samples: install
	$(BIN)/python -m worker.samples --out out/samples

clean:
	rm -rf out var .pytest_cache .mypy_cache .ruff_cache .coverage
