from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("Partners' API")

    def ready(self) -> None:
        from conference.events import event_subscribe

        from . import schema, webhooks  # noqa: F401  (the OpenAPI extension registers itself)

        event_subscribe(webhooks.webhooks_enqueue)
