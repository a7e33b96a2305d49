"""export_csv IDENTIFIER --conference SLUG [--output FILE] [--format xlsx]: run one export."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conference.csvio import registry
from conference.csvio.base import csv_lines, file_name
from conference.csvio.xlsx import xlsx_write
from conference.models import Conference

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = "Write one CSV export of a conference to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?", help="Export identifier (see --list).")
        parser.add_argument("--conference", help="Conference slug.")
        parser.add_argument(
            "--output", help="File to write; '-' for standard output; default: a dated file name."
        )
        parser.add_argument(
            "--list", action="store_true", dest="list_exports", help="List every export identifier."
        )
        parser.add_argument(
            "--no-bom", action="store_true", help="Leave out the byte-order mark Excel needs."
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            default="csv",
            dest="file_format",
            help="CSV (default) or an Excel workbook with typed cells (needs a file, not '-').",
        )
        parser.add_argument(
            "--user",
            help="Username recorded in the access log; required for exports of identity data.",
        )

    def handle(
        self,
        *args,
        identifier,
        conference,
        output,
        list_exports,
        no_bom,
        user,
        file_format="csv",
        **options,
    ):
        if list_exports:
            for export in registry.all_exports():
                self.stdout.write(f"{export.identifier}\t{export.label}")
            return
        if not identifier or not conference:
            raise CommandError("Give an export identifier and --conference SLUG (or --list).")
        try:
            export = registry.get(identifier)
        except KeyError:
            raise CommandError(f"Unknown export {identifier!r}; see export_csv --list.") from None
        try:
            conf = Conference.objects.get(slug=conference)
        except Conference.DoesNotExist:
            raise CommandError(f"No conference with the slug {conference!r}.") from None

        on_finish = None
        if export.identity_data:
            on_finish = export.access_recorder(self._vetted_user(user, export))

        queryset = export.queryset(conf)
        total = queryset.count()
        if file_format == "xlsx":
            if output == "-":
                raise CommandError("An Excel workbook goes to a file: give --output FILE.xlsx.")
            path = output or file_name(conf, export, extension="xlsx")
            with open(path, "wb") as handle:
                written = xlsx_write(
                    export, queryset, conference=conf, target=handle, on_finish=on_finish
                )
            self.stderr.write(f"Wrote {written} rows to {path}")
            return
        lines = csv_lines(
            export,
            queryset,
            conference=conf,
            bom=not no_bom,
            on_row=self._progress(total) if total >= PROGRESS_EVERY else None,
            on_finish=on_finish,
        )
        path = output or file_name(conf, export)
        if path == "-":
            self.stdout.ending = ""
            for line in lines:
                self.stdout.write(line)
        else:
            # newline="" because the CSV writer already ends rows with CRLF.
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
            self.stderr.write(f"Wrote {total} rows to {path}")

    def _vetted_user(self, username, export):
        if not username:
            raise CommandError(f"The {export.identifier} export holds identity data: give --user.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not export.is_permitted(user):
            raise CommandError(f"{username!r} may not run the {export.identifier} export.")
        return user

    def _progress(self, total: int):
        def report(count: int) -> None:
            if count % PROGRESS_EVERY == 0 or count == total:
                self.stderr.write(
                    f"\r{count:,} / {total:,} rows", ending="\n" if count == total else ""
                )

        return report
