# Two commands do everything on a fresh machine:
#   make run   – install, migrate, load the demo population, serve http://127.0.0.1:8000 (admin in Japanese)
#   make test  – install and run the whole test suite
# Django 6 needs Python >= 3.12; we use python3.12 from PATH or pyenv, else whatever PYTHON says.

PYENV_VERSIONS := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
PYTHON ?= $(shell for p in python3.12 $(PYENV_VERSIONS)/3.12*/bin/python3 python3.13 $(PYENV_VERSIONS)/3.13*/bin/python3 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install run serve test lint migrate seed worker beat bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is required (Django 6)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)  # keep an existing (possibly symlinked, shared) venv
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	-command -v msgfmt >/dev/null && $(BIN)/python manage.py compilemessages -v 0 --ignore=.venv
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Serving on http://$(HOST)/admin/ (Japanese; English via the language switch)"
	$(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_architecture.py tests/test_complexity.py

# Production-style processes (needs DATABASE_URL and CELERY_BROKER_URL)
worker: install
	$(BIN)/celery -A config worker -Q default,imports,rates -l info

beat: install
	$(BIN)/celery -A config beat -l info

serve: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/gunicorn config.wsgi -w 2 -b $(HOST)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# --- Browser tests of the self-service page (portal, issue #8) -------------------------------------------------
# Playwright drives Debian's chromium (/usr/bin/chromium); it never downloads a browser (no `playwright install`).
.PHONY: browser-deps portal-screenshots staff-screenshots
test: browser-deps

browser-deps:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	  else echo "The browser tests need /usr/bin/chromium: sudo apt-get install chromium fonts-noto-cjk"; exit 1; fi; }

staff-screenshots: install browser-deps
	STAFF_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/staff/test_browser_admin_pages.py tests/staff/test_browser_home.py tests/staff/test_browser_roster.py tests/staff/test_browser_export.py tests/staff/test_browser_programme.py

portal-screenshots: install browser-deps
	PORTAL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/portal/test_browser_accessibility.py
