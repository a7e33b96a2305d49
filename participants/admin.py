from django.contrib import admin

from conference.admin_mixins import AuditLogAdmin

from .models import (
    AccessZone,
    AccreditationEvent,
    BadgeCategory,
    Delegation,
    IdentityAccessLog,
    IdentityDocument,
    IssuedBadge,
    Participant,
)


@admin.register(AccessZone)
class AccessZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["conference"]


@admin.register(BadgeCategory)
class BadgeCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "colour_name", "colour", "conference"]
    list_filter = ["conference", "colour_name"]
    list_select_related = ["conference"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["conference", "zones"]


class MemberInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["honorific", "given_names", "family_name", "functional_title", "role", "status"]
    readonly_fields = ["status"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("conference")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "conference",
        "category",
        "level",
        "credentials_status",
        "status",
        "hospitality_quota",
    ]
    list_filter = ["conference", "category", "level", "credentials_status", "status"]
    list_select_related = ["conference", "organization"]
    search_fields = [
        "name",
        "country",
        "organization__name",
        "organization__acronym",
        "focal_point_name",
        "focal_point_email",
    ]
    autocomplete_fields = ["conference", "organization"]
    inlines = [MemberInline]


class IdentityDocumentInline(admin.StackedInline):
    model = IdentityDocument
    extra = 0
    can_delete = False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_names",
        "functional_title",
        "delegation",
        "role",
        "status",
        "badge_category",
        "badge_number",
    ]
    list_filter = ["conference", "status", "role", "badge_category", "delegation__category"]
    list_select_related = ["delegation", "badge_category", "conference"]
    search_fields = ["family_name", "given_names", "passport_name", "email", "delegation__name"]
    autocomplete_fields = ["conference", "delegation", "badge_category"]
    readonly_fields = ["badge_number", "status"]
    inlines = [IdentityDocumentInline]


@admin.register(IssuedBadge)
class IssuedBadgeAdmin(AuditLogAdmin):
    list_display = ["number", "participant", "conference", "issued_at", "voided_at"]
    list_filter = ["conference"]
    list_select_related = ["participant", "conference"]
    search_fields = ["participant__family_name", "=number"]


@admin.register(AccreditationEvent)
class AccreditationEventAdmin(AuditLogAdmin):
    list_display = ["participant", "from_status", "to_status", "by", "actor_label", "at"]
    list_filter = ["to_status"]
    list_select_related = ["participant", "by"]
    search_fields = ["participant__family_name", "reason"]


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(AuditLogAdmin):
    list_display = ["at", "user", "kind", "participant", "export", "row_count"]
    list_filter = ["kind", "export"]
    list_select_related = ["user", "participant"]
    search_fields = ["user__username", "export", "participant__family_name"]
