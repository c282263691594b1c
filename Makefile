# Media Portal: `make run` serves the site, `make test` runs every check.
# Both work on a fresh machine: they create .venv and install what they need.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= mediaportal.settings

.PHONY: run test check serve worker beat lint messages bench clean

$(VENV)/.installed-runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

gettext:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

chromium:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

# Development server: SQLite and in-process tasks unless REDIS_URL / DATABASE_URL
# are set; with REDIS_URL, a Celery worker (all queues) and beat run beside it.
run: export DEBUG ?= 1
run: $(VENV)/.installed-runtime gettext
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) manage.py seed_demo
	@echo "\nMedia Portal: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)\n"
	@if [ -n "$$REDIS_URL" ]; then \
		trap 'kill 0' EXIT INT TERM; \
		$(VENV)/bin/celery -A mediaportal worker -Q mail,bulk,media -c 2 -l info & \
		$(VENV)/bin/celery -A mediaportal beat -l info --schedule $(VENV)/celerybeat-schedule & \
		$(PY) manage.py runserver 127.0.0.1:8000; \
	else \
		$(PY) manage.py runserver 127.0.0.1:8000; \
	fi

# axe-core for the browser tests' accessibility checks (pinned; no CDN at test time).
AXE_CORE_VERSION = 4.10.2
AXE_JS = .cache/npm/node_modules/axe-core/axe.min.js
$(AXE_JS):
	npm install --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_CORE_VERSION)

test: $(VENV)/.installed-dev gettext chromium $(AXE_JS)
	$(PY) tests/services.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=.venv
	DJANGO_SETTINGS_MODULE=mediaportal.settings_test $(VENV)/bin/pytest

# The fast loop while coding (about a minute): lint, format, types, and the
# tests that need neither a browser nor a real worker, on a kept test database.
check: $(VENV)/.installed-dev gettext
	$(PY) tests/services.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=.venv
	DJANGO_SETTINGS_MODULE=mediaportal.settings_test $(VENV)/bin/pytest -m "not e2e and not worker" --reuse-db -q

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Production-style server (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL...).
serve: $(VENV)/.installed-runtime
	$(PY) manage.py collectstatic --no-input -v0
	$(VENV)/bin/gunicorn mediaportal.wsgi --bind 127.0.0.1:8000 --workers 3 --access-logfile -

worker: $(VENV)/.installed-runtime
	$(VENV)/bin/celery -A mediaportal worker -Q mail,bulk,media -l info

beat: $(VENV)/.installed-runtime
	$(VENV)/bin/celery -A mediaportal beat -l info

messages: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=tests --ignore=bench
	DEBUG=1 $(PY) manage.py makemessages -d djangojs -l fr --ignore=.venv --ignore=tests --ignore=staticfiles

bench: $(VENV)/.installed-dev
	@command -v nginx >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
