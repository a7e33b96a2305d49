"""The settings the tests load: the project's, evaluated as in development (DEBUG=1).

The project defaults to DEBUG off, which also needs a SECRET_KEY; the tests use the development
shape (local-memory cache, plain static storage). pytest-django still runs every test with
DEBUG off, as production does. tests/conference/test_settings.py checks the real defaults in
subprocesses that start from conference.settings with no DEBUG in the environment.
"""

import os

os.environ.setdefault("DEBUG", "1")

from conference.settings import *  # noqa: E402,F403

# Tasks run eagerly in tests; the one live-worker test configures a real broker of its own.
CELERY_TASK_ALWAYS_EAGER = True
