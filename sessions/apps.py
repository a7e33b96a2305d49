from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions; this label is permanent
    # because it names the tables (agenda_*) and every lazy reference.
    label = "agenda"
    verbose_name = "Agenda"

    def ready(self) -> None:
        from . import signals

        signals.connect()
