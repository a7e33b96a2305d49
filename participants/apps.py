from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Delegations and participants")

    def ready(self) -> None:
        from . import exports, import_admin  # noqa: F401  (register the exports and the import)
