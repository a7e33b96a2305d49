"""One registry of exports for the admin page, the admin actions and ``export_csv``."""

from django.db.models import Model

from .base import Export

_exports: dict[str, Export] = {}


def register(cls: type[Export]) -> type[Export]:
    if cls.identifier in _exports:
        raise ValueError(f"Two exports share the identifier {cls.identifier!r}.")
    _exports[cls.identifier] = cls()
    return cls


def get(identifier: str) -> Export:
    """The export with this identifier; KeyError for an unknown one."""
    return _exports[identifier]


def all_exports() -> list[Export]:
    return list(_exports.values())


def permitted(user) -> list[Export]:
    return [export for export in _exports.values() if export.is_permitted(user)]


def for_model(model: type[Model]) -> list[Export]:
    return [export for export in _exports.values() if export.model is model]
