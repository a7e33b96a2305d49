from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Delegations and participants")

    def ready(self) -> None:
        # Register the exports, the import (its admin page and its queued tasks) and the kinds
        # of mail.
        from participants import counts
        from participants.accreditation import exports, mails  # noqa: F401
        from participants.imports import admin as import_admin  # noqa: F401
        from participants.imports import tasks  # noqa: F401

        # The participant list's cached counts are reset by every write of what they count.
        counts.connect()

        from conference.files import delete_files_with_rows
        from participants.models import Delegation, IdentityDocument

        delete_files_with_rows(IdentityDocument, "photo", "badge_photo")
        delete_files_with_rows(Delegation, "nomination_file")
