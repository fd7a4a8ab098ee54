# The two commands a newcomer needs: `make run` and `make test`; `make bench` measures.
# Both create .venv/ and install the pinned requirements into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench install browser

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Debian's Chromium for the end-to-end browser test (skipped without it, unless REQUIRE_BROWSER=1).
browser:
	@scripts/install-browser

run: install
	$(BIN)/python wsgi.py

# The whole suite twice: on the embedded store, then on a MongoDB server that it starts on
# loopback (SecantusDB, a test dependency) in a throw-away data directory.
test: install browser
	$(BIN)/python scripts/run-tests $(PYTEST_ARGS)

# The benchmark (a few minutes, loopback only): docs/PERFORMANCE.md and docs/performance.png.
bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py $(BENCH_ARGS)
