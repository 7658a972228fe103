# perhekeskus: two commands matter.
#   make run   set up everything, load the demo data on SQLite, serve on http://127.0.0.1:$(PORT)
#   make test  the whole suite: checks, then pytest on SQLite and on PostgreSQL when reachable
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/perhekeskus
export DJANGO_SETTINGS_MODULE := perhekeskus.settings

.PHONY: run test install messages checks pytest-sqlite pytest-postgres bench lint format clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(BIN)/python scripts/i18n.py compile

run: install messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py demo_users --url http://127.0.0.1:$(PORT)/
	@# the task worker (queue proposals are solved outside the web process) runs beside
	@# the server and stops with it
	$(BIN)/python manage.py db_worker --interval 1 --no-startup-delay -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

checks: install messages
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/schema.yaml
	$(BIN)/python scripts/i18n.py check

pytest-sqlite: install messages
	@echo "== pytest on SQLite =="
	DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

pytest-postgres: install messages
	@if $(BIN)/python scripts/pg_reachable.py "$(TEST_POSTGRES_URL)"; then \
		echo "== pytest on PostgreSQL ($(TEST_POSTGRES_URL)) =="; \
		DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS); \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but $(TEST_POSTGRES_URL) is not reachable"; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(TEST_POSTGRES_URL): the PostgreSQL run was NOT done =="; \
	fi

test: checks pytest-sqlite pytest-postgres
	@echo "make test: checks, SQLite and (when reachable) PostgreSQL runs finished"

bench: install messages
	$(BIN)/python bench/resource_view.py --database-url sqlite:///$(CURDIR)/var/bench/scale10.sqlite3 --browser
	$(BIN)/python bench/reports.py --database-url sqlite:///$(CURDIR)/var/bench/scale10.sqlite3

lint: install
	$(BIN)/ruff check .
format: install
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
