"""Benchmark of the nameplates PDF: 500 tent cards from the Dushanbe demo's delegations.

    .venv/bin/python bench/nameplates.py     # SQLite file var/bench-nameplates.sqlite3

Loads the demo into its own database, then in a fresh subprocess reads the delegations
present, repeats them up to 500 plates (the demo has fewer than a hundred delegations;
their long names, English and Russian, are the costly part), renders the PDF and prints the
time and the subprocess's peak resident memory (getrusage, Python and Django included).
Target: under 10 s.
"""

import time
from itertools import cycle, islice

import demo_database

PLATES = 500


def measure() -> None:
    from conference.models import Conference
    from participants.accreditation import selectors
    from participants.letters import nameplates

    conference = Conference.objects.get(slug="dushanbe-2019")
    started = time.perf_counter()
    present = selectors.delegations_present(conference=conference)
    delegations = list(islice(cycle(present), PLATES))
    plates = nameplates.plates_for(conference=conference, delegations=delegations)
    with open(demo_database.output_path("nameplates"), "wb") as output:
        count = nameplates.render_nameplates(plates, title="bench", output=output)
    elapsed = time.perf_counter() - started
    peak_mb = demo_database.peak_memory_mb()
    size_mb = (demo_database.output_path("nameplates")).stat().st_size / 1024 / 1024
    print(
        f"{count} nameplates ({len(present)} delegations present, repeated): {elapsed:.1f} s, "
        f"peak memory {peak_mb:.0f} MB, PDF {size_mb:.1f} MB (target: < 10 s)"
    )


if __name__ == "__main__":
    demo_database.run("nameplates", prepare=demo_database.load_demo, measure=measure)
