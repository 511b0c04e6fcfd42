# Khedmat — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# The public address printed in QR codes and verification links: the port `make run` serves on,
# unless set (production sets its own; the production profile refuses to start without one).
export KHEDMAT_SITE_URL ?= http://127.0.0.1:$(PORT)
GATEWAY_PORT ?= 8010
REGISTRY_PORT ?= 8020
PYTEST_ARGS ?=
# The suite runs in one process per core (pytest-xdist; docs/testing.md). TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto

.PHONY: run test setup test-setup messages catalogue migrate demo lint bench clean debian-test-deps

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed messages

# Compile the Persian catalogue (.po → .mo) with polib; GNU gettext is not needed.
messages: $(VENV)/.installed
	$(PY) tools/compilemessages.py

# Refresh locale/fa/LC_MESSAGES/django.po from the code (needs GNU gettext's xgettext).
catalogue: $(VENV)/.installed
	$(PY) manage.py makemessages --locale fa --no-location --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'build/*'
	$(PY) tools/compilemessages.py

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data

demo: migrate
	$(PY) manage.py load_demo_data

# Sets up everything on SQLite and serves http://127.0.0.1:$(PORT) with demo data. The task worker
# (outbox deliveries, retry sweep) runs in the background and is stopped when the server stops.
run: demo
# The periodic tasks are queued quietly (their output and any console SMS go to var/run.log); the demo
# logins are printed last, just before the servers start.
	@for command in outbox_sweep sla_sweep payments_reconcile inquiries_retry appointments_remind committees_remind \
	  referrals_sweep licences_expire verification_log_flush; do $(PY) manage.py $$command --schedule >>var/run.log || exit 1; done
	@cat var/demo-logins.txt 2>/dev/null || true
	@echo "  (the demo's SMS: var/demo-sms.log and /dev/outbox/)"
	@echo "Khedmat at http://127.0.0.1:$(PORT)/  (development outbox: http://127.0.0.1:$(PORT)/dev/outbox/; QR codes point to $(KHEDMAT_SITE_URL))"
	@$(PY) tools/sandbox_gateway.py --port $(GATEWAY_PORT) 2>>var/sandbox-gateway.log & gateway=$$!; \
	$(PY) tools/registry_simulator.py --port $(REGISTRY_PORT) 2>>var/registry-simulator.log & registry=$$!; \
	PAYMENT_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT) REGISTRY_BASE_URL=http://127.0.0.1:$(REGISTRY_PORT) KHEDMAT_SAJAR_URL=http://127.0.0.1:$(REGISTRY_PORT) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	PAYMENT_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT) REGISTRY_BASE_URL=http://127.0.0.1:$(REGISTRY_PORT) KHEDMAT_SAJAR_URL=http://127.0.0.1:$(REGISTRY_PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT) & server=$$!; \
	trap 'kill $$server $$worker $$gateway $$registry 2>/dev/null' INT TERM HUP; \
	trap 'kill $$worker $$gateway $$registry 2>/dev/null' EXIT; \
	wait $$server; status=$$?; wait $$server 2>/dev/null; \
	kill $$worker $$gateway $$registry 2>/dev/null; wait $$worker $$gateway $$registry 2>/dev/null; exit $$status

# Debian packages the browser tests need; installed when we may (root with apt-get), else the
# browser tests say why they are skipped (and fail under CI=true).
debian-test-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2 || missing="$$missing libpangoft2-1.0-0"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "Note: missing Debian packages:$$missing — the tests that need them are skipped (apt-get install$$missing)."; fi

test: $(VENV)/.test-installed messages debian-test-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(PIP) install --quiet ruff && $(VENV)/bin/ruff check khedmat tools bench

bench: $(VENV)/.test-installed messages
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
