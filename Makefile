# The two commands a newcomer needs: `make run` and `make test`; `make bench` measures.
# Both create .venv/ and install what they need into it first: `make run` only what the shop
# runs on, `make test` the test tools too.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench install browser

# Running needs only requirements.txt; the tests add requirements-dev.txt (ruff, pytest, hypothesis,
# Playwright, schemathesis, the test MongoDB server). Both are locked with hashes, which pip checks.
$(BIN)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

install: $(BIN)/.dev

# Debian's Chromium for the end-to-end browser test (skipped without it, unless REQUIRE_BROWSER=1).
browser:
	@scripts/install-browser

run: $(BIN)/.runtime
	$(BIN)/python wsgi.py

# The linter first (ruff.toml: long lines, complex functions, unused imports; it fails in a second),
# then the whole suite twice, at the same time: on the embedded store, and on MongoDB servers that it
# starts on loopback (SecantusDB, a test dependency) in throw-away data directories (scripts/run-tests).
test: install browser
	$(BIN)/ruff check
	$(BIN)/python scripts/run-tests $(PYTEST_ARGS)

# The benchmark (a few minutes, loopback only): docs/PERFORMANCE.md and docs/performance.png.
bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r bench/requirements.txt
	$(BIN)/python bench/run.py $(BENCH_ARGS)
