# milestone-billing: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest migrate seed schema bench bench-large bench-shapes postgres chromium graphiql-assets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# GraphiQL opens with the demo key in its headers pane (`serve --demo-key`, on loopback only).
run: $(STAMP) graphiql-assets
	$(BIN)/milestone-billing migrate
	@seeded="$$($(BIN)/milestone-billing seed-demo)" && echo "$$seeded" && \
		$(BIN)/milestone-billing serve --demo-key "$$(echo "$$seeded" | tail -n 1)"

migrate: $(STAMP)
	$(BIN)/milestone-billing migrate

schema: $(STAMP)
	$(BIN)/milestone-billing export-schema --output schema.graphql

# Debian's PostgreSQL server, for the tests that start a throwaway cluster.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL not found and cannot install it here: its tests will skip"; fi; \
	fi

# GraphiQL's pinned files (npm pack, checked by their SRI hashes) so it works offline.
# Without npm it says so, and GraphiQL loads from the CDN.
graphiql-assets: $(STAMP)
	$(BIN)/python -m server.graphiql fetch

# Debian's Chromium, for the browser test (tests/server/test_browser.py).
chromium:
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium not found and cannot install it here: the browser test will skip"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) postgres chromium graphiql-assets
	$(BIN)/pytest

test: lint typecheck pytest

# The benchmark suite (bench/README.md): small dataset on SQLite and PostgreSQL, the floor and
# PostGraphile side by side; prints the table and writes bench/results.json (under 5 minutes).
bench: $(STAMP) postgres
	$(BIN)/python -m bench

# The same plus the large dataset (20,000 projects, 1,000,000 allocations) for scenario 4:
# built once into bench/.cache (several minutes), then reused.
bench-large: $(STAMP) postgres
	BENCH_LARGE=1 $(BIN)/python -m bench

# The shape suite (bench/shapes.py) at 1, 8 and 32 clients against PostGraphile, payments at 8
# and 32 clients on both backends, RSS over 100,000 requests; writes bench/shapes_results.json.
# BENCH_QUICK=1 for a short run.
bench-shapes: $(STAMP) postgres
	$(BIN)/python -m bench.shape_run

clean:
	rm -rf $(VENV) data .cache .pytest_cache .mypy_cache .ruff_cache
