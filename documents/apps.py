from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    label = "documents"
    verbose_name = _("Outcome documents")

    def ready(self) -> None:
        from . import exports, mails  # noqa: F401  (registers the exports and the mail kinds)
