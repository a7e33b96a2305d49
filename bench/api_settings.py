"""Settings for bench/api.py: the project's, with the benchmark's own task queue name (the
shared Redis may carry other queues), a quick first retry and no request-rate limit."""

import os

from conference.settings import *  # noqa: F403
from conference.settings import REST_FRAMEWORK

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_QUEUE", "bench-api")
WEBHOOK_RETRY_BASE_SECONDS = 1.0
WEBHOOK_TIMEOUT_SECONDS = 5.0
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000000/minute"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
