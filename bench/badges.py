"""Benchmark of the batch badge PDF: every current Dushanbe demo badge, each with a photo.

    .venv/bin/python bench/badges.py     # SQLite file var/bench-badges.sqlite3, own media dir

Loads the demo into its own database, gives every badge holder a 600x800 JPEG photo (the
demo has none), then renders the batch on A4 sheets in a fresh subprocess and prints the
time and the subprocess's peak resident memory (getrusage, Python and Django included).
Targets: under 10 s and under 300 MB.
"""

import time

import demo_database


def prepare() -> None:
    import io
    import random

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from participants.models import IdentityDocument, IssuedBadge

    demo_database.load_demo()
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
    started = time.perf_counter()
    issued = badging_selectors.badges_in_protocol_order(
        conference=conference, badges=conference.issued_badges.filter(voided_at__isnull=True)
    )
    with open(demo_database.output_path("badges"), "wb") as output:
        count = badges.render_badges(
            issued, conference=conference, layout=badges.Layout.SHEETS, output=output
        )
    elapsed = time.perf_counter() - started
    peak_mb = demo_database.peak_memory_mb()
    size_mb = (demo_database.output_path("badges")).stat().st_size / 1024 / 1024
    print(
        f"{count} badges with photos: {elapsed:.1f} s, peak memory {peak_mb:.0f} MB, "
        f"PDF {size_mb:.1f} MB (targets: < 10 s, < 300 MB)"
    )


if __name__ == "__main__":
    demo_database.run("badges", prepare=prepare, measure=measure)
