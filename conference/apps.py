from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        from .files import delete_files_with_rows
        from .models import Conference

        delete_files_with_rows(Conference, "letterhead_logo")


class PlenaryAdminConfig(AdminConfig):
    """Django's admin on a site that checks every query string (see admin_mixins)."""

    default_site = "conference.admin_mixins.PlenaryAdminSite"
