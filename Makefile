# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
DEMO_KEYS := demo-keys
SAMPLE := examples/sample-investigation
# Front-end libraries: from the npm registry by web/package-lock.json, served by the app itself.
VENDOR := src/testimonia/web/static/vendor
export TESTIMONIA_PASSPHRASE ?= demo-passphrase-not-for-real-use

.PHONY: install demo check test lock clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every dependency is pinned by hash in requirements.lock (regenerate with `make lock`).
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(VENDOR)/htmx.min.js: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp web/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp web/node_modules/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	mkdir -p $(VENDOR)/leaflet
	cp -r web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css \
		web/node_modules/leaflet/dist/images web/node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp web/node_modules/topojson-client/dist/topojson-client.min.js $(VENDOR)/topojson-client.min.js
	cp web/node_modules/topojson-client/LICENSE $(VENDOR)/topojson-client.LICENSE
	cp web/node_modules/world-atlas/countries-50m.json $(VENDOR)/countries-50m.json
	cp web/node_modules/world-atlas/LICENSE $(VENDOR)/world-atlas.LICENSE

install: $(STAMP) $(VENDOR)/htmx.min.js

# Each person has a credential of their own (a key file here, kept outside the workspace):
# it signs what they do and opens their organisation's keys.
demo: export TESTIMONIA_ACTOR = sahel-admin
demo: export TESTIMONIA_USER_KEY_FILE = $(CURDIR)/$(DEMO_KEYS)/sahel-admin.key
demo: install
	@echo "Demo workspace in $(DEMO)/ (passphrase: $$TESTIMONIA_PASSPHRASE — for the demo only; each user's key file in $(DEMO_KEYS)/)"
	rm -rf $(DEMO) $(DEMO)-exports $(DEMO_KEYS)
	mkdir -m 700 $(DEMO_KEYS)
	$(BIN)/testimonia keygen $(DEMO_KEYS)/sahel-admin.key
	$(BIN)/testimonia init $(DEMO) --org "Sahel Desk"
	$(BIN)/testimonia org add "Maison des Témoins" --admin mdt-admin --key-file $(DEMO_KEYS)/mdt-admin.key -w $(DEMO)
	$(BIN)/testimonia org add "Kyiv Investigations Unit" --admin kiu-admin --key-file $(DEMO_KEYS)/kiu-admin.key -w $(DEMO)
	for actor in sahel-admin mdt-admin kiu-admin; do \
		TESTIMONIA_ACTOR=$$actor TESTIMONIA_USER_KEY_FILE=$(DEMO_KEYS)/$$actor.key \
			$(BIN)/testimonia source import $(SAMPLE)/sources.yaml -w $(DEMO) || exit 1; \
	done
	for actor in sahel-admin mdt-admin kiu-admin; do \
		TESTIMONIA_ACTOR=$$actor TESTIMONIA_USER_KEY_FILE=$(DEMO_KEYS)/$$actor.key \
			$(BIN)/testimonia ingest $(SAMPLE)/testimonies -w $(DEMO) --source-map $(SAMPLE)/sources.yaml || exit 1; \
	done
	TESTIMONIA_ACTOR=mdt-admin TESTIMONIA_USER_KEY_FILE=$(DEMO_KEYS)/mdt-admin.key \
		$(BIN)/testimonia share all --with "Sahel Desk" -w $(DEMO)
	TESTIMONIA_ACTOR=kiu-admin TESTIMONIA_USER_KEY_FILE=$(DEMO_KEYS)/kiu-admin.key \
		$(BIN)/testimonia share all --with "Sahel Desk" -w $(DEMO)
	$(BIN)/testimonia extract -w $(DEMO)
	$(BIN)/testimonia verify -w $(DEMO)
	$(BIN)/testimonia claims -w $(DEMO) --site Taganrog --method electric_shock
	$(BIN)/testimonia analyze -w $(DEMO)
	$(BIN)/testimonia analyze --include-unreviewed -w $(DEMO)
	$(BIN)/testimonia vault set Wangrin --name "Amadou Exemple" --contact "+223 70 00 00 01" \
		--home Dogofry -w $(DEMO)
	mkdir -p $(DEMO)-exports
	for format in json geojson csv ftm html; do \
		$(BIN)/testimonia export --format $$format --audience public --include-unreviewed \
			-o $(DEMO)-exports/$$format-public -w $(DEMO) || exit 1; \
	done
	$(BIN)/testimonia export --format csv --audience partner --include-unreviewed -o $(DEMO)-exports/csv-partner -w $(DEMO)
	$(BIN)/testimonia claim accept $$($(BIN)/testimonia claims -w $(DEMO) --site Sevare --json \
		| $(BIN)/python -c 'import json, sys; print(" ".join(json.loads(line)["id"] for line in sys.stdin))') \
		--reason "demo: a reviewer's pass over the Sévaré accounts" -w $(DEMO)
	$(BIN)/testimonia export --format bundle --audience legal -o $(DEMO)-exports/bundle-legal -w $(DEMO)
	$(BIN)/testimonia verify-bundle $(DEMO)-exports/bundle-legal
	for role in analyst reviewer viewer; do \
		$(BIN)/testimonia user add sahel-$$role --role $$role --key-file $(DEMO_KEYS)/sahel-$$role.key -w $(DEMO) || exit 1; \
	done
	@echo
	@echo "Open the web workspace (docs/web.md):"
	@echo "  TESTIMONIA_PASSPHRASE='$$TESTIMONIA_PASSPHRASE' $(BIN)/testimonia serve -w $(DEMO)"
	@echo "  then http://127.0.0.1:8000/ and sign in as one of the demo users, with their key file"
	@echo "  (upload it, or paste its two lines): sahel-admin, sahel-analyst, sahel-reviewer, sahel-viewer"
	@echo "  (Sahel Desk, which the partners share with), mdt-admin or kiu-admin — each in $(DEMO_KEYS)/NAME.key."

# Lint (ruff), types (mypy --strict), security smells (bandit), known vulnerabilities (pip-audit).
check: install
	.ci/static-checks

# The suite runs on the embedded SQLite store, then again on PostgreSQL (each workspace in
# a fresh database of a private cluster on a unix socket, docs/deployment.md) when the
# server binaries are installed (Debian's postgresql package: .ci/run installs it).
# Without them the PostgreSQL run is skipped, with a line saying so; the SQLite run
# alone decides the exit status then.
test: check
	$(BIN)/python -m pytest -q
	@if .ci/pg-cluster check; then \
		echo "The suite again, on PostgreSQL:"; \
		TESTIMONIA_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q; \
	else \
		echo "PostgreSQL run skipped: no server binaries (apt-get install postgresql, or PG_BIN=...)."; \
	fi

lock:
	uv pip compile pyproject.toml requirements-build.in --extra test --extra ftm --extra postgres --extra ray --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock

clean-demo:
	rm -rf $(DEMO) $(DEMO)-exports $(DEMO_KEYS)
