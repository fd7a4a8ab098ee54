# The two commands a newcomer needs: `make run` and `make test`; `make bench` measures.
# Both create .venv/ and install the pinned requirements into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-both bench install browser

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

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite twice: on the embedded store, then on a MongoDB server it starts (SecantusDB).
# Not yet CI's command: the server pass is still being made to pass (issue 8).
test-both: install browser
	$(BIN)/python scripts/run-tests $(PYTEST_ARGS)

# The benchmark (a few minutes, loopback only): docs/PERFORMANCE.md and docs/performance.png.
bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py $(BENCH_ARGS)
