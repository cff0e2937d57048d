# spine-mets-approach — build / run / test entry points.
#
#   make run    start the Streamlit app on http://localhost:8501
#   make test   lint + typecheck + import contracts + full pytest suite (incl. real-browser
#               tests and the feedback store on SQLite and a throwaway PostgreSQL) with a
#               branch-coverage floor
#   make serve  start the CDS Hooks service on http://127.0.0.1:8010
#
# Everything runs from .venv/bin/... (no activation). The venv is built from the hashed
# lock file only; a changed requirements-dev.lock rebuilds it from scratch.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python 3.11 interpreter used to create the venvs: python3.11, else python3 if it is 3.11.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell command -v python3.11 2>/dev/null || \
	(python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3))
endif

VENV  := .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python
STAMP := $(VENV)/install.stamp
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock

CHROMIUM := /usr/bin/chromium
export CHROMIUM_PATH := $(CHROMIUM)
# PostgreSQL server binaries (initdb, pg_ctl) for the feedback store's tests; the tests
# start and stop a throwaway cluster themselves (tests/service/conftest.py).
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
# Unicode fonts the PDF report embeds (rules/pdf_report.py): DejaVu Sans for Latin, Greek
# and symbols, Droid Sans Fallback for Chinese, Japanese and Korean. Debian packages.
FONT_FILES := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
FONT_PACKAGES := fonts-dejavu-core fonts-droid-fallback

# Lock tooling (only needed for `make lock`), kept out of the project venv.
UV_VERSION := 0.13.8
TOOLS := .tools
UV    := $(TOOLS)/bin/uv
UV_COMPILE := $(UV) pip compile pyproject.toml --generate-hashes \
	--python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade,)

PYTEST_ARGS ?=
# Branch coverage of rules/ and evidence/, floor in pyproject.toml [tool.coverage.report].
COV_ARGS := --cov

.PHONY: help venv .venv run serve chromium postgresql nginx fonts lint format typecheck contracts test mutation bench lock clean

help:
	@echo "make run        start the app (http://localhost:8501)"
	@echo "make test       lint + typecheck + contracts + pytest with coverage floor (incl. browser)"
	@echo "make lint       ruff format --check + ruff check"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make typecheck  mypy (strict)"
	@echo "make contracts  import-linter: layering and core/services contracts (pyproject.toml)"
	@echo "make serve      start the CDS Hooks service and JSON API (http://127.0.0.1:8010)"
	@echo "make chromium   install Debian chromium if missing"
	@echo "make postgresql install Debian postgresql if missing (the store's tests start a cluster)"
	@echo "make nginx      install Debian nginx if missing (tests deploy/nginx, not started)"
	@echo "make fonts      install the Unicode fonts the PDF report embeds, if missing"
	@echo "make mutation  mutmut on rules/scores.py, decision.py, engine.py (MUTANTS='rules.scores*' for one)"
	@echo "make bench      run benchmarks (python -m benchmarks)"
	@echo "make lock       regenerate requirements*.lock (UPGRADE=1 to bump transitive pins)"

# --- environment ------------------------------------------------------------------------

venv .venv: $(STAMP)

$(STAMP): $(DEV_LOCK)
	@if [ -z "$(PYTHON)" ]; then echo "error: python3.11 not found (python3 is not 3.11 either)" >&2; exit 1; fi
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --no-input --progress-bar off -q --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip check
	touch $@

# A Debian package installed when missing: as root, else through sudo; $(1) the package.
# RUNLEVEL=1 keeps a package (nginx, postgresql) from starting its system service.
define APT_INSTALL
if [ "$$(id -u)" = 0 ]; then SUDO=""; \
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
else echo "error: $(1) missing and not root (no sudo): apt-get install $(1)" >&2; exit 1; fi; \
$$SUDO apt-get update; \
$$SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y $(1)
endef

chromium:
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium present: $$($(CHROMIUM) --version 2>/dev/null)"; \
	else \
		$(call APT_INSTALL,chromium); \
		test -x $(CHROMIUM); \
	fi

# The feedback store's tests start their own throwaway cluster from these binaries.
postgresql:
	@if [ -n "$(PG_INITDB)" ]; then \
		echo "postgresql present: $$($(PG_INITDB) --version)"; \
	else \
		$(call APT_INSTALL,postgresql); \
		ls /usr/lib/postgresql/*/bin/initdb; \
	fi

# The reverse-proxy test (tests/test_deploy.py) runs nginx unprivileged in a temp dir.
NGINX := /usr/sbin/nginx
nginx:
	@if [ -x $(NGINX) ]; then \
		echo "nginx present: $$($(NGINX) -v 2>&1)"; \
	else \
		$(call APT_INSTALL,nginx); \
		test -x $(NGINX); \
	fi

fonts:
	@if ls $(FONT_FILES) >/dev/null 2>&1; then \
		echo "PDF fonts present"; \
	else \
		$(call APT_INSTALL,$(FONT_PACKAGES)); \
		ls $(FONT_FILES) >/dev/null; \
	fi

# --- run --------------------------------------------------------------------------------

# Without the fonts the PDF still works, folded to Latin-1; so a failed install only warns.
run: $(STAMP)
	@$(MAKE) --no-print-directory fonts || echo "warning: PDF reports will print Latin-1 only" >&2
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true

# The CDS Hooks service; DATABASE_URL (default: SQLite under var/), CDS_APP_URL, WORKERS.
WORKERS ?= 1
serve: $(STAMP)
	$(PY) -m cds_service --host 127.0.0.1 --port 8010 --workers $(WORKERS)

# --- quality gates ----------------------------------------------------------------------

# The second ruff call closes the one gap of the pyproject layering config: TID253 only sees
# module-level imports, so this bans `rules` anywhere (incl. inside functions) in evidence/.
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	@if [ -d evidence ]; then echo "ruff: layering pass (no 'rules' imports in evidence/)"; $(BIN)/ruff check --select TID251 --config \
		'lint.flake8-tidy-imports.banned-api."rules".msg = "evidence/ must not import rules/ (layering: app -> rules -> evidence)"' \
		evidence; fi

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

# The layering of STYLE.md as import contracts ([tool.importlinter] in pyproject.toml);
# unlike ruff's per-file bans these follow indirect imports too.
contracts: $(STAMP)
	$(BIN)/lint-imports --no-logo

# Runs every gate even if an earlier one fails, then exits non-zero if any failed.
test: $(STAMP) chromium postgresql nginx fonts
	@rc=0; \
	$(MAKE) --no-print-directory lint      || rc=1; \
	$(MAKE) --no-print-directory typecheck || rc=1; \
	$(MAKE) --no-print-directory contracts || rc=1; \
	$(PY) -m pytest $(COV_ARGS) $(PYTEST_ARGS) || rc=1; \
	if [ $$rc -ne 0 ]; then echo "make test: FAILED (see above)" >&2; fi; \
	exit $$rc

# Mutation testing ([tool.mutmut] in pyproject.toml; score and judged survivors in
# docs/QUALITY.md). Not part of `make test`: it takes minutes. Starts from a clean mutants/.
MUTANTS ?=
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats
	@$(PY) -c 'import json; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
		k, sv, t = s["killed"], s["survived"], s["timeout"]; n = k + sv + t + s["suspicious"] + s["no_tests"]; \
		print(f"mutation score: {k}/{n} killed ({100 * k / max(n, 1):.1f}%), {sv} survived, {t} timeouts")'

bench: $(STAMP)
	$(PY) -m benchmarks

# --- lock files -------------------------------------------------------------------------

$(UV):
	@if [ -z "$(PYTHON)" ]; then echo "error: python3.11 not found" >&2; exit 1; fi
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --disable-pip-version-check --no-input uv==$(UV_VERSION)

# Dev lock first; the runtime lock is constrained by it so both agree on shared pins.
# Each lock is compiled into a temp copy (so uv keeps current pins) and only replaced when
# its content changes: an unchanged lock keeps its mtime and does not trigger a venv rebuild.
LOCK_HEADER := \# Python 3.11, linux x86_64, hashes for every file of each pin.\n\# Regenerate: make lock (keeps current pins) or make lock UPGRADE=1.\n\# Edit pins in pyproject.toml, never here. Install: pip install --require-hashes -r

lock: $(UV)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for spec in "$(DEV_LOCK)|--extra dev" "$(LOCK)|-c $(DEV_LOCK)"; do \
		f=$${spec%%|*}; extra=$${spec#*|}; \
		if [ -f "$$f" ]; then cp "$$f" "$$tmp/$$f"; fi; \
		echo "uv pip compile $$extra -> $$f"; \
		$(UV_COMPILE) -q $$extra -o "$$tmp/$$f"; \
		sed -i '/^# Python 3.11, linux/,/^# Edit pins in pyproject/d' "$$tmp/$$f"; \
		sed -i "2a $(LOCK_HEADER) $$f" "$$tmp/$$f"; \
		if cmp -s "$$tmp/$$f" "$$f"; then echo "  $$f unchanged"; \
		else mv "$$tmp/$$f" "$$f"; echo "  $$f updated"; fi; \
	done

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .hypothesis artifacts mutants \
		.import_linter_cache .grimp_cache .coverage .coverage.*
