"""What the print benchmarks share: the demo in a SQLite file of their own, measured apart.

Each benchmark prepares its data in one process, then measures in a fresh subprocess so the
peak resident memory it reports is that of the measured work (Python and Django included),
not of loading the demo.
"""

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(name: str) -> None:
    """Django on ``var/bench-<name>.sqlite3`` with its own media directory."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "conference.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'bench-{name}.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(ROOT / "var" / f"bench-{name}-media")
    import django

    django.setup()


def load_demo() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--reset", verbosity=0)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def output_path(name: str) -> Path:
    return ROOT / "var" / f"bench-{name}.pdf"


def run(name: str, *, prepare: Callable[[], None], measure: Callable[[], None]) -> None:
    """``python bench/<name>.py`` prepares, then measures in a subprocess (``--measure``)."""
    measuring = sys.argv[1:] == ["--measure"]
    (ROOT / "var").mkdir(exist_ok=True)
    setup_django(name)
    if measuring:
        measure()
    else:
        prepare()
        subprocess.run([sys.executable, sys.argv[0], "--measure"], check=True)
