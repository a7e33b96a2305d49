from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "conference.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        # A fresh database gets every template's default text, English and Russian.
        post_migrate.connect(_seed, sender=self, dispatch_uid="mail_templates_seed")


def _seed(sender, **kwargs) -> None:
    from .services import mail_templates_seed

    mail_templates_seed()
