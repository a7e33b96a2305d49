import zoneinfo

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.forms import ChoiceField, ModelForm
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import selectors, services
from .admin_mixins import ConferenceTimeMixin, ServiceAdmin, WordBoundarySlugMixin
from .admin_setup import setup_checklist
from .csvio.admin import ConferenceCsvAdmin, import_links
from .models import Conference, ConferencePartner, Organization


class ConferencePartnerInline(admin.TabularInline):
    """Partners of the conference; ConferenceAdmin.save_formset writes them through services."""

    model = ConferencePartner
    extra = 0
    autocomplete_fields = ["organization"]


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", "---------"), *((zone, zone) for zone in sorted(zoneinfo.available_timezones()))]


class ConferenceAdminForm(ModelForm):
    # No Meta: the admin supplies the model and the fields.
    # A list to pick from: a mistyped zone would shift every time of the conference.
    time_zone = ChoiceField(label=_("Time zone"), choices=_time_zone_choices)


@admin.register(Conference)
class ConferenceAdmin(
    WordBoundarySlugMixin, ConferenceTimeMixin, ConferenceCsvAdmin, TranslationAdmin, ServiceAdmin
):
    form = ConferenceAdminForm
    list_display = [
        "short_title",
        "city",
        "country",
        "start_date",
        "end_date",
        "status",
        "is_public",
    ]
    list_filter = ["status", "is_public", "series"]
    search_fields = ["title", "short_title", "city", "series"]
    prepopulated_fields = {"slug": ["short_title"]}
    readonly_fields = ["next_badge_number", "next_visa_letter_number", "published_version"]
    inlines = [ConferencePartnerInline]
    date_hierarchy = "start_date"
    local_time_fields = ("registration_deadline", "vetting_deadline")

    def form_conference(self, request, obj) -> Conference | None:
        # The deadlines are in the zone the form names, which may be the one just chosen.
        zone = request.POST.get("time_zone", "")
        if zone in zoneinfo.available_timezones():
            return Conference(time_zone=zone)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conference = self.get_object(request, unquote(object_id))
        if conference is not None:
            extra_context = {
                **(extra_context or {}),
                "setup_checklist": setup_checklist(conference=conference, user=request.user),
                "mail": selectors.mail_setup(),
                "setup_imports": import_links(user=request.user, conference=conference),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_post_save_add(self, request, obj):
        # A new conference opens on its setup checklist, not on the list of conferences.
        if self.has_change_permission(request, obj):
            return redirect("admin:conference_conference_change", obj.pk)
        return super().response_post_save_add(request, obj)

    def save_object(self, request, obj, form):
        services.conference_save(conference=obj)

    def save_formset(self, request, form, formset, change):
        """The partner rows go through the partner services, as in the partner admin."""
        if formset.model is not ConferencePartner:
            return super().save_formset(request, form, formset, change)
        partners = formset.save(commit=False)
        for partner in formset.deleted_objects:
            services.conference_partner_delete(partner=partner)
        for partner in partners:
            services.conference_partner_save(partner=partner)
        formset.save_m2m()

    def delete_object(self, request, obj):
        services.conference_delete(conference=obj)


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin, ServiceAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]

    def save_object(self, request, obj, form):
        services.organization_save(organization=obj)

    def delete_object(self, request, obj):
        services.organization_delete(organization=obj)


@admin.register(ConferencePartner)
class ConferencePartnerAdmin(ServiceAdmin):
    list_display = ["__str__", "conference", "role", "display_order"]
    list_filter = ["role", "conference"]
    list_select_related = ["conference", "organization"]
    search_fields = ["organization__name", "organization__acronym", "country"]
    autocomplete_fields = ["conference", "organization"]

    def save_object(self, request, obj, form):
        services.conference_partner_save(partner=obj)

    def delete_object(self, request, obj):
        services.conference_partner_delete(partner=obj)


# django-axes offers its clean-up action to any staff member who opens the list; lifting
# lockouts is for those who may delete them.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        return super().cleanup_expired_attempts(request, queryset)
