"""Round trip of participants 0010/0011 (the badge holds printed and collected) at size.

    make bench-badge-migration      # or: .venv/bin/python bench/badge_state_migration.py [SIZE]

On PostgreSQL (server from BENCH_POSTGRES) it recreates plenary_bench_badge_state twice:

1. at 0009, SIZE participants (default 100,000) in the old states, with their badges and an
   audit trail as the old code wrote them; then forward to 0011 and back to 0009;
2. the demo loaded at the newest migration; then back to 0009 and forward again.

At each step it prints the participants per displayed state, the badges in circulation,
printed and collected, and the audit rows: every count must match the step before.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_badge_state")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
OLD = [("participants", "0009_badge_category_label_translated")]
NEW = [("participants", "0011_badge_state_constraints")]
# The old states in the proportions of the demo: most badges collected, some printed.
MIX = ("badge_collected",) * 14 + ("badge_printed",) * 3 + ("approved", "vetting", "rejected")


def recreate_database() -> None:
    from django.db import connection

    connection.close()
    for command in ("dropdb", "createdb"):
        extra = ["--if-exists", "--force"] if command == "dropdb" else []
        subprocess.run([command, *extra, "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    started = time.perf_counter()
    executor.migrate(targets)
    seconds = time.perf_counter() - started
    return MigrationExecutor(connection).loader.project_state(targets).apps, seconds


def seed_old(apps, size: int) -> None:
    """Participants, badges and audit rows as the code before 0010 wrote them."""
    Conference = apps.get_model("conference", "Conference")
    BadgeCategory = apps.get_model("participants", "BadgeCategory")
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    AccreditationEvent = apps.get_model("participants", "AccreditationEvent")
    conference = Conference.objects.create(
        slug="badge-state",
        title="Badge state round trip",
        short_title="Round trip",
        city="Dushanbe",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
    )
    category = BadgeCategory.objects.create(conference=conference, code="D", name="Delegate")
    at = dt.datetime(2019, 5, 15, 9, tzinfo=dt.UTC)
    people = Participant.objects.bulk_create(
        (
            Participant(
                conference=conference,
                given_names=f"Given{n}",
                family_name=f"Family{n}",
                email=f"p{n}@round.example",
                status=MIX[n % len(MIX)],
                badge_category=category,
                badge_number=n + 1 if MIX[n % len(MIX)] not in ("vetting", "rejected") else None,
            )
            for n in range(size)
        ),
        batch_size=5_000,
    )
    badges, events = [], []
    for person in people:
        if person.badge_number is None:
            continue
        printed = person.status in ("badge_printed", "badge_collected")
        collected = person.status == "badge_collected"
        badges.append(
            IssuedBadge(
                conference=conference,
                number=person.badge_number,
                participant=person,
                printed_at=at if printed else None,
                collected_at=at if collected else None,
            )
        )
        trail = [("vetting", "approved")]
        if printed:
            trail.append(("approved", "badge_printed"))
        if collected:
            trail.append(("badge_printed", "badge_collected"))
        events += [
            AccreditationEvent(participant=person, from_status=a, to_status=b) for a, b in trail
        ]
    IssuedBadge.objects.bulk_create(badges, batch_size=5_000)
    AccreditationEvent.objects.bulk_create(events, batch_size=5_000)


def counts(apps, *, new: bool) -> dict:
    """Per displayed state, and the badge and audit totals."""
    Participant = apps.get_model("participants", "Participant")
    IssuedBadge = apps.get_model("participants", "IssuedBadge")
    AccreditationEvent = apps.get_model("participants", "AccreditationEvent")
    current = IssuedBadge.objects.filter(voided_at__isnull=True)
    states = Counter(dict(Participant.objects.values_list("status").annotate(n=_count())))
    if new:
        # Stored "approved": the badge in circulation tells how far it came.
        collected = current.filter(collected_at__isnull=False, participant__status="approved")
        printed = current.filter(printed_at__isnull=False, participant__status="approved")
        states["badge_collected"] = collected.count()
        states["badge_printed"] = printed.count() - states["badge_collected"]
        states["approved"] -= states["badge_collected"] + states["badge_printed"]
    return {
        "states": dict(sorted((k, v) for k, v in states.items() if v)),
        "badges in circulation": current.count(),
        "printed": current.filter(printed_at__isnull=False).count(),
        "collected": current.filter(collected_at__isnull=False).count(),
        "audit rows": AccreditationEvent.objects.count(),
    }


def _count():
    from django.db.models import Count

    return Count("pk")


def show(label: str, figures: dict, seconds: float | None = None) -> None:
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    print(f"{label}{took}")
    for key, value in figures.items():
        print(f"  {key}: {value}")


def round_trip_at_size(size: int) -> bool:
    recreate_database()
    apps, seconds = migrate(OLD)
    print(f"== {size:,} participants written at 0009")
    seed_old(apps, size)
    before = counts(apps, new=False)
    show("before (0009)", before)
    apps, seconds = migrate(NEW)
    forward = counts(apps, new=True)
    show("forward (0011)", forward, seconds)
    apps, seconds = migrate(OLD)
    back = counts(apps, new=False)
    show("backward (0009)", back, seconds)
    return before == forward == back


def round_trip_of_the_demo() -> bool:
    from django.core.management import call_command

    recreate_database()
    call_command("migrate", verbosity=0)
    apps, _ = migrate(NEW)
    call_command("load_demo", verbosity=0)
    print("== the demo, loaded at 0011")
    loaded = counts(apps, new=True)
    show("loaded (0011)", loaded)
    apps, seconds = migrate(OLD)
    back = counts(apps, new=False)
    show("backward (0009)", back, seconds)
    apps, seconds = migrate(NEW)
    forward = counts(apps, new=True)
    show("forward again (0011)", forward, seconds)
    return loaded == back == forward


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_django()
    print(f"load average: {os.getloadavg()}")
    same = [round_trip_at_size(size), round_trip_of_the_demo()]
    print("counts equal at every step:", "yes" if all(same) else "NO")
    sys.exit(0 if all(same) else 1)


if __name__ == "__main__":
    main()
