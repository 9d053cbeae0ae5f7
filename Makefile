# The two set-up commands: `make run` and `make test`. Everything else is for developers.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install lint typecheck messages check-deploy clean

$(UV):
	@$(PYTHON) -m venv .tools || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	@.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(BIN)/vangnet: $(UV) uv.lock pyproject.toml
	@$(UV) sync --frozen --python $(PYTHON) --quiet
	@# deduce builds its lookup tables once (minutes), cached in its package directory.
	@$(BIN)/vangnet prepare-reading
	@touch $@

install: $(BIN)/vangnet

run: install
	@$(BIN)/vangnet migrate --noinput -v 0
	@$(BIN)/vangnet demo-data --if-empty
	@echo "Vangnet runs at http://127.0.0.1:8000  (staff: http://127.0.0.1:8000/staff/)"
	@# The task worker (suggestions, de-identification after a chat) runs beside the server
	@# on the same database and stops with it.
	@$(BIN)/vangnet db_worker --no-startup-delay & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/vangnet serve --host 127.0.0.1 --port 8000

# The whole suite on the embedded default (SQLite + in-memory layer); then, with
# VANGNET_TEST_DATABASE_URL set, the chat and foundation tests again on production-style settings
# (PostgreSQL + Redis), with the reading (task worker, queue) and retention (two erasing machines
# at once) tests. In CI (CI=true) a missing PostgreSQL or Redis is an error, not a skip.
# Tests marked `slow` start their own servers on both back ends in pass 1; pass 2 skips them.
# pytest's own exit code (5 for "no tests ran") fails the target.
# Each pass runs in TEST_WORKERS pytest-xdist processes (much of the suite waits on servers,
# browsers and timeouts, so three keep a 2-core machine busy); every process has its own data
# directory, test database, Redis prefix and servers (tests/conftest.py, core/pytest_isolation.py).
SECOND_PASS := tests/realtime tests/chat tests/core tests/accounts tests/reading tests/retention tests/sharing
TEST_WORKERS ?= 3
test: install
	@if [ "$${CI:-}" = "true" ] && { [ -z "$${VANGNET_TEST_DATABASE_URL:-}" ] || [ -z "$${VANGNET_TEST_REDIS_URL:-}" ]; }; then \
	  echo "CI=true but VANGNET_TEST_DATABASE_URL or VANGNET_TEST_REDIS_URL is not set: run .ci/run, which starts both." >&2; \
	  exit 2; fi
	@echo "== pass 1: the whole suite on the embedded default (SQLite + in-memory channel layer)"
	@env -u DATABASE_URL -u REDIS_URL -u SECRET_KEY -u VANGNET_ENCRYPTION_KEYS $(BIN)/pytest -n $(TEST_WORKERS) --durations=15
	@if [ -n "$${VANGNET_TEST_DATABASE_URL:-}" ]; then \
	  echo "== pass 2: $(SECOND_PASS) on PostgreSQL$${VANGNET_TEST_REDIS_URL:+ + Redis}, production settings"; \
	  DATABASE_URL="$$VANGNET_TEST_DATABASE_URL" REDIS_URL="$${VANGNET_TEST_REDIS_URL:-}" \
	  SECRET_KEY="$$(head -c 48 /dev/urandom | base64 -w0)" \
	  VANGNET_ENCRYPTION_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	  VANGNET_HTTPS=0 VANGNET_MANIFEST_STATIC=0 $(BIN)/pytest -n $(TEST_WORKERS) --durations=15 -m "not browser and not slow" $(SECOND_PASS); \
	else echo "== pass 2 skipped: set VANGNET_TEST_DATABASE_URL (and VANGNET_TEST_REDIS_URL) to run it"; fi

lint: install
	@$(BIN)/ruff check src tests bench
	@$(BIN)/ruff format --check src tests bench
	@$(BIN)/mypy src

# Update every app's catalogues (needs GNU gettext), fill English, compile; lists untranslated Dutch.
# A throwaway data directory: makemessages loads the settings, which would create var/ per app.
messages: export VANGNET_DATA_DIR := $(shell mktemp -u /tmp/vangnet-messages-XXXXXX)
messages: install
	@for app in src/vangnet/*/; do \
	  if [ -d "$$app/locale" ]; then \
	    (cd $$app && DJANGO_SETTINGS_MODULE=vangnet.settings ../../../$(BIN)/django-admin makemessages -l nl -l en --no-obsolete --no-location -v 0 && \
	     DJANGO_SETTINGS_MODULE=vangnet.settings ../../../$(BIN)/django-admin makemessages -l nl -l en --no-obsolete --no-location -v 0 -d djangojs) ; fi; \
	done
	@$(BIN)/python tools/po_fill_en.py src/vangnet/*/locale || true
	@for app in src/vangnet/*/; do \
	  if [ -d "$$app/locale" ]; then (cd $$app && ../../../$(BIN)/django-admin compilemessages -v 0); fi; \
	done
	@rm -rf "$$VANGNET_DATA_DIR"

check-deploy: install
	@DATABASE_URL=postgres://x@localhost/x SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  VANGNET_ENCRYPTION_KEYS=$$($(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	  ALLOWED_HOSTS=vangnet.example.org $(BIN)/vangnet check --deploy --fail-level WARNING

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
