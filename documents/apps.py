from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    label = "documents"
    verbose_name = _("Outcome documents")

    def ready(self) -> None:
        from sessions.live import projector_section_register

        from . import exports, mails, projector  # noqa: F401  (registers the exports and the mail kinds)

        projector_section_register(
            projector.NAME,
            projector.paragraph_section,
            script="documents/projector.js",
            stylesheet="documents/projector.css",
        )
