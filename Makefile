# Shidian — build, run and test.
#
#   make setup          OS packages (if missing), .venv (uv), node_modules (npm ci), vendored assets
#   make run            demo server on http://127.0.0.1:8000 (waitress + task worker)
#   make test           lint, migration and deploy checks, pytest on SQLite and on PostgreSQL
#   make lint | format | messages | test-sqlite | test-postgres | bench [SCALE=0.1] | bench-smoke | clean | distclean
#
# Every recipe runs as one bash script with -e -u -o pipefail: any failing step fails the target.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
MYPY := $(VENV)/bin/mypy
PG_BIN := /usr/lib/postgresql/15/bin
# LibreOffice (headless Writer) converts the official documents to PDF and checks them in the tests; the CJK
# families are the free stand-ins for 仿宋/小标宋 (serif), 楷体 (Kai) and 黑体 (Hei) that fontconfig maps below.
APT_PACKAGES := chromium fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-uming fonts-arphic-ukai fonts-lxgw-wenkai fonts-liberation2 \
	fonts-wqy-zenhei gettext libreoffice-writer-nogui poppler-utils wrk
FONTCONFIG_CONF := scripts/fontconfig/64-shidian-official-fonts.conf
NPM_STAMP := node_modules/.shidian-npm-ci

# Development-only key for `make run`; production sets its own SHIDIAN_SECRET_KEY.
RUN_SECRET_KEY := dev-only-shidian-demo-key-do-not-use-in-production-7f3a9c2e41b8
# Throw-away key for `check --deploy`: long and varied enough to pass security.W009.
DEPLOY_CHECK_SECRET_KEY := Qk7vN2pX9rT4wZ8mB3cF6hJ1yL5sD0gA-check-deploy-only_e8R2uV7nK4tP9q

.PHONY: help setup setup-os setup-python setup-node setup-messages messages run test lint format check-migrations \
	check-deploy test-sqlite test-postgres bench bench-smoke clean distclean

help:
	@sed -n '2,8p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------------------- setup

setup: setup-os setup-python setup-node setup-messages
	mkdir -p var/static var/media

# Installs only what is missing; `apt-get update` runs only then.
setup-os:
	@missing=()
	for pkg in $(APT_PACKAGES); do
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$$pkg")
	done
	[[ -x $(PG_BIN)/initdb ]] || missing+=(postgresql-15)
	command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
	if (( $${#missing[@]} )); then
	  sudo=; [[ $$(id -u) -eq 0 ]] || sudo=sudo
	  echo "setup-os: installing $${missing[*]}"
	  $$sudo apt-get update
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends "$${missing[@]}"
	else
	  echo "setup-os: OS packages present"
	fi
	# The official font names (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体) mapped to the free families.
	target=/etc/fonts/conf.d/$$(basename $(FONTCONFIG_CONF))
	if ! cmp -s $(FONTCONFIG_CONF) "$$target"; then
	  sudo=; [[ $$(id -u) -eq 0 ]] || sudo=sudo
	  echo "setup-os: installing $$target"
	  $$sudo install -m 644 $(FONTCONFIG_CONF) "$$target"
	  fc-cache -f >/dev/null
	fi

# .venv from uv.lock with Python 3.12; uv never downloads an interpreter.
setup-python:
	@py312=
	if command -v pyenv >/dev/null 2>&1; then py312=$$(pyenv which python3.12 2>/dev/null || true); fi
	if [[ -z "$$py312" ]]; then
	  py312=$$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -n 1 || true)
	fi
	if [[ -z "$$py312" ]]; then py312=$$(command -v python3.12 || true); fi
	if [[ -z "$$py312" || ! -x "$$py312" ]]; then
	  echo "setup-python: no Python 3.12 interpreter found (pyenv install 3.12, or apt-get install python3.12)" >&2
	  exit 1
	fi
	if uv --version >/dev/null 2>&1; then
	  uv=(uv)
	else
	  # Install uv into the 3.12 interpreter (pyenv's Pythons are not "externally managed").
	  "$$py312" -m uv --version >/dev/null 2>&1 || "$$py312" -m pip install --quiet uv
	  uv=("$$py312" -m uv)
	fi
	echo "setup-python: $$("$${uv[@]}" --version) with $$py312"
	UV_PYTHON_DOWNLOADS=never "$${uv[@]}" sync --frozen --python "$$py312"

setup-node: $(NPM_STAMP)
	bash scripts/vendor_assets.sh

# `npm ci` reinstalls node_modules from scratch, so it runs only when the manifests change.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Compile translation catalogues (.po -> .mo) that are missing or older than their .po.
setup-messages: setup-os
	@find src/shidian -name '*.po' -path '*/LC_MESSAGES/*' -print0 | while IFS= read -r -d '' po; do
	  mo="$${po%.po}.mo"
	  if [[ ! -f "$$mo" || "$$po" -nt "$$mo" ]]; then
	    echo "msgfmt $$po"
	    msgfmt --check-format -o "$$mo" "$$po"
	  fi
	done

# Refresh the English catalogue from the source, then compile it.
messages: setup
	cd src/shidian
	SHIDIAN_DEBUG=1 ../../$(PY) ../../manage.py makemessages -l en --no-obsolete --ignore='static/vendor/*' \
	  --ignore='*/tests/*' --ignore=conftest.py
	SHIDIAN_DEBUG=1 ../../$(PY) ../../manage.py compilemessages

# ---------------------------------------------------------------------------- run

run: setup
	export SHIDIAN_DEMO=1 SHIDIAN_DEBUG=0 SHIDIAN_SECRET_KEY=$(RUN_SECRET_KEY)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py db_worker &
	worker=$$!
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "Shidian demo: http://127.0.0.1:8000/  (Ctrl-C stops the server and the task worker)"
	$(VENV)/bin/waitress-serve --listen=127.0.0.1:8000 shidian.wsgi:application

# ---------------------------------------------------------------------------- checks and tests

define LINT_STEPS
$(RUFF) check .
$(RUFF) format --check .
$(MYPY)
endef

define CHECK_MIGRATIONS_STEPS
SHIDIAN_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
endef

# Production settings (shidian.settings.base) with HTTPS on and DEBUG/DEMO off.
define CHECK_DEPLOY_STEPS
env DJANGO_SETTINGS_MODULE=shidian.settings.base SHIDIAN_DEBUG=0 SHIDIAN_DEMO=0 SHIDIAN_HTTPS=1 \
  SHIDIAN_SECRET_KEY='$(DEPLOY_CHECK_SECRET_KEY)' SHIDIAN_ALLOWED_HOSTS=shidian.example.gov.cn \
  $(PY) manage.py check --deploy --fail-level WARNING
endef

# pytest-xdist: one worker per core (PYTEST_WORKERS=0 runs in one process, e.g. to debug).
PYTEST_WORKERS ?= auto
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist loadfile

# Every test runs on both databases except the browser tests (marker e2e), which run on PostgreSQL only: they
# drive the views the other tests exercise on both, and twice they were two fifths of the 20-minute budget
# (README, "How the tests run"). `make test-sqlite SQLITE_MARKERS=` runs them on SQLite too.
SQLITE_MARKERS ?= not e2e
define TEST_SQLITE_STEPS
env -u SHIDIAN_DATABASE_URL DJANGO_SETTINGS_MODULE=shidian.settings.test $(PY) -m pytest $(PYTEST_XDIST) \
  -m '$(SQLITE_MARKERS)' $(PYTEST_ARGS)
endef

# The PostgreSQL pass also starts a hot standby of its server, on which the replica router's tests read
# (core/db_router.py).
define TEST_POSTGRES_STEPS
PG_STANDBY=1 bash scripts/with_postgres.sh env DJANGO_SETTINGS_MODULE=shidian.settings.test \
  $(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)
endef

test: setup
	@echo "==> ruff, ruff format, mypy"
	$(LINT_STEPS)
	echo "==> makemigrations --check"
	$(CHECK_MIGRATIONS_STEPS)
	echo "==> check --deploy"
	$(CHECK_DEPLOY_STEPS)
	echo "==> pytest (SQLite)"
	$(TEST_SQLITE_STEPS)
	echo "==> pytest (PostgreSQL 15)"
	$(TEST_POSTGRES_STEPS)
	echo "==> bench-smoke"
	$(BENCH_SMOKE_STEPS)

lint: setup
	$(LINT_STEPS)

format: setup
	$(RUFF) format .
	$(RUFF) check --fix .

check-migrations: setup
	$(CHECK_MIGRATIONS_STEPS)

check-deploy: setup
	$(CHECK_DEPLOY_STEPS)

test-sqlite: setup
	$(TEST_SQLITE_STEPS)

test-postgres: setup
	$(TEST_POSTGRES_STEPS)

# Nationwide-scale benchmarks (docs/benchmarks.md): PostgreSQL, production settings, gunicorn, wrk. Each
# figure is a ratio against a baseline measured in the same run. SHIDIAN_DATABASE_URL (PostgreSQL) keeps the
# generated dataset between runs; without it a throwaway server is used. SCALE=0.1 is a tenth of the country.
SCALE ?= 1
define BENCH_STEPS
if [[ "$${SHIDIAN_DATABASE_URL:-}" == postgres* ]]; then
  env SCALE=$(SCALE) $(PY) bench/harness.py
else
  bash scripts/with_postgres.sh env SCALE=$(SCALE) $(PY) bench/harness.py
fi
endef

# A tiny scale and one second per page: every benchmark runs, nothing is judged (make test runs it).
define BENCH_SMOKE_STEPS
env -u SHIDIAN_DATABASE_URL BENCH_SMOKE=1 bash scripts/with_postgres.sh $(PY) bench/harness.py
endef

bench: setup
	$(BENCH_STEPS)

bench-smoke: setup
	$(BENCH_SMOKE_STEPS)

# ---------------------------------------------------------------------------- clean

# Generated files only: var/ (database, uploads) is never touched.
clean:
	rm -rf node_modules src/shidian/static/vendor var/static test-results \
	  .mypy_cache .ruff_cache .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
