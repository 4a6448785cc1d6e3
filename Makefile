# Waypost: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

NODE_STAMP := node_modules/.installed
AUDIT_PORT ?= 8765

.PHONY: run test test-python test-browser lint bench audit install migrate demo-data browser-deps system-deps messages clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Debian packages the build needs: gettext (compilemessages) and pango (WeasyPrint PDFs).
system-deps:
	@command -v msgfmt >/dev/null 2>&1 && ldconfig -p | grep -q libpango-1.0 || { \
	  echo "Installing Debian's gettext and pango"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }

# Interface translations: the .po files are committed, the .mo files are built here.
messages: $(STAMP) system-deps
	$(PY) manage.py compilemessages -v0

install: $(STAMP) messages

# axe-core (accessibility tests) and Lighthouse (make audit), pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo-data: migrate
	$(PY) manage.py load_demo

run: demo-data
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Waypost is serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Debian's chromium drives the browser tests; Playwright never downloads a browser.
browser-deps:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser-deps $(NODE_STAMP)
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy waypost

bench: install
	$(PY) -m bench.guide_pages
	$(PY) -m bench.national

# Lighthouse (mobile) on home, a guide and the other pages listed in bench/audit.py,
# served by a real server on 127.0.0.1; scores and byte weights in var/audit/.
audit: install browser-deps $(NODE_STAMP)
	$(PY) -m bench.audit --port $(AUDIT_PORT)

clean:
	rm -rf $(VENV) var node_modules
