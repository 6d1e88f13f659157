# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

export FLASK_APP := wsgi

.PHONY: run test lint format demo-code bench-cpd bench-events bench-insight bench-awards bench-staff bench-staff-members clean install browser

run: $(STAMP)
	NALW_DEMO_MODE=1 $(BIN)/python scripts/run_demo.py

test: $(STAMP) browser
	$(BIN)/python scripts/run_tests.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# CPD at the body's real size (10,000 members, 500,000 entries) under load; prints latency and throughput.
bench-cpd: $(STAMP)
	$(BIN)/python bench/cpd.py

bench-events: $(STAMP)
	$(BIN)/python bench/events.py

bench-insight: $(STAMP)
	$(BIN)/python bench/insight.py
bench-awards: $(STAMP)
	$(BIN)/python bench/awards.py
bench-staff: $(STAMP)
	$(BIN)/python bench/staff.py
bench-staff-members: $(STAMP)
	$(BIN)/python bench/staff_members.py

# The current two-factor code of a demo account: make demo-code EMAIL=staff@demo.nalw.org.uk
demo-code: $(STAMP)
	@$(FLASK) accounts totp-code $(or $(EMAIL),staff@demo.nalw.org.uk)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
browser:
	@test -x $(CHROMIUM) || { echo "Installing Chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >/dev/null; }

clean:
	rm -rf $(VENV) instance .pytest_cache
