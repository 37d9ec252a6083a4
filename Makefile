# make run  - check the system, set up and run the portal with demo data, a Celery worker and beat
#            (without make: bash scripts/run.sh)
# make test - set up and run ruff, the migration check and the whole test suite
# make prod-smoke - run the portal as in production (DEBUG off, gunicorn) and check it answers
# make screenshots - the browser stories, saving a screenshot of every step under tests/screenshots/
# make schemathesis - generated API requests from the OpenAPI schema, as two personas: no 5xx
# make bench - build the national dataset in PostgreSQL (once) and time every page, endpoint and sweep
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup smoke prod-smoke schemathesis screenshots messages bench lint chromium

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(BIN)/.installed

# run.sh checks the system packages (installs them when root) and sets up .venv itself, so it also works
# where make is missing.
run:
	PYTHON=$(PYTHON) bash scripts/run.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

chromium:
	@bash scripts/ensure-chromium.sh

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: each xdist worker (and each Python the
# tests start) would otherwise compile the project and rewrite the tests again, seconds per process.
test: setup chromium lint
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n 2 --dist worksteal $(PYTEST_ARGS)

# The browser stories with a screenshot of every step, under tests/screenshots/, for a person to look at
# (make test takes none).
screenshots: setup chromium
	E2E_SCREENSHOTS=1 PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -m e2e tests/e2e

# Schemathesis over the OpenAPI schema through the WSGI app (a few examples per operation, a few
# minutes): no server error. Left out of `make test` (marker "schemathesis").
schemathesis: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -m schemathesis -p no:logging tests/security/test_schemathesis.py

# Zero-setup smoke test: migrate and seed a fresh SQLite file, open one page per role.
smoke: setup
	bash scripts/smoke.sh

# Production smoke test: DEBUG off, collectstatic, gunicorn on loopback; home, login, public, logged-in
# pages, API, PDF, static file and 404 checked. Uses DATABASE_URL and REDIS_URL when set.
prod-smoke: setup
	bash scripts/prod_smoke.sh

# The national benchmark (bench/national.py): the dataset is built once into a PostgreSQL database of the
# bench's own (name starting with "bench"), then every list page, board, matrix, fee page and API list is
# timed per role and each sweep next to its floor. BENCH_ARGS="--scale 0.1" for a quick run.
BENCH_DATABASE_URL ?= postgres://root@127.0.0.1:5432/bench_national
bench: setup
	$(BIN)/python bench/national.py --database $(BENCH_DATABASE_URL) $(BENCH_ARGS)

# Regenerate and compile the Chinese catalogs (the project's locale/ and each app's <app>/locale/).
messages: setup
	PYTHON=$(BIN)/python bash scripts/messages.sh
