from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo loader: no models, one command (``load_demo``); it may import every app."""

    name = "demo"
    verbose_name = _("Demo data")
