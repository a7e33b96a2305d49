"""Benchmark of a long negotiation text on PostgreSQL: insert near the start, save, render.

    make bench-documents    # or: .venv/bin/python bench/documents.py [SIZE ...]

It recreates the database plenary_bench_documents (server from BENCH_POSTGRES). For each
size it writes a zero draft of that many paragraphs (one in four preambular, one in ten with
a bracket held by two delegations and an option), then times, REPEAT times each inside a
transaction that is rolled back (so every run sees the same text):

- insert: a paragraph added after the first operative one (every later one moves down);
- save: the admin's save of the version page (one paragraph edited, the version renumbered);
- issue: issuing the version;
- revision: opening Rev.1 from the issued text (paragraphs, brackets, holders, options copied);
- page: the version's admin page (a page of 100 paragraphs with their brackets);
- pdf: the version's PDF with every paragraph and bracket.

It prints the median time and the number of queries of each; the queries must not grow
with the size. Before this change an insert near the start cost 152 ms at 400 paragraphs
and 575 ms at 1,000.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_documents")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SIZES = (100, 400, 1_000)
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


class Rollback(Exception):
    pass


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def seed(size: int):
    import datetime as dt

    from conference.models import Conference
    from documents import services
    from documents.enums import ParagraphKind
    from documents.models import OutcomeDocument
    from participants.models import Delegation

    conference = Conference.objects.create(
        title=f"Documents benchmark {size}", short_title=f"Docs {size}", slug=f"docs-{size}",
        city="Dushanbe", country="TJ", start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17), time_zone="Asia/Dushanbe",
    )  # fmt: skip
    kz = Delegation.objects.create(
        conference=conference, country="KZ", category="participating_state"
    )
    de = Delegation.objects.create(
        conference=conference, country="DE", category="participating_state"
    )
    document = OutcomeDocument.objects.create(
        conference=conference, kind="declaration", title=f"Declaration {size}", slug="declaration"
    )
    zero = services.version_create_zero_draft(document=document, by=None)
    preambular = size // 4
    services.paragraphs_save(
        version=zero,
        added=[
            {
                "kind": ParagraphKind.PREAMBULAR if i < preambular else ParagraphKind.OPERATIVE,
                "text": f"Paragraph {i} calls upon all States to combat illicit trafficking.",
                "text_ru": f"Пункт {i} призывает все государства бороться с незаконным оборотом.",
                "is_bracketed": False,
            }
            for i in range(size)
        ],
    )
    for paragraph in zero.paragraphs.order_by("position")[::10]:
        services.bracket_add(
            paragraph=paragraph, words="combat", words_ru="бороться с", holders=[kz, de],
            options=[{"text": "counter", "text_ru": "противодействовать"}], by=None,
        )  # fmt: skip
    return document, zero


def timed(action, *, rollback: bool = True) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(REPEAT):
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    action()
                    times.append(time.perf_counter() - started)
                queries = len(captured)
                if rollback:
                    raise Rollback
        except Rollback:
            pass
    return {"median_ms": round(statistics.median(times) * 1000, 1), "queries": queries}


def measure(size: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from documents import printing, services
    from documents.enums import ParagraphKind
    from tests.auth import sign_in

    document, zero = seed(size)
    first_operative = zero.paragraphs.filter(kind=ParagraphKind.OPERATIVE).order_by("position")[0]
    user, _ = get_user_model().objects.get_or_create(
        username="bench-documents", defaults={"is_staff": True, "is_superuser": True}
    )
    client = sign_in(Client(), user)
    page_url = reverse("admin:documents_documentversion_change", args=[zero.pk])
    edited = zero.paragraphs.order_by("position")[1]

    def save():
        edited.text_en = "Paragraph 1, amended, calls upon all States."
        services.paragraphs_save(version=zero, edited=[edited])

    def render_page():
        assert client.get(page_url).status_code == 200

    results = {
        "insert": timed(
            lambda: services.paragraph_add(
                version=zero, kind=ParagraphKind.OPERATIVE, text="Inserted.", after=first_operative
            )
        ),
        "save": timed(save),
        "page": timed(render_page, rollback=False),
        "pdf": timed(lambda: printing.version_pdf(version=zero, language="en"), rollback=False),
        "pdf (ru)": timed(
            lambda: printing.version_pdf(version=zero, language="ru"), rollback=False
        ),
        "issue": timed(lambda: services.version_issue(version=zero, by=None)),
    }
    services.version_issue(version=zero, by=None)
    services.document_circulate_zero_draft(document=document, by=None)
    services.document_open_negotiation(document=document, by=None)
    results["revision"] = timed(
        lambda: services.version_create_revision(document=document, by=None)
    )
    return results


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def main(sizes: tuple[int, ...]) -> None:
    import json

    recreate_database()
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env=env,
    )
    results = {}
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "measure", str(size)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
        for name, figures in results[size].items():
            ms, queries = figures["median_ms"], figures["queries"]
            print(f"{size:>6,} paragraphs  {name:<9} {ms:>8} ms  {queries:>3} queries")
    smallest, largest = results[min(sizes)], results[max(sizes)]
    print(f"queries at {min(sizes)} -> {max(sizes)} paragraphs:")
    for name in largest:
        same = smallest[name]["queries"] == largest[name]["queries"]
        low, high = smallest[name]["queries"], largest[name]["queries"]
        print(f"  {name:<9} {low} -> {high} (constant: {same})")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        import json

        setup_django()
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
