# Plenary: `make run` serves the demo conference, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# make is the developer's tool: DEBUG on for the demo and the checks unless the caller sets it.
# The settings default to DEBUG off, so a server started any other way shows no tracebacks.
export DEBUG ?= 1

.PHONY: run test lint pytest demo messages clean bench-badge-migration bench-export bench-agenda bench-badges bench-nameplates bench-import bench-admin bench-print bench-redis-restart bench-mail bench-documents bench-door bench-api bench-public bench-floor bench-floor-profile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools<81" wheel
	# xstatic-bootstrap ships only an sdist whose setup needs pkg_resources.
	$(BIN)/python -m pip install -q --no-build-isolation "xstatic-bootstrap>=5.3,<6"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compile_catalogues

demo: $(STAMP) messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo

# With CELERY_BROKER_URL set (e.g. redis://127.0.0.1:6379/1) a Celery worker runs beside the
# development server and stops with it; without it, tasks run eagerly inside the request.
run: demo
	$(if $(CELERY_BROKER_URL),$(BIN)/celery -A conference worker --loglevel INFO --concurrency 2 & trap 'kill $$!' EXIT INT TERM;) \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(STAMP) messages
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest

# Benchmarks print figures; they are not tests. The export honours DATABASE_URL.
bench-export: $(STAMP)
	$(BIN)/python bench/export.py

# Needs wrk and redis-server (apt-get install -y wrk redis-server) and PostgreSQL (BENCH_POSTGRES,
# default 127.0.0.1:5432); it recreates its own database, plenary_bench_agenda (BENCH_DATABASE),
# and runs its own Redis on port 6392 (BENCH_REDIS_PORT), never the shared one.
bench-agenda: $(STAMP) messages
	$(BIN)/python bench/agenda.py

# Every cached public page under wrk beside a bare WSGI app (bench/floor.py) under the same
# gunicorn, in one run: target >= 0.8x the floor. Own database plenary_bench_public, own Redis
# on port 6393 (BENCH_REDIS_PORT); BENCH_SECONDS (10) per run, BENCH_ROUNDS (3) rounds.
bench-public: $(STAMP) messages
	$(BIN)/python bench/public.py

# The agenda under wrk -c64 for 60 s while the benchmark's own Redis (port 6392) restarts:
# responses by status and PostgreSQL transactions, second by second. Same database as above.
bench-redis-restart: $(STAMP) messages
	$(BIN)/python bench/redis_restart.py

# Batch PDF of every Dushanbe demo badge with a photo each; its own SQLite file under var/.
bench-badges: $(STAMP) messages
	$(BIN)/python bench/badges.py

# 500 nameplates (tent cards) from the Dushanbe demo's delegations; its own SQLite file.
bench-nameplates: $(STAMP) messages
	$(BIN)/python bench/nameplates.py

# PostgreSQL (BENCH_POSTGRES, default 127.0.0.1:5432); recreates plenary_bench_import.
bench-import: $(STAMP) messages
	$(BIN)/python bench/import.py

# PostgreSQL (BENCH_POSTGRES); recreates plenary_bench_admin with up to 100,000 participants.
bench-admin: $(STAMP) messages
	$(BIN)/python bench/admin.py

# The badge-state migration (participants 0010/0011) forward and back at 100,000 participants
# and on the demo, counts at every step; its own database, plenary_bench_badge_state.
bench-badge-migration: $(STAMP) messages
	$(BIN)/python bench/badge_state_migration.py

# PostgreSQL (BENCH_POSTGRES) and Redis (BENCH_BROKER, default redis://127.0.0.1:6379/1);
# recreates plenary_bench_mail with the demo and times the bulk approval of 400 participants.
bench-mail: $(STAMP) messages
	$(BIN)/python bench/mail.py

# 500 certificates of attendance in one batch (and the list of participants, 50 visa letters);
# its own SQLite file under var/.
bench-print: $(STAMP) messages
	$(BIN)/python bench/print.py

# PostgreSQL (BENCH_POSTGRES) and Redis (BENCH_BROKER, default redis://127.0.0.1:6379/1, on a
# queue of its own); recreates plenary_bench_api: 100,000 participants paged through the API,
# 1,000 webhook deliveries to a local receiver by a Celery worker, an .xlsx import of 10,000.
bench-api: $(STAMP) messages
	$(BIN)/python bench/api.py

# 500 projector WebSockets on daphne, a console on gunicorn pressing "next" 50 times a run, 3 runs:
# delivery to the last viewer and the console's response, p50/p99. PostgreSQL (BENCH_POSTGRES);
# recreates plenary_bench_floor; its own redis-server on port 6471 (BENCH_REDIS_PORT).
bench-floor: $(STAMP) messages
	$(BIN)/python bench/floor.py

# One console action ("next", pause, resume) in process: queries and CPU ms per action, and
# the time in the service, publishing and retiring cached pages (cProfile). PostgreSQL;
# recreates plenary_bench_floor_profile; its own redis-server on port 6472.
bench-floor-profile: $(STAMP) messages
	$(BIN)/python bench/floor_profile.py

clean:
	rm -rf $(VENV) var

# PostgreSQL (BENCH_POSTGRES); recreates plenary_bench_documents: a text of 100 to 1,000
# paragraphs, insert near the start, save, issue, page and PDF (times and query counts).
bench-documents: $(STAMP) messages
	$(BIN)/python bench/documents.py

# PostgreSQL (BENCH_POSTGRES) and wrk; recreates plenary_bench_door with 100,000 participants:
# desk lookups by number and name (Latin, Cyrillic) and sustained scans through two gunicorn
# workers on 127.0.0.1:8417 (BENCH_PORT), median of 3 runs with the load average.
bench-door: $(STAMP) messages
	$(BIN)/python bench/door.py
