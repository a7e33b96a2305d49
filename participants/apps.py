from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Delegations and participants")

    def ready(self) -> None:
        # Register the exports, the import (its admin page and its queued tasks) and the kinds
        # of mail.
        from participants.accreditation import exports, mails  # noqa: F401
        from participants.imports import admin as import_admin  # noqa: F401
        from participants.imports import tasks  # noqa: F401
