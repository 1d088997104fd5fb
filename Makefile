# joinedup — run `make help` to see every target.
SHELL := /bin/bash
PORT ?= 8000
WORKERS ?= 2
PY := .venv/bin/python
# A local run is a production-mode run (DEBUG off) over plain HTTP on 127.0.0.1, with a
# secret key made once and kept in var/ (outside git).
LOCAL_ENV = SECRET_KEY="$$(cat var/secret_key)" DEBUG=0 SECURE_SSL_REDIRECT=0 \
	SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 SECURE_HSTS_PRELOAD=0

.DEFAULT_GOAL := help

.PHONY: help
help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: ## Install system packages, the Python virtualenv and front-end assets (idempotent)
	@scripts/bootstrap.sh

.PHONY: setup
setup: install ## Create the database, import the bundled real data and the demo partnership
	@test -s var/secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key
	@$(LOCAL_ENV) $(PY) manage.py migrate -v0
	@$(LOCAL_ENV) $(PY) manage.py geo_load_bundled
	@$(LOCAL_ENV) $(PY) manage.py catalogue_load
	@$(LOCAL_ENV) $(PY) manage.py demo_load
	@$(LOCAL_ENV) $(PY) manage.py govuk_pay_sandbox_setup
	@$(LOCAL_ENV) $(PY) manage.py council_tax_demo_load
	@$(LOCAL_ENV) $(PY) manage.py catalogue_load_demo
	@$(LOCAL_ENV) $(PY) manage.py service_requests_load
	@$(LOCAL_ENV) $(PY) manage.py service_requests_demo_load
	@$(LOCAL_ENV) $(PY) manage.py open311_demo_key
	@$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput -v0

.PHONY: run
run: setup ## Set everything up and serve the platform at http://127.0.0.1:$(PORT) with gunicorn
	@echo
	@echo "joinedup is running at http://127.0.0.1:$(PORT)  (Ctrl+C stops it)"
	@echo "Sign in at http://127.0.0.1:$(PORT)/sign-in/ with a demo login above."
	@export JOINEDUP_PUBLIC_URL=$${JOINEDUP_PUBLIC_URL:-http://127.0.0.1:$(PORT)}; \
		$(LOCAL_ENV) $(PY) manage.py jobs_worker --interval 1 > var/jobs-worker.log 2>&1 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(LOCAL_ENV) $(PY) -m gunicorn config.wsgi:application \
		--bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

.PHONY: worker
worker: ## Run the background jobs worker (notifications, webhooks, payment reconciliation)
	@$(LOCAL_ENV) $(PY) manage.py jobs_worker

.PHONY: test
test: install ## Run the whole test suite (PostGIS if DATABASE_URL points at PostgreSQL, else SpatiaLite)
	@DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; fi; exit $$status

.PHONY: lint
lint: install ## ruff (lint + format check), mypy and import-linter contracts
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy joinedup config
	.venv/bin/lint-imports

.PHONY: format
format: install ## Format the code with ruff
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

.PHONY: check
check: install ## Django deploy checks (production settings), no missing migrations, OpenAPI snapshot current
	SECRET_KEY=check-only-$$RANDOM$$RANDOM$$RANDOM-not-a-real-key-but-long-enough-for-checks \
		ALLOWED_HOSTS=joinedup.example DEBUG=0 $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	@DEBUG=1 $(PY) manage.py spectacular --validate --file var/openapi.check.yaml
	@diff -u docs/openapi.yaml var/openapi.check.yaml || { echo "docs/openapi.yaml is out of date: run make schema" >&2; exit 1; }

.PHONY: schema
schema: install ## Regenerate the committed OpenAPI snapshot docs/openapi.yaml
	DEBUG=1 $(PY) manage.py spectacular --file docs/openapi.yaml --validate

.PHONY: messages
messages: install ## Extract and compile English/Welsh translations
	DEBUG=1 $(PY) manage.py makemessages -l cy --ignore=.venv --ignore=node_modules --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

.PHONY: bench
bench: install ## The platform figures: point lookups, the MapIt point API, postcode import
	$(PY) bench/run_all.py

.PHONY: bench-services
bench-services: install ## The front door's route API and Open311 POST/GET (PostGIS for Open311)
	$(PY) bench/route_api.py
	DATABASE_URL=$${BENCH_POSTGIS_URL:-postgis://postgres@127.0.0.1:5432/joinedup_bench_route} $(PY) bench/route_api.py
	$(PY) bench/open311_post.py
	$(PY) bench/open311_get.py

.PHONY: accuracy
accuracy: install ## Print need-matching top-1/top-3 accuracy on the labelled resident phrasings
	DEBUG=1 $(PY) manage.py catalogue_evaluate

.PHONY: clean
clean: ## Remove the local database and collected static files (keeps .venv)
	rm -rf var
