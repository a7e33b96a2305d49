"""Settings for bench/agenda.py: the project's own, plus a trivial view to compare with,
and a cache the two gunicorn workers share (as production should have), so a cached
page costs no query."""

from conference.settings import *  # noqa: F403
from conference.settings import VAR_DIR

ROOT_URLCONF = "bench.agenda_urls"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "bench-cache"),
    }
}
