# Grunnskjema: `make run` serves the demo, `make test` runs the whole suite. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test lint install translations extract-messages system-deps migrate load seed worker benchmarks

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d i18n -D messages --statistics 2>&1 | grep -v '^$$' || true

migrate: install translations
	$(BIN)/flask db upgrade

load: migrate
	$(BIN)/flask questionnaire load

seed: load
	$(BIN)/flask demo seed

run: seed
	@echo
	@echo "Demo logins:"
	@$(BIN)/flask demo logins
	@echo
	@echo "Serving Grunnskjema on http://127.0.0.1:5000 (Ctrl+C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Chromium drives the browser tests and GNU PSPP reads the SPSS exports in the tests; installed
# from Debian when missing and we may.
system-deps:
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; command -v pspp >/dev/null || missing="$$missing pspp"; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install translations system-deps lint
	$(BIN)/pytest -q -p no:cacheprovider

extract-messages: install
	$(BIN)/pybabel extract -F i18n/babel.cfg -k _l -o i18n/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i i18n/messages.pot -d i18n -D messages --no-fuzzy-matching --omit-header

worker: install
	$(BIN)/python -m workers.worker

benchmarks: install
	$(BIN)/python benchmarks/seed_and_load.py
