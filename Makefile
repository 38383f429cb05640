# Two commands do everything on a fresh Debian machine (root, Python 3.11):
#   make run   — virtualenv, install (and Tesseract, as root), start the app on http://localhost:8501 (SQLite default, this machine only)
#   make test  — install test needs (Python deps; chromium, LibreOffice, PostgreSQL via apt-get) and run the suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# This machine only, unless asked: `make run HOST=0.0.0.0` opens the app to the network
# (the container, deploy/entrypoint.sh, listens on 0.0.0.0 inside its own network).
HOST ?= 127.0.0.1

.PHONY: run test install install-test system-deps bench golden clean lock static backup restore

# The virtualenv is complete once pip runs in it (stamp .venv/.created; an older .venv where
# pip runs is kept). A failed or interrupted creation removes the folder: the next `make`
# starts from nothing, never from a half-made .venv. A Python that cannot make one (Debian,
# Ubuntu: the python3-venv package is missing) is explained in French.
VENV_HELP := Impossible de créer l'environnement Python ($(VENV)) avec « $(PYTHON) -m venv ». Sur Debian ou Ubuntu, il manque le plus souvent le paquet python3-venv : installez-le (« sudo apt-get install python3-venv », ou python3.11-venv selon votre version de Python), puis relancez la commande. Rien n'a été laissé dans $(VENV).

$(VENV)/.created:
	@if [ -x $(PY) ] && $(PY) -m pip --version >/dev/null 2>&1; then touch $@; exit 0; fi; \
	rm -rf $(VENV); \
	trap 'rm -rf $(VENV); exit 1' INT TERM HUP; \
	if ! command -v $(PYTHON) >/dev/null 2>&1; then \
	  echo "Python 3 est introuvable (« $(PYTHON) ») : installez-le (« sudo apt-get install python3 python3-venv »)." >&2; exit 1; fi; \
	if ! out=$$($(PYTHON) -m venv $(VENV) 2>&1) || ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  rm -rf $(VENV); printf '%s\n' "$$out" >&2; echo "$(VENV_HELP)" >&2; exit 1; fi; \
	$(PY) -m pip install --quiet --upgrade pip || echo "pip n'a pas pu être mis à jour : on garde celui de Python." >&2; \
	touch $@

# Installs come from the lock files: every package, dependencies included, at one version
# with its hashes (pip refuses a file whose hash differs). requirements*.txt hold the
# direct pins; `make lock` re-derives the locks after a change (tests/test_packaging.py
# fails while they disagree). Stamps make re-installs happen only when a lock changes.
$(VENV)/.runtime-installed: requirements.lock | $(VENV)/.created
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.test-installed: requirements.lock requirements-test.lock | $(VENV)/.created
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@ $(VENV)/.runtime-installed

PIP_COMPILE := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet pip-tools==7.7.0
	$(VENV)-lock/bin/pip-compile $(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(VENV)-lock/bin/pip-compile $(PIP_COMPILE) --output-file=requirements-test.lock requirements-test.txt
	rm -rf $(VENV)-lock

install: $(VENV)/.runtime-installed
install-test: $(VENV)/.test-installed

system-deps:
	bash .ci/system-deps.sh

# Tesseract and its French model read a photographed letter (assistant/reading/): installed
# here when missing, as root (otherwise a French message, and the app starts without it).
run: install
	bash .ci/system-deps.sh --ocr
	$(PY) -m assistant migrate
	$(VENV)/bin/streamlit run assistant/app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install-test system-deps
	bash .ci/pytest.sh

bench: install-test system-deps
	$(PY) bench/analyse.py
	$(PY) bench/letters.py
	$(PY) bench/batch.py
	$(PY) bench/store.py
	$(PY) bench/read.py

# Encrypted backups of the case files' database (assistant/casefiles/backup.py, README's
# operator section): `make backup` dumps the embedded SQLite file or DATABASE_URL's PostgreSQL
# (pg_dump) into BACKUP_DIR (default: backups/ beside the embedded database), encrypted, 0600.
# `make restore FILE=…` puts one back (stop the app first). With Docker Compose (deploy/):
# COMPOSE=1 — pg_dump/pg_restore run in the postgres container as its superuser, the
# encryption here with deploy/secrets/backup.key (sh deploy/make-key.sh); Compose v1:
# DOCKER_COMPOSE=docker-compose.
DOCKER_COMPOSE ?= docker compose
COMPOSE_DB = $(DOCKER_COMPOSE) -f deploy/compose.yaml exec -T postgres
backup restore: SHELL := /bin/bash
backup restore: .SHELLFLAGS := -eo pipefail -c
BACKUP_OUT = $(if $(BACKUP_DIR),--out $(BACKUP_DIR),$(if $(COMPOSE),--out deploy/backups))
BACKUP_KEY = $(if $(COMPOSE),MESDROITS_BACKUP_KEY_FILE=$${MESDROITS_BACKUP_KEY_FILE:-deploy/secrets/backup.key})
backup: install
ifdef COMPOSE
	$(COMPOSE_DB) pg_dump -U postgres --format=custom mesdroits \
	  | $(BACKUP_KEY) $(PY) -m assistant backup --from-stdin $(BACKUP_OUT)
else
	$(PY) -m assistant backup $(BACKUP_OUT)
endif

restore: install
	@test -n "$(FILE)" || { echo "Dites quelle sauvegarde : make restore FILE=chemin/du/fichier.backup" >&2; exit 2; }
ifdef COMPOSE
	$(BACKUP_KEY) $(PY) -m assistant restore --to-stdout "$(FILE)" \
	  | $(COMPOSE_DB) pg_restore -U postgres -d mesdroits --clean --if-exists --single-transaction --exit-on-error
else
	$(PY) -m assistant restore "$(FILE)"
endif

# Streamlit's static files with their gzip copies, for nginx's `location /static/`
# (deploy/nginx.conf); again after a Streamlit upgrade. `make static STATIC_DIR=…` elsewhere.
STATIC_DIR ?= /var/lib/mesdroits/static
static: install
	$(PY) tools/precompress_static.py $(STATIC_DIR)

# Regenerate the golden letter texts after an intended wording change (review the diff!).
golden: install-test
	$(PY) -m tests.golden_update

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
