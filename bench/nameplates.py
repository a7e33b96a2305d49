"""Benchmark of the nameplates PDF: 500 tent cards from the Dushanbe demo's delegations.

    .venv/bin/python bench/nameplates.py     # SQLite file var/bench-nameplates.sqlite3

Loads the demo into its own database, then in a fresh subprocess reads the delegations
present, repeats them up to 500 plates (the demo has fewer than a hundred delegations;
their long names, English and Russian, are the costly part), renders the PDF and prints the
time and the subprocess's peak resident memory (getrusage, Python and Django included).
Target: under 10 s.
"""

import os
import resource
import subprocess
import sys
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench-nameplates.sqlite3"
PLATES = 500


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "conference.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    import django

    django.setup()


def prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--reset", verbosity=0)


def measure() -> None:
    from conference.models import Conference
    from participants import nameplates, selectors

    conference = Conference.objects.get(slug="dushanbe-2019")
    started = time.perf_counter()
    present = selectors.delegations_present(conference=conference)
    delegations = list(islice(cycle(present), PLATES))
    plates = nameplates.plates_for(conference=conference, delegations=delegations)
    with open(ROOT / "var" / "bench-nameplates.pdf", "wb") as output:
        count = nameplates.render_nameplates(plates, title="bench", output=output)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = (ROOT / "var" / "bench-nameplates.pdf").stat().st_size / 1024 / 1024
    print(
        f"{count} nameplates ({len(present)} delegations present, repeated): {elapsed:.1f} s, "
        f"peak memory {peak_mb:.0f} MB, PDF {size_mb:.1f} MB (target: < 10 s)"
    )


if __name__ == "__main__":
    setup_django()
    if sys.argv[1:] == ["--measure"]:
        measure()
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        prepare()
        subprocess.run([sys.executable, __file__, "--measure"], check=True)
