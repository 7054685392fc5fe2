# Two commands for a newcomer: `make run` (site with demo content) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-django6 install migrate demo lint format check clean bench load

# The task worker (mail; printed to this terminal) and the scheduled jobs run beside the web
# server and stop with it.
run: install migrate demo
	$(PY) manage.py ensure_admin
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/); mail is printed here"
	@trap 'kill $$worker $$periodic 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py run_worker & worker=$$!; \
	$(PY) manage.py run_periodic --every 300 & periodic=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# As in production, on one machine: gunicorn (gunicorn.conf.py) with DJANGO_ENV=production,
# SECRET_KEY, ALLOWED_HOSTS and the rest from the environment or .env (README, "Running in
# production"). WEB_CONCURRENCY sets the number of workers.
serve: export DJANGO_ENV = production
serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on Python 3.12 with the newest Django 6.x, in its own venv (.venv312); the
# default venv keeps Django 5.2 LTS on Python 3.11.
VENV6 := .venv312
test-django6:
	test -x $(VENV6)/bin/python || $$(.ci/find-python 3.12) -m venv $(VENV6)
	$(VENV6)/bin/python -m pip install --quiet --upgrade pip
	$(VENV6)/bin/python -m pip install --quiet -e '.[dev]' 'Django>=6,<7'
	$(VENV6)/bin/python -c 'import django, sys; print("Django", django.get_version(), "on Python", sys.version.split()[0])'
	$(VENV6)/bin/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

# The benchmark (bench/run.py): the site against the physical floor, as ratios in one run.
# BENCH_ARGS='--big' adds 100,000 comments; DATABASE_URL=postgres://... runs it on PostgreSQL
# (in a database of its own, created and dropped).
BENCH_STAMP := $(VENV)/.bench-installed
bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# The bounded load run (bench/load.py): gunicorn with 4 workers, locust headless.
load: $(BENCH_STAMP)
	$(PY) bench/load.py $(LOAD_ARGS)

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@if [ -f package.json ] && command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; fi
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: install
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_comments

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

check: lint
	$(PY) manage.py check
	DJANGO_ENV=production SECRET_KEY=check-only-$$(date +%s)-not-a-real-key-0123456789abcdefghij \
		ALLOWED_HOSTS=example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) $(VENV6) node_modules staticfiles
