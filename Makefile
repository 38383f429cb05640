# Two commands do everything on a fresh Debian machine (root, Python 3.11):
#   make run   — virtualenv, install, start the app on http://localhost:8501 (SQLite default, this machine only)
#   make test  — install test needs (Python deps; chromium, LibreOffice, PostgreSQL via apt-get) and run the suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# This machine only, unless asked: `make run HOST=0.0.0.0` opens the app to the network
# (the container, deploy/entrypoint.sh, listens on 0.0.0.0 inside its own network).
HOST ?= 127.0.0.1

.PHONY: run test install install-test system-deps bench golden clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps make re-installs happen only when the pinned requirements change.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-test: $(VENV)/.test-installed

system-deps:
	bash .ci/system-deps.sh

run: install
	$(PY) -m assistant migrate
	$(VENV)/bin/streamlit run assistant/app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install-test system-deps
	bash .ci/pytest.sh

bench: install-test system-deps
	$(PY) bench/analyse.py
	$(PY) bench/letters.py
	$(PY) bench/batch.py
	$(PY) bench/store.py

# Regenerate the golden letter texts after an intended wording change (review the diff!).
golden: install-test
	$(PY) -m tests.golden_update

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
