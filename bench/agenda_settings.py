"""Settings for the agenda benchmarks: the project's own (with the Redis cache that REDIS_URL
names, shared by both servers), plus a trivial view to compare with and a bench-only rename."""

from conference.settings import *  # noqa: F403

ROOT_URLCONF = "bench.agenda_urls"
