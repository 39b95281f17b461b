# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# TBT_HOST / TBT_PORT (the app's own settings) are honoured; HOST= / PORT= on the make line win
HOST ?= $(or $(TBT_HOST),127.0.0.1)
PORT ?= $(or $(TBT_PORT),8000)

.PHONY: install system-deps font-deps ingest run serve test test-fast lint bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# setuptools prints a banner on every editable install of a flat layout (assistant/, bots/ at
	# the root); it is advice, not a problem of ours, so its UserWarning is silenced for this step
	PYTHONWARNINGS="ignore::UserWarning" $(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the PDF renderer (a CJK font) and the browser tests (chromium) use.
system-deps:
	@bash scripts/system-deps.sh

# The CJK font the PDF national form embeds: `make run` installs it (as root) so export works.
font-deps:
	@bash scripts/system-deps.sh font

ingest: install
	$(BIN)/tbt ingest

run: install font-deps ingest
	$(BIN)/tbt serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/tbt serve --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check assistant bots tests evals
	$(BIN)/mypy assistant

bench: install
	$(BIN)/tbt bench ingest
	$(BIN)/tbt bench search
	$(BIN)/tbt bench ask

# Workshop mode: the shipped corpus, offline, projector page at /demo; demo data apart (README).
.PHONY: demo
demo: install
	$(BIN)/tbt demo --host $(HOST) --port $(PORT)

clean:
	rm -rf var .pytest_cache
