"""Imports run one way: conference <- participants <- sessions <- documents.

Only the project modules (settings, urls) and the demo (a top-level app) may import everything.
The check reads every production module's source, function-level imports included.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = "documents"
# What each domain may import of the project's own packages.
ALLOWED = {
    "conference": {"conference"},
    "participants": {"conference", "participants"},
    "sessions": {"conference", "participants", "sessions"},
    DOCUMENTS: {"conference", "participants", "sessions", DOCUMENTS},
}
MAY_IMPORT_EVERYTHING = ("conference.settings", "conference.urls", "conference.asgi", "demo")
APPS = ("conference", "participants", "sessions", DOCUMENTS, "demo")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _domain(module: str) -> str | None:
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
        ("conference.site.caching", "from participants.models import Participant"),
        ("conference.csvio.base", "from participants import models"),
        ("conference.models", "from documents import models"),
        ("participants.selectors", "import sessions.models"),
        ("participants.services", "from documents.models import Amendment"),
        ("sessions.services", "from documents import services"),
        ("sessions.views", "import documents.selectors"),
        ("conference.site.views", "from demo.common import DUSHANBE_SLUG"),
        ("participants.models", "from demo import loader"),
    ],
)
def test_the_check_sees_a_forbidden_import(module, source):
    assert f"{module} imports " in "\n".join(_violations({module: source}))
