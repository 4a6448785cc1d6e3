# Waypost: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-python test-browser lint bench install migrate demo-data browser-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

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

test: install browser-deps
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy waypost

bench: install
	$(PY) -m bench.guide_pages
	$(PY) -m bench.national

clean:
	rm -rf $(VENV) var
