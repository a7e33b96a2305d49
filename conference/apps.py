from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = "Conferences and outcome documents"


class PlenaryAdminConfig(AdminConfig):
    """Django's admin on a site that checks every query string (see admin_mixins)."""

    default_site = "conference.admin_mixins.PlenaryAdminSite"
