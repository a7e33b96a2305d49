import contextlib

import pytest

from conference.celery import app as celery_app

LIVE_BROKER = "redis://127.0.0.1:6379/1"  # this project's Redis database for the queue
CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/1"  # nobody listens here: a broker that is down


@contextlib.contextmanager
def broker(url: str):
    """Tasks go to ``url`` instead of running eagerly; the app's settings come back after."""
    conf = celery_app.conf
    saved = {name: conf[name] for name in ("broker_url", "task_always_eager")}
    conf.broker_url, conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield celery_app
    finally:
        _forget_connections()
        conf.update(saved)


def _forget_connections() -> None:
    # The app keeps the pools of the broker it first met; kombu keeps one pool per broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    with broker(CLOSED_PORT_BROKER) as app:
        yield app
