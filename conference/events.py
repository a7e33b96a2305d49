"""Domain events: the services announce what happened; whoever stands above listens.

A service calls :func:`events_emit` inside its own transaction, after its change is written.
Each subscriber (registered at its app's ``ready()``; the api app's webhooks are one) runs
at once, in that same transaction, so whatever it writes (a webhook delivery row) commits
with the change or not at all, and anything slow it queues with ``transaction.on_commit``.

Why a registry rather than an outbox table here: the subscriber's own row (the delivery) *is*
the outbox, written in the change's transaction; a second table of raw events would hold the
same fact twice and need a relay. The registry keeps every import pointing upwards: the
domain apps import this module, never the api app, and with no subscriber nothing is written.
A subscriber must not raise for a partner's sake: a failure there fails the change.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .enums import DomainEvent


@dataclass(frozen=True)
class Event:
    kind: str
    # JSON-serialisable: ids, codes, ISO 8601 times; never identity data.
    payload: Mapping[str, Any]


Subscriber = Callable[..., None]
_subscribers: list[Subscriber] = []


def event_subscribe(subscriber: Subscriber) -> Subscriber:
    """Register ``subscriber(*, conference_id, events)``; registering twice is harmless."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def event_unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def events_emit(*, conference_id: int, events: Iterable[Event]) -> None:
    """Hand one conference's events to every subscriber, in the caller's transaction."""
    events = [event for event in events if event.kind in DomainEvent.values]
    if not events:
        return
    for subscriber in list(_subscribers):
        subscriber(conference_id=conference_id, events=events)


def event_emit(*, conference_id: int, kind: str, payload: Mapping[str, Any]) -> None:
    """One event: :func:`events_emit` of a single one."""
    events_emit(conference_id=conference_id, events=[Event(kind=kind, payload=payload)])
