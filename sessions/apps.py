from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions; this label is permanent
    # because it names the tables (agenda_*) and every lazy reference.
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from . import exports  # noqa: F401  (registers the exports)
