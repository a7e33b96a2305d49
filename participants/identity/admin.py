"""The identity admin: the access log, the shredder's runs, the identity data held.

Audit pages only: the rows are written by the services (the core's access-log writers,
the shredder).
"""

from django.contrib import admin
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    local_time_column,
)
from participants.models import (
    ConferenceIdentityData,
    IdentityAccessLog,
    IdentityShredding,
)


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(AuditLogAdmin):
    list_display = ["at", "user", "kind", "participant", "export", "row_count"]
    list_filter = ["kind", "export"]
    list_select_related = ["user", "participant"]
    search_fields = ["user__username", "export", "participant__family_name"]


@admin.register(IdentityShredding)
class IdentityShreddingAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    list_display = [
        "conference",
        local_time_column(IdentityShredding, "at"),
        "by",
        "identity_documents",
        "photos",
        "notes_verbales",
        "redacted_events",
        "forced_reason",
    ]
    list_filter = ["conference"]
    list_select_related = ["conference", "by"]


def _held(relation: str, **empty):
    """Count the rows of ``relation`` that still hold something (not all of ``empty``)."""
    condition = ~Q(**{f"{relation}__{field}": value for field, value in empty.items()})
    return Count(relation, filter=condition & Q(**{f"{relation}__isnull": False}), distinct=True)


@admin.register(ConferenceIdentityData)
class ConferenceIdentityDataAdmin(AuditLogAdmin):
    """Per conference: how much identity data is held, and when the shredder may erase it."""

    list_display = [
        "short_title",
        "data_retention_until",
        "held_identity",
        "held_photos",
        "held_notes",
        "last_shredded",
    ]
    fields = list_display
    readonly_fields = list_display
    ordering = ["-start_date"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                identity_count=_held(
                    "participants__identity",
                    passport_number="",
                    date_of_birth=None,
                    place_of_birth="",
                    photo="",
                ),
                photo_count=_held("participants__identity", photo=""),
                note_count=_held("delegations", nomination_file=""),
                shredded_at=Max("identity_shreddings__at"),
            )
        )

    @admin.display(description=gettext_lazy("people with identity data"))
    def held_identity(self, obj):
        return obj.identity_count

    @admin.display(description=gettext_lazy("photos"))
    def held_photos(self, obj):
        return obj.photo_count

    @admin.display(description=gettext_lazy("notes verbales"))
    def held_notes(self, obj):
        return obj.note_count

    @admin.display(description=gettext_lazy("last shredded"))
    def last_shredded(self, obj):
        if obj.shredded_at is None:
            return "—"
        return timezone.localtime(obj.shredded_at, obj.tz).strftime("%Y-%m-%d %H:%M")
