# Waypost: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
# Python: the first of python3, python3.13, python3.12, python3.11 on the PATH that is 3.11-3.13
# (or PYTHON=... to choose). The choice is made once, when .venv is created.
SUPPORTED_PYTHON := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
  command -v $$p >/dev/null 2>&1 && $$p -c '$(SUPPORTED_PYTHON)' 2>/dev/null && { echo $$p; break; }; done)
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed
AUDIT_PORT ?= 8765

.PHONY: run test test-python test-browser lint bench audit install migrate demo-data browser-deps system-deps messages clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || { test -n "$(PYTHON)" && $(PYTHON) -c '$(SUPPORTED_PYTHON)'; } || { \
	  echo "Waypost needs Python 3.11, 3.12 or 3.13 (as python3, python3.13, python3.12 or python3.11" \
	    "on the PATH, or PYTHON=/path/to/python); none was found." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# System packages the build needs: gettext (compilemessages) and pango (WeasyPrint PDFs).
# Installed with apt-get when run as root on Debian; otherwise the build stops, naming them.
system-deps:
	@scripts/require-system gettext pango

# Interface translations: the .po files are committed, the .mo files are built here.
messages: $(STAMP) system-deps
	$(PY) manage.py compilemessages -v0

install: $(STAMP) messages

# axe-core (accessibility tests) and Lighthouse (make audit), pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	@scripts/require-system node
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo-data: migrate
	$(PY) manage.py load_demo

run: demo-data
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Waypost is serving on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian's chromium drives the browser tests; Playwright never downloads a browser.
browser-deps:
	@scripts/require-system chromium

test: install browser-deps $(NODE_STAMP)
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy waypost
	$(BIN)/lint-imports

bench: install
	$(PY) -m bench.guide_pages
	$(PY) -m bench.national
	$(PY) -m bench.attacks

# Lighthouse (mobile) on home, a guide and the other pages listed in bench/audit.py,
# served by a real server on 127.0.0.1; scores and byte weights in var/audit/.
audit: install browser-deps $(NODE_STAMP)
	$(PY) -m bench.audit --port $(AUDIT_PORT)

clean:
	rm -rf $(VENV) var node_modules
