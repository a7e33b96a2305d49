from django.contrib import admin

from .admin_mixins import AuditLogAdmin
from .models import (
    Amendment,
    Conference,
    ConferencePartner,
    DocumentEvent,
    DocumentVersion,
    Organization,
    OutcomeDocument,
    Paragraph,
    PositionStatement,
    Recommendation,
    SilenceBreak,
)


class ConferencePartnerInline(admin.TabularInline):
    model = ConferencePartner
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
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
    readonly_fields = ["next_badge_number", "published_version"]
    inlines = [ConferencePartnerInline]
    date_hierarchy = "start_date"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(ConferencePartner)
class ConferencePartnerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "conference", "role", "display_order"]
    list_filter = ["role", "conference"]
    list_select_related = ["conference", "organization"]
    search_fields = ["organization__name", "organization__acronym", "country"]
    autocomplete_fields = ["conference", "organization"]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["sequence", "label", "based_on", "author", "issued_at"]
    readonly_fields = ["author"]
    show_change_link = True


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "conference",
        "kind",
        "symbol",
        "status",
        "adoption_method",
        "adopted_on",
    ]
    list_filter = ["status", "kind", "adoption_method", "conference"]
    list_select_related = ["conference"]
    search_fields = ["title", "symbol"]
    autocomplete_fields = ["conference"]
    raw_id_fields = ["final_version"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DocumentVersionInline]


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["position", "number", "kind", "text", "is_bracketed"]
    readonly_fields = ["number"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "document", "sequence", "issued_at", "author"]
    list_filter = ["document__conference"]
    list_select_related = ["document", "author"]
    search_fields = ["label", "document__title"]
    autocomplete_fields = ["document", "based_on"]
    inlines = [ParagraphInline]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "position", "kind", "is_bracketed"]
    list_filter = ["kind", "is_bracketed"]
    list_select_related = ["version__document"]
    search_fields = ["text", "version__document__title"]
    autocomplete_fields = ["version", "origin"]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "document", "version", "action", "status", "submitted_at"]
    list_filter = ["status", "action", "document"]
    list_select_related = ["document", "version__document", "target_paragraph"]
    search_fields = ["proposed_text", "document__title"]
    autocomplete_fields = [
        "document",
        "version",
        "target_paragraph",
        "proposed_by",
        "merged_into",
        "resulting_paragraph",
    ]


@admin.register(DocumentEvent)
class DocumentEventAdmin(AuditLogAdmin):
    list_display = ["document", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["document", "by"]
    search_fields = ["document__title", "note"]
    autocomplete_fields = ["document"]


@admin.register(SilenceBreak)
class SilenceBreakAdmin(admin.ModelAdmin):
    list_display = ["document", "delegation", "broken_at"]
    list_select_related = ["document", "delegation"]
    search_fields = ["document__title", "delegation__name", "text"]
    autocomplete_fields = ["document", "delegation"]


@admin.register(PositionStatement)
class PositionStatementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "document", "kind", "made_on"]
    list_filter = ["kind"]
    list_select_related = ["document"]
    search_fields = ["text", "document__title", "delegations__name"]
    autocomplete_fields = ["document", "delegations"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "theme",
        "addressee",
        "source_conference",
        "status",
        "consolidated_into",
    ]
    list_filter = ["status", "theme", "source_conference", "presented_at"]
    list_select_related = ["source_conference", "consolidated_into"]
    search_fields = ["code", "text", "theme", "addressee"]
    autocomplete_fields = ["source_conference", "presented_at", "consolidated_into"]
