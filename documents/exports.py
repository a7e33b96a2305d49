"""Exports of outcome documents: amendments and recommendations."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export
from conference.csvio.registry import register
from conference.models import Conference

from .models import Amendment, Recommendation


def _paragraph(amendment: Amendment):
    target = amendment.target_paragraph
    return (target.number or target.position) if target else ""


@register
class Amendments(Export):
    identifier = "amendments"
    label = _("Outcome-document amendments")
    description = _("Every amendment with its document, version, paragraph and sponsors.")
    model = Amendment
    permissions = ("documents.view_amendment",)
    conference_path = "document__conference"
    filters = {"status": "status"}
    columns = (
        ("document", "document.title"),
        ("version", "version.label"),
        "action",
        ("paragraph", _paragraph),
        ("paragraph_kind", "kind"),
        ("proposed_by", lambda a: "; ".join(sorted(d.name for d in a.proposed_by.all()))),
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


@register
class Recommendations(Export):
    identifier = "recommendations"
    label = _("Recommendations")
    description = _("Recommendations made at or presented to this conference.")
    model = Recommendation
    permissions = ("documents.view_recommendation",)
    conference_path = "source_conference"
    filters = {"status": "status"}
    columns = (
        "code",
        "theme",
        "text",
        "addressee",
        ("source_conference", "source_conference.short_title"),
        ("presented_at", lambda r: "; ".join(c.short_title for c in r.presented_at.all())),
        "status",
        ("consolidated_into", "consolidated_into.code"),
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
