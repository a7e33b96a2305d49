"""Benchmark of the printed letters: 500 certificates of attendance in one batch.

    make bench-print     # or: .venv/bin/python bench/print.py; SQLite file var/bench-print.sqlite3

Loads the demo into its own database, gives Dushanbe a letterhead logo, and tops the
collected-badge participants up to 500 (the demo has fewer). Then, in a fresh subprocess, it
builds the 500 certificates (each in its recipient's language, protocol order) and, for
scale, the final list of participants and 50 visa-support letters; it prints each time and
the subprocess's peak resident memory (getrusage, Python and Django included).
Target: 500 certificates under 10 s.
"""

import time

import demo_database

CERTIFICATES = 500
VISA_LETTERS = 50


def prepare() -> None:
    import io

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image, ImageDraw

    from conference.models import Conference
    from participants.enums import AccreditationStatus
    from participants.models import IssuedBadge, Participant

    demo_database.load_demo()
    conference = Conference.objects.get(slug="dushanbe-2019")
    logo = Image.new("RGB", (400, 400), (31, 58, 95))
    ImageDraw.Draw(logo).ellipse((60, 60, 340, 340), fill=(200, 160, 60))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    conference.letterhead_logo.save("bench-logo.png", ContentFile(buffer.getvalue()))

    collected = IssuedBadge.objects.filter(conference=conference, collected_at__isnull=False)
    missing = CERTIFICATES - collected.values("participant").distinct().count()
    delegations = list(conference.delegations.order_by("pk"))
    category = conference.badge_categories.order_by("pk").first()
    extra = Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[index % len(delegations)],
            given_names=f"Benchmark{index}",
            family_name=f"Attendee{index}",
            functional_title="Counsellor",
            email=f"bench{index}@print.example",
            preferred_language="ru" if index % 2 else "en",
            status=AccreditationStatus.APPROVED,
            badge_category=category,
        )
        for index in range(max(missing, 0))
    )
    number = conference.next_badge_number
    IssuedBadge.objects.bulk_create(
        IssuedBadge(
            conference=conference,
            number=number + offset,
            participant=participant,
            collected_at=timezone.now(),
        )
        for offset, participant in enumerate(extra)
    )
    Conference.objects.filter(pk=conference.pk).update(next_badge_number=number + len(extra))
    count = collected.values("participant").distinct().count()
    print(f"Prepared {count} participants who collected a badge.")


def measure() -> None:
    from django.contrib.auth import get_user_model

    from conference.models import Conference
    from participants.letters import printing as letters
    from participants.letters import selectors as letters_selectors
    from participants.letters import services as letters_services
    from participants.models import Participant

    conference = Conference.objects.get(slug="dushanbe-2019")
    started = time.perf_counter()
    given, _never = letters_selectors.certificates_in_protocol_order(
        conference=conference, participants=conference.participants.all()
    )
    given = given[:CERTIFICATES]
    pdf = letters.certificates_pdf(given, conference=conference)
    certificates_s = time.perf_counter() - started
    (demo_database.output_path("certificates")).write_bytes(pdf)
    peak_mb = demo_database.peak_memory_mb()
    print(
        f"{len(given)} certificates of attendance: {certificates_s:.2f} s, peak memory "
        f"{peak_mb:.0f} MB, PDF {len(pdf) / 1024 / 1024:.1f} MB (target: < 10 s)"
    )

    started = time.perf_counter()
    delegations = letters_selectors.public_participant_list(conference=conference, final=True)
    listing = letters.participant_list_pdf(
        delegations, conference=conference, final=True, language="ru"
    )
    listed = sum(len(d.listed) for d in delegations)
    print(
        f"final list of participants ({listed} people, {len(delegations)} delegations): "
        f"{time.perf_counter() - started:.2f} s, PDF {len(listing) / 1024:.0f} KB"
    )

    organizer = get_user_model().objects.get(username="organizer")
    candidates = list(
        Participant.objects.filter(conference=conference, needs_visa_support=True)
        .select_related("conference", "delegation__organization", "identity")
        .order_by("pk")[:VISA_LETTERS]
    )
    started = time.perf_counter()
    produced, refused = letters_services.visa_letters_produce(participants=candidates, by=organizer)
    visa = letters.visa_letters_pdf(produced, conference=conference)
    print(
        f"{len(produced)} visa-support letters ({len(refused)} refused) numbered, logged "
        f"and drawn: {time.perf_counter() - started:.2f} s, PDF {len(visa) / 1024:.0f} KB"
    )
    peak_mb = demo_database.peak_memory_mb()
    print(f"peak memory of the run: {peak_mb:.0f} MB")


if __name__ == "__main__":
    demo_database.run("print", prepare=prepare, measure=measure)
