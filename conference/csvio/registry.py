"""One registry of exports and imports for the admin pages, the admin actions and
``export_csv``. Each app registers its own from its ``exports.py``."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.functional import Promise

from .base import Export

_exports: dict[str, Export] = {}
_imports: dict[str, "CsvImport"] = {}


@dataclass(frozen=True)
class CsvImport:
    """An import page of a conference: /admin/conference/conference/<id>/import-<identifier>/.

    ``view(model_admin, request, conference)`` does the upload, preview and confirmation.
    """

    identifier: str
    label: Promise | str
    permissions: tuple[str, ...]
    view: Callable

    def is_permitted(self, user) -> bool:
        return user.is_active and user.has_perms(self.permissions)


def register_import(csv_import: CsvImport) -> CsvImport:
    if csv_import.identifier in _imports:
        raise ValueError(f"Two imports share the identifier {csv_import.identifier!r}.")
    _imports[csv_import.identifier] = csv_import
    return csv_import


def all_imports() -> list[CsvImport]:
    return list(_imports.values())


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
