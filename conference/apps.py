from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# Third-party apps the admin lists, named in the catalogue's languages: their own names are
# Latin labels ("AXES", "OTP_TOTP") or plain strings no catalogue reaches ("TOTP devices").
THIRD_PARTY_APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "otp_static": _("Recovery codes"),
    "otp_totp": _("Authenticator apps"),
}
# (app label, model name) -> (verbose name, plural). Set on _meta only, not on the options the
# migrations read, so no migration of those apps changes.
THIRD_PARTY_MODEL_NAMES = {
    ("otp_static", "staticdevice"): (_("recovery code set"), _("recovery code sets")),
    ("otp_static", "statictoken"): (_("recovery code"), _("recovery codes")),
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
}


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conferences")

    def ready(self):
        from django.apps import apps

        for label, name in THIRD_PARTY_APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
        for (label, model_name), (singular, plural) in THIRD_PARTY_MODEL_NAMES.items():
            if label in apps.app_configs:
                meta = apps.get_model(label, model_name)._meta
                meta.verbose_name, meta.verbose_name_plural = singular, plural

        from .files import delete_files_with_rows
        from .models import Conference

        delete_files_with_rows(Conference, "letterhead_logo")


class PlenaryAdminConfig(AdminConfig):
    """Django's admin on a site that checks every query string (see admin_mixins)."""

    default_site = "conference.admin_mixins.PlenaryAdminSite"
