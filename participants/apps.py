from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Delegations and participants")

    def ready(self) -> None:
        # Register the exports, the import and the kinds of mail.
        from . import exports, import_admin, mails  # noqa: F401
