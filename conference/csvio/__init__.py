"""CSV exports: the base class and writer, the registry, and every registered export.

Importing the package registers all exports, so callers only need
``from conference.exports import registry``.
"""

from . import agenda, documents, people  # noqa: F401  (registers the exports)
