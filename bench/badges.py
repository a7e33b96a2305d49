"""Benchmark of the batch badge PDF: every current Dushanbe demo badge, each with a photo.

    .venv/bin/python bench/badges.py     # SQLite file var/bench-badges.sqlite3, own media dir

Loads the demo into its own database, gives every badge holder a 600x800 JPEG photo (the
demo has none), then renders the batch on A4 sheets in a fresh subprocess and prints the
time and the subprocess's peak resident memory (getrusage, Python and Django included).
Targets: under 10 s and under 300 MB.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench-badges.sqlite3"
MEDIA = ROOT / "var" / "bench-badges-media"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "conference.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["MEDIA_ROOT"] = str(MEDIA)
    import django

    django.setup()


def prepare() -> int:
    import io
    import random

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from PIL import Image, ImageDraw

    from participants.models import IdentityDocument, IssuedBadge

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--reset", verbosity=0)
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
    return len(holders)


def measure() -> None:
    from conference.models import Conference
    from participants import badges, selectors

    conference = Conference.objects.get(slug="dushanbe-2019")
    started = time.perf_counter()
    issued = selectors.badges_in_protocol_order(
        conference=conference, badges=conference.issued_badges.filter(voided_at__isnull=True)
    )
    with open(ROOT / "var" / "bench-badges.pdf", "wb") as output:
        count = badges.render_badges(
            issued, conference=conference, layout=badges.Layout.SHEETS, output=output
        )
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = (ROOT / "var" / "bench-badges.pdf").stat().st_size / 1024 / 1024
    print(
        f"{count} badges with photos: {elapsed:.1f} s, peak memory {peak_mb:.0f} MB, "
        f"PDF {size_mb:.1f} MB (targets: < 10 s, < 300 MB)"
    )


if __name__ == "__main__":
    setup_django()
    if sys.argv[1:] == ["--measure"]:
        measure()
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        print(f"Prepared {prepare()} badge holders with photos.")
        subprocess.run([sys.executable, __file__, "--measure"], check=True)
