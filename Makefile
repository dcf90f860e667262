# milestone-billing: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed-stamp
# uv's own pin with its hashes, cut from uv.lock by `make lock`: all a fresh clone needs is
# python3.11 and pip.
UV_REQUIREMENTS := .ci/uv-requirements.txt
EXPORT_UV_PIN = $(UV) export --frozen --extra dev --no-emit-project --no-header --no-annotate \
	| awk '/^uv==/ { keep = 1 } keep { print } keep && !/\\$$/ { keep = 0 }'

.PHONY: run test lint typecheck pytest lock lock-upgrade lock-check migrate seed schema bench bench-large bench-shapes bench-citus postgres citus chromium graphiql-assets npm-tools clean

# The venv holds only what uv.lock pins (no pip of its own): the system's pip puts uv into it.
$(UV): $(UV_REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check \
		--no-deps --require-hashes -r $(UV_REQUIREMENTS)
	touch $(UV)

# Exactly what uv.lock pins, each file checked against its hash, the project itself editable;
# refuses (--locked) a uv.lock that no longer matches pyproject.toml. Compiled to bytecode as
# pip does: where PYTHONDONTWRITEBYTECODE is set, each process would compile every module again.
$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --extra dev --compile-bytecode
	touch $(STAMP)

# After changing a dependency in pyproject.toml: re-resolve uv.lock (keeping the other pins).
lock: $(UV)
	$(UV) lock
	$(EXPORT_UV_PIN) > $(UV_REQUIREMENTS)

# Every dependency to the newest version pyproject.toml allows.
lock-upgrade: $(UV)
	$(UV) lock --upgrade
	$(EXPORT_UV_PIN) > $(UV_REQUIREMENTS)

# CI: uv.lock matches pyproject.toml, and uv's bootstrap pin matches uv.lock.
lock-check: $(UV)
	@$(UV) lock --check || { echo "uv.lock does not match pyproject.toml: run make lock"; exit 1; }
	@diff <($(EXPORT_UV_PIN)) $(UV_REQUIREMENTS) || \
		{ echo "$(UV_REQUIREMENTS) differs from uv.lock: run make lock"; exit 1; }

# GraphiQL opens with the demo key in its headers pane (`serve --demo-key`, on loopback only).
# Our own modules are compiled first (only what changed): the editable install is not, and
# where PYTHONDONTWRITEBYTECODE is set each command below would compile them all (0.3-0.5 s).
run: $(STAMP) graphiql-assets
	$(BIN)/python -m compileall -q server schema db domain resolvers milestone_billing.py
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

# Citus, for the tests on a three-node cluster (tests/citus.py). Debian has no package, so it is
# built from the vendored source (sha256 checked) into PostgreSQL's lib folder, once per machine
# (about 4 minutes). The rename: PostgreSQL 15.20 exports have_createdb_privilege(), which
# Citus 13.2.2 also defines as a static inline.
CITUS_VENDOR ?= ../shared/vendor
CITUS_SOURCE := citus-13.2.2
CITUS_BUILD_DEPS := postgresql-server-dev-15 libcurl4-openssl-dev liblz4-dev libzstd-dev \
	libkrb5-dev libssl-dev build-essential autoconf
citus: postgres
	@pg_lib="$$(pg_config --pkglibdir 2>/dev/null)"; \
	if [ -n "$$pg_lib" ] && [ -e "$$pg_lib/citus.so" ]; then exit 0; fi; \
	if [ ! -e "$(CITUS_VENDOR)/$(CITUS_SOURCE).tar.gz" ]; then \
		echo "Citus not found and $(CITUS_VENDOR)/$(CITUS_SOURCE).tar.gz is missing: its tests will skip"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "Citus not found and cannot install it here (needs root): its tests will skip"; exit 0; fi; \
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CITUS_BUILD_DEPS) >/dev/null; }; then \
		echo "make citus: apt-get could not install Citus's build dependencies ($(CITUS_BUILD_DEPS)); its error is above" >&2; exit 1; fi; \
	set -e; \
	(cd "$(CITUS_VENDOR)" && grep " $(CITUS_SOURCE).tar.gz$$" SHA256SUMS | sha256sum --check --quiet); \
	build="$$(mktemp -d)"; trap 'rm -rf "$$build"' EXIT; \
	tar xzf "$(CITUS_VENDOR)/$(CITUS_SOURCE).tar.gz" -C "$$build"; \
	cd "$$build/$(CITUS_SOURCE)"; \
	sed -i '/^static inline bool$$/{N;s/^static inline bool\nhave_createdb_privilege(void)/#define have_createdb_privilege citus_have_createdb_privilege\n&/}' \
		src/include/pg_version_compat.h; \
	grep -q '^#define have_createdb_privilege citus_have_createdb_privilege' src/include/pg_version_compat.h; \
	./configure -q PG_CONFIG="$$(pg_config --bindir)/pg_config" --without-libcurl >/dev/null; \
	$(MAKE) -s -j2 >/dev/null && $(MAKE) -s install >/dev/null; \
	echo "Citus installed into $$(pg_config --pkglibdir)"

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

# The npm packages of the client-side tests (Apollo Client, graphql-http, graphql-schema-linter,
# graphql-codegen, tsc), exactly as tests/npm/package-lock.json pins them. Without node it says
# so, and those tests skip (CI sets REQUIRE_NODE, so there they fail instead).
NPM_DIR := tests/npm
NPM_STAMP := $(NPM_DIR)/node_modules/.installed-lock-sha256
npm-tools:
	@if ! command -v npm >/dev/null; then \
		echo "node/npm not found: the client-side tests will skip"; exit 0; fi; \
	want="$$(sha256sum $(NPM_DIR)/package-lock.json | cut -d' ' -f1)"; \
	if [ "$$(cat $(NPM_STAMP) 2>/dev/null)" != "$$want" ]; then \
		(cd $(NPM_DIR) && npm ci --no-audit --no-fund --loglevel=error) && \
		printf '%s' "$$want" > $(NPM_STAMP); fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers (pytest-xdist), a whole file at a time so module fixtures (a live server, a
# cluster) start once; each worker starts its own PostgreSQL and Citus clusters on free ports.
# Much of the suite waits on PostgreSQL, subprocesses and sockets, so two workers overlap well
# even on two cores. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
pytest: $(STAMP) postgres citus chromium graphiql-assets npm-tools
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lock-check lint typecheck pytest

# The benchmark suite (bench/README.md): small dataset on SQLite and PostgreSQL, the floor and
# PostGraphile side by side; prints the table and writes bench/results.json (under 5 minutes);
# then S1, S3 and S4 on a three-node Citus cluster beside plain PostgreSQL (bench/citus.py).
bench: $(STAMP) postgres citus
	$(BIN)/python -m bench
	$(BIN)/python -m bench.citus

# The same plus the large dataset (20,000 projects, 1,000,000 allocations) for scenario 4:
# built once into bench/.cache (several minutes), then reused.
bench-large: $(STAMP) postgres
	BENCH_LARGE=1 $(BIN)/python -m bench

# The shape suite (bench/shapes.py) at 1, 8 and 32 clients against PostGraphile, payments at 8
# and 32 clients on both backends, RSS over 100,000 requests; writes bench/shapes_results.json.
# BENCH_QUICK=1 for a short run.
bench-shapes: $(STAMP) postgres
	$(BIN)/python -m bench.shape_run

# S1, S3 and S4 on a three-node Citus cluster beside plain PostgreSQL, calls alternated
# (bench/citus.py; about 2 minutes).
bench-citus: $(STAMP) citus
	$(BIN)/python -m bench.citus

clean:
	rm -rf $(VENV) data .cache .pytest_cache .mypy_cache .ruff_cache $(NPM_DIR)/node_modules
