# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
SAMPLE := examples/sample-investigation
export TESTIMONIA_PASSPHRASE ?= demo-passphrase-not-for-real-use

.PHONY: install demo test lock clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every dependency is pinned by hash in requirements.lock (regenerate with `make lock`).
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: export TESTIMONIA_ACTOR = sahel-admin
demo: install
	@echo "Demo workspace in $(DEMO)/ (passphrase: $$TESTIMONIA_PASSPHRASE — for the demo only)"
	rm -rf $(DEMO) $(DEMO)-export
	$(BIN)/testimonia init $(DEMO) --org "Sahel Desk"
	$(BIN)/testimonia org add "Maison des Témoins" --admin mdt-admin -w $(DEMO)
	$(BIN)/testimonia org add "Kyiv Investigations Unit" --admin kiu-admin -w $(DEMO)
	for actor in sahel-admin mdt-admin kiu-admin; do \
		TESTIMONIA_ACTOR=$$actor $(BIN)/testimonia source import $(SAMPLE)/sources.yaml -w $(DEMO) || exit 1; \
	done
	for actor in sahel-admin mdt-admin kiu-admin; do \
		TESTIMONIA_ACTOR=$$actor $(BIN)/testimonia ingest $(SAMPLE)/testimonies -w $(DEMO) \
			--source-map $(SAMPLE)/sources.yaml || exit 1; \
	done
	TESTIMONIA_ACTOR=mdt-admin $(BIN)/testimonia share all --with "Sahel Desk" -w $(DEMO)
	TESTIMONIA_ACTOR=kiu-admin $(BIN)/testimonia share all --with "Sahel Desk" -w $(DEMO)
	$(BIN)/testimonia extract -w $(DEMO)
	$(BIN)/testimonia verify -w $(DEMO)
	$(BIN)/testimonia claims -w $(DEMO) --site Taganrog --method electric_shock
	$(BIN)/testimonia analyze -w $(DEMO)
	$(BIN)/testimonia vault set Wangrin --name "Amadou Exemple" --contact "+223 70 00 00 01" \
		--home Dogofry -w $(DEMO)
	$(BIN)/testimonia export --format json --audience public -o $(DEMO)-export -w $(DEMO)

test: install
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

lock:
	uv pip compile pyproject.toml requirements-build.in --extra test --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock

clean-demo:
	rm -rf $(DEMO) $(DEMO)-export
