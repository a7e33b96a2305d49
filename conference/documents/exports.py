"""Exports of outcome documents: amendments and recommendations."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export, Labels
from conference.csvio.registry import register
from conference.models import Conference

from .models import Amendment, Recommendation


@register
class Amendments(Export):
    identifier = "amendments"
    label = _("Outcome-document amendments")
    description = _("Every amendment with its document, version, paragraph and sponsors.")
    model = Amendment
    permissions = ("documents.view_amendment",)
    conference_path = "document__conference"
    filters = {"status": "status"}
    header = (
        "document",
        "version",
        "action",
        "paragraph",
        "paragraph_kind",
        "proposed_by",
        "proposed_text",
        "status",
        "submitted_at",
        "decided_at",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return (
            queryset.select_related("document", "version", "target_paragraph")
            .prefetch_related("proposed_by")
            .order_by("document__title", "submitted_at", "id")
        )

    def rows(self, objects):
        label = Labels(self.model)
        for a in objects:
            target = a.target_paragraph
            yield (
                a.document.title,
                a.version.label,
                label(a, "action"),
                (target.number or target.position) if target else "",
                label(a, "kind"),
                "; ".join(sorted(d.name for d in a.proposed_by.all())),
                a.proposed_text,
                label(a, "status"),
                a.submitted_at,
                a.decided_at,
            )


@register
class Recommendations(Export):
    identifier = "recommendations"
    label = _("Recommendations")
    description = _("Recommendations made at or presented to this conference.")
    model = Recommendation
    permissions = ("documents.view_recommendation",)
    conference_path = "source_conference"
    filters = {"status": "status"}
    header = (
        "code",
        "theme",
        "text",
        "addressee",
        "source_conference",
        "presented_at",
        "status",
        "consolidated_into",
    )

    def queryset(self, conference: Conference, **filters: str) -> QuerySet:
        # A consolidated list presented here counts as much as one made here.
        related = Recommendation.objects.filter(
            Q(source_conference=conference) | Q(presented_at=conference)
        ).values("pk")
        lookups = {self.filters[name]: value for name, value in filters.items() if value}
        return self.prepare(Recommendation.objects.filter(pk__in=related, **lookups))

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return (
            queryset.select_related("source_conference", "consolidated_into")
            .prefetch_related("presented_at")
            .order_by("source_conference__start_date", "code", "id")
        )

    def rows(self, objects):
        label = Labels(self.model)
        for r in objects:
            yield (
                r.code,
                r.theme,
                r.text,
                r.addressee,
                r.source_conference.short_title,
                "; ".join(c.short_title for c in r.presented_at.all()),
                label(r, "status"),
                r.consolidated_into.code if r.consolidated_into else "",
            )
