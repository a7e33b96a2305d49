"""The task queue: Celery, with Redis as the broker in production.

Mail, large imports and other slow work run in workers, never inside a request. Without
``CELERY_BROKER_URL`` (a newcomer's ``make run``, the tests) tasks run eagerly in the calling
process, so everything still works on one machine with nothing else installed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

app = Celery("plenary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
