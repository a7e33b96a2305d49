"""Benchmark of the batch badge PDF: 500 Dushanbe badges, each with a photo.

    .venv/bin/python bench/badges.py     # SQLite file var/bench-badges.sqlite3, own media dir

Loads the demo into its own database, approves more delegates until 500 badges are current,
gives every badge holder a 600x800 JPEG photo (the demo has none), then renders the batch on
A4 sheets in a fresh subprocess: once as the first print (each photo is decoded and scaled,
and its print-size copy kept), then BENCH_REPEAT (3) times as a reprint (the kept copies).
It prints each time, the median of the reprints, the load average and the subprocess's peak
resident memory (getrusage, Python and Django included). Targets (issue 26): 500 badges in
<= 5 s and <= 300 MB. BENCH_PROFILE=1 prints where the time of one reprint goes (cProfile).
"""

import os
import statistics
import time

import demo_database

# The approvals mail the focal points; the benchmark has no one to tell.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

BADGES = 500
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
TARGET_SECONDS, TARGET_MB = 5, 300


def _approve_up_to(total: int) -> None:
    """More approved delegates, through the approval service, until ``total`` badges are current."""
    from conference.models import Conference
    from participants.accreditation import services
    from participants.models import BadgeCategory, Delegation, IssuedBadge, Participant

    conference = Conference.objects.get(slug="dushanbe-2019")
    current = IssuedBadge.objects.filter(conference=conference, voided_at__isnull=True).count()
    missing = total - current
    if missing <= 0:
        return
    # The delegates added here carry no passport data, which the demo conference requires.
    Conference.objects.filter(pk=conference.pk).update(requires_passport_data=False)
    category = BadgeCategory.objects.filter(conference=conference).order_by("pk").first()
    delegations = list(Delegation.objects.filter(conference=conference).order_by("pk")[:20])
    for delegation in delegations:
        delegation.max_size = 1000
        delegation.save(update_fields=["max_size"])
    people = Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[n % len(delegations)],
            given_names=f"Benchbek {n}",
            family_name=f"Badgeov{n:03d}",
            functional_title="Counsellor",
            email=f"badge-bench-{n}@example.org",
            status="vetting",
        )
        for n in range(missing)
    )
    _done, refused = services.participants_transition(
        name="approve",
        participants=people,
        by=None,
        badge_categories={person.pk: category for person in people},
    )
    if refused:
        raise SystemExit(f"approval refused: {refused[:3]}")


def prepare() -> None:
    import io
    import random

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from participants.models import IdentityDocument, IssuedBadge

    demo_database.load_demo()
    _approve_up_to(BADGES)
    rng = random.Random(1)
    holders = IssuedBadge.objects.filter(
        conference__slug="dushanbe-2019", voided_at__isnull=True
    ).values_list("participant_id", flat=True)
    for participant_id in holders:
        image = Image.new("RGB", (600, 800), tuple(rng.randint(60, 200) for _ in range(3)))
        ImageDraw.Draw(image).ellipse((150, 120, 450, 480), fill=(230, 200, 170))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        document, _ = IdentityDocument.objects.get_or_create(participant_id=participant_id)
        document.photo.save(f"bench-{participant_id}.jpg", ContentFile(buffer.getvalue()))
    print(f"Prepared {len(holders)} badge holders with photos.")


def measure() -> None:
    from conference.models import Conference
    from participants.badging import printing as badges
    from participants.badging import selectors as badging_selectors

    conference = Conference.objects.get(slug="dushanbe-2019")

    def render() -> tuple[int, float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        issued = badging_selectors.badges_in_protocol_order(
            conference=conference, badges=conference.issued_badges.filter(voided_at__isnull=True)
        )
        with open(demo_database.output_path("badges"), "wb") as output:
            count = badges.render_badges(
                issued, conference=conference, layout=badges.Layout.SHEETS, output=output
            )
        return count, time.perf_counter() - started, time.process_time() - cpu

    count, first, first_cpu = render()
    runs = [render() for _ in range(REPEAT)]
    reprints = [run[1] for run in runs]
    cpu_median = statistics.median(run[2] for run in runs)
    peak_mb = demo_database.peak_memory_mb()
    size_mb = (demo_database.output_path("badges")).stat().st_size / 1024 / 1024
    median = statistics.median(reprints)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{count} badges with photos on A4 sheets, {os.cpu_count()} CPUs, load average {load}")
    print(
        f"  first print (each photo decoded, scaled and kept): {first:.1f} s"
        f" ({first_cpu:.1f} s CPU)"
    )
    print(
        f"  reprint, median of {REPEAT} ({' / '.join(f'{t:.1f}' for t in reprints)} s):"
        f" {median:.1f} s ({cpu_median:.1f} s CPU)  target <= {TARGET_SECONDS} s: "
        f"{'ok' if median <= TARGET_SECONDS else 'MISSED'}"
        f"{'' if median <= TARGET_SECONDS else f' (CPU time: {cpu_median:.1f} s)'}"
    )
    print(
        f"  peak memory {peak_mb:.0f} MB  target <= {TARGET_MB} MB: "
        f"{'ok' if peak_mb <= TARGET_MB else 'MISSED'};  PDF {size_mb:.1f} MB"
    )
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(render)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    demo_database.run("badges", prepare=prepare, measure=measure)
