"""Load the Dushanbe 2019 demo conference. Safe to run again: it never duplicates data."""

import os
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import loader, reset
from demo.accounts import DEFAULT_PASSWORD, DEMO_CODES, USERNAME, ensure_organizer
from participants.accreditation.roles import roles_sync


class Command(BaseCommand):
    help = (
        "Load demo data: the Dushanbe conference of 16-17 May 2019 (delegations, "
        "participants, programme, Dushanbe Declaration), the Ashgabat conference of April "
        "2019 with its recommendations, and an organizer superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f'Password of the "{USERNAME}" superuser (default: {DEFAULT_PASSWORD}).',
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the two demo conferences and everything in them, then rebuild.",
        )

    def handle(self, *args, password, **options):
        started = time.monotonic()
        with transaction.atomic():
            if options["reset"]:
                deleted = reset.delete_demo()
                self.stdout.write(f"Deleted {deleted} demo conference(s).")
            roles_sync()
            organizer = ensure_organizer(password)
            if loader.is_loaded():
                self.stdout.write("Demo already loaded (use --reset to rebuild it).")
            else:
                counts = loader.load(organizer)
                summary = ", ".join(f"{count} {label}" for label, count in counts.items())
                self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}."))
        self.stdout.write(f"Finished in {time.monotonic() - started:.1f} s.")
        # `make run` serves on HOST:PORT; point at the server it is about to start.
        admin_url = (
            f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}/admin/"
        )
        self.stdout.write(
            f"Log in at {admin_url}\n  username: {USERNAME}\n  password: {password}\n"
            f"  code: {DEMO_CODES[0]} (each of {', '.join(DEMO_CODES)} works once; "
            "load_demo issues them anew)"
        )
