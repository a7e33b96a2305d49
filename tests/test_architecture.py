"""Imports run one way: conference <- participants <- sessions <- documents <- api; demo above all.

The api app (partners' REST API and webhooks) stands above every domain app; none imports it
(their events reach it through conference.events).

Inside participants, the accreditation core (the top-level modules and
``participants.accreditation``) never imports a concern; each concern (identity, portal,
badging, letters, imports) imports the core and, for the portal only, the two concerns whose
pages it shows. Floors above participants may use any of its rooms. The README's Architecture
section says the same in prose.

Only the project modules (settings, urls), the demo (a top-level app) and the participants
assembly (the admin that composes each concern's admin pages, the app config that registers
them, the management commands) may import more than their floor. The check reads every
production module's source, function-level imports included.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = "documents"
CONCERNS = tuple(
    f"participants.{name}" for name in ("identity", "portal", "badging", "letters", "imports")
)
FLOOR = {"conference", "participants"}
# What each unit may import of the project's own packages; a module belongs to the unit of its
# longest matching prefix, and so does each name it imports.
ALLOWED = {
    "conference": {"conference"},
    "participants": FLOOR,
    "participants.identity": {*FLOOR, "participants.identity"},
    "participants.badging": {*FLOOR, "participants.badging"},
    "participants.letters": {*FLOOR, "participants.letters"},
    "participants.imports": {*FLOOR, "participants.imports"},
    "participants.portal": {
        *FLOOR,
        "participants.portal",
        "participants.identity",
        "participants.letters",
    },
    # The assembly: Django autodiscovers participants.admin and runs participants.apps, and the
    # commands are entry points; each puts the concerns together, as conference.urls does.
    "participants.admin": {*FLOOR, *CONCERNS},
    "participants.apps": {*FLOOR, *CONCERNS},
    "participants.management": {*FLOOR, *CONCERNS},
    # A floor above participants may use any of its rooms.
    "sessions": {"conference", "participants", *CONCERNS, "sessions"},
    DOCUMENTS: {"conference", "participants", *CONCERNS, "sessions", DOCUMENTS},
    "api": {"conference", "participants", *CONCERNS, "sessions", DOCUMENTS, "api"},
}
MAY_IMPORT_EVERYTHING = ("conference.settings", "conference.urls", "conference.asgi", "demo")
APPS = ("conference", "participants", "sessions", DOCUMENTS, "api", "demo")
UNITS = sorted(ALLOWED, key=len, reverse=True)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _domain(module: str) -> str | None:
    """The unit ``module`` belongs to: the longest prefix in ALLOWED, else its app."""
    for unit in UNITS:
        if module == unit or module.startswith(f"{unit}."):
            return unit
    top = module.split(".")[0]
    return top if top in APPS else None


def _imported(path: Path, module: str, source: str) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            names.add(target)
            # "import documents" imports the documents app.
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def _production_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, _module_name(path)


def _violations(added: dict[str, str] | None = None) -> list[str]:
    """Forbidden imports; ``added`` appends source lines to modules, to test the check."""
    added = added or {}
    found = []
    for path, module in _production_modules():
        if module.startswith(MAY_IMPORT_EVERYTHING):
            continue
        allowed = ALLOWED[_domain(module)]
        source = path.read_text() + "\n" + added.get(module, "")
        for name in sorted(_imported(path, module, source)):
            target = _domain(name)
            if target is not None and target not in allowed and _exists(name):
                found.append(f"{module} imports {name}")
    return found


def _exists(name: str) -> bool:
    """Whether ``name`` is one of our modules, not a name inside one (``models.Conference``)."""
    relative = Path(*name.split("."))
    return (ROOT / relative.with_suffix(".py")).exists() or (ROOT / relative).is_dir()


def test_imports_run_one_way():
    assert _violations() == []


@pytest.mark.parametrize(
    "module, source",
    [
        # conference imports no app above it.
        ("conference.site.caching", "from participants.models import Participant"),
        ("conference.csvio.base", "from participants import models"),
        ("conference.models", "from documents import models"),
        ("conference.mail.services", "from sessions.selectors import agenda_days"),
        ("conference.admin", "from participants.badging import printing"),
        ("conference.site.views", "from demo.common import DUSHANBE_SLUG"),
        # documents is imported by neither participants nor sessions.
        ("participants.accreditation.selectors", "import sessions.models"),
        ("participants.accreditation.services", "from documents.models import Amendment"),
        ("participants.letters.printing", "import documents.printing"),
        ("sessions.services", "from documents import services"),
        ("sessions.views", "import documents.selectors"),
        # The accreditation core imports no concern.
        ("participants.accreditation.services", "from participants.badging import door"),
        ("participants.accreditation.selectors", "from participants.letters.selectors import *"),
        ("participants.models", "from participants.identity.photos import photo_reencode"),
        ("participants.accreditation.exports", "import participants.imports.services"),
        ("participants.enums", "from .portal import views"),
        # A concern imports the core, not another concern (the portal shows two of them).
        ("participants.badging.services", "from participants.letters import services"),
        ("participants.imports.services", "from participants.portal.forms import MemberForm"),
        ("participants.models", "from demo import loader"),
        ("participants.accreditation.services", "from api import webhooks"),
        ("conference.events", "import api.models"),
        ("documents.services", "from api.webhooks import webhooks_enqueue"),
        ("api.views", "from demo.common import DUSHANBE_SLUG"),
    ],
)
def test_the_check_sees_a_forbidden_import(module, source):
    assert f"{module} imports " in "\n".join(_violations({module: source}))


@pytest.mark.parametrize(
    "module, source",
    [
        ("participants.badging.services", "from participants.accreditation import services"),
        ("participants.portal.views", "from participants.letters import services"),
        ("participants.admin", "from participants.imports import admin"),
        ("documents.services", "from participants.letters import selectors"),
    ],
)
def test_the_check_lets_a_floor_import_what_it_stands_on(module, source):
    assert _violations({module: source}) == []


def test_each_concern_is_a_package_that_says_what_it_owns_and_may_import():
    for concern in ("accreditation", *(name.rpartition(".")[2] for name in CONCERNS)):
        init = ROOT / "participants" / concern / "__init__.py"
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and "May import" in docstring, concern


def test_participants_top_level_holds_at_most_twelve_modules():
    modules = [path.name for path in (ROOT / "participants").glob("*.py")]
    assert len(modules) <= 12, sorted(modules)


def _readme_architecture() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme[readme.index("## Architecture") : readme.index("## Where things live")]


def test_the_readme_names_every_room_and_what_it_may_import():
    architecture = _readme_architecture()
    for unit in (
        "participants/accreditation/",
        *(f"{name.replace('.', '/')}/" for name in CONCERNS),
    ):
        assert f"`{unit}`" in architecture, unit
    assert "the core imports no room" in architecture


def test_the_signal_receivers_are_the_ones_the_readme_explains():
    # A receiver needs a signal imported (django.db.models.signals, django.core.signals…).
    connected = {
        str(path.relative_to(ROOT))
        for path, module in _production_modules()
        if any(
            name.startswith("django.") and ".signals" in name
            for name in _imported(path, module, path.read_text())
        )
    }
    assert connected == {
        "documents/models.py",
        "conference/mail/apps.py",
        "conference/files.py",
        "participants/counts.py",
    }
    architecture = _readme_architecture()
    for path in connected:
        assert f"`{path}`" in architecture, path
