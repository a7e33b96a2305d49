"""shred_identity_data --conference SLUG --user NAME [--force --reason TEXT] [--archive PATH]"""

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from conference.csvio import registry
from conference.csvio.base import csv_lines
from conference.models import Conference
from participants.identity import services as identity_services

ARCHIVE_EXPORT = "security-vetting"


class Command(BaseCommand):
    help = (
        "Erase a conference's identity data (passport and birth data, photos, notes verbales) "
        "after its retention date, optionally writing the security-vetting CSV first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--conference", required=True, help="Conference slug.")
        parser.add_argument(
            "--user", required=True, help="Username recorded as having run the shredder."
        )
        parser.add_argument(
            "--force", action="store_true", help="Shred before the retention date (superuser)."
        )
        parser.add_argument("--reason", default="", help="Why, with --force.")
        parser.add_argument(
            "--archive",
            help="First write what will be erased to this CSV file (readable by its owner only); "
            "the user needs the identity-data permission.",
        )

    def handle(self, *args, conference, user, force, reason, archive, **options):
        conf = Conference.objects.filter(slug=conference).first()
        if conf is None:
            raise CommandError(f"No conference with the slug {conference!r}.")
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"There is no user {user!r}.")
        if reason and not force:
            raise CommandError("--reason goes with --force.")
        force_reason = reason if force else ""
        refusal = identity_services.conference_identity_shred_refusal(
            conference=conf, by=by, force_reason=force_reason
        )
        if refusal:
            until = conf.data_retention_until or "not set"
            raise CommandError(f"{refusal} (retention date: {until})")
        if archive:
            self._archive(conf, by, archive)
        try:
            counts = identity_services.conference_identity_shred(
                conference=conf, by=by, force_reason=force_reason
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not counts:
            self.stdout.write(f"Nothing to shred in {conf.slug}: no identity data is held.")
            return
        self.stdout.write(
            f"Shredded {conf.slug}: {counts.identity_documents} identity records, "
            f"{counts.photos} photos, {counts.notes_verbales} notes verbales; "
            f"{counts.redacted_events} accreditation notes redacted."
        )

    def _archive(self, conference, by, path):
        export = registry.get(ARCHIVE_EXPORT)
        if not export.is_permitted(by):
            raise CommandError(f"{by.username!r} may not export identity data: no archive.")
        queryset = export.queryset(conference)
        lines = csv_lines(
            export, queryset, conference=conference, on_finish=export.access_recorder(by)
        )
        # Created readable by its owner only: the archive is the identity data itself.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
        self.stderr.write(f"Archived {queryset.count()} rows to {path}")
