"""Exports about people: participants, vetting, badges, travel, hotels, delegations."""

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export, Labels
from conference.csvio.registry import register
from conference.models import Conference

from .enums import BADGE_HOLDING_STATUSES, INACTIVE_STATUSES, DelegationRole
from .models import (
    LOGISTICS_FIELDS,
    PASSPORT_FIELDS,
    Delegation,
    IdentityDocument,
    Participant,
)
from .selectors import delegations_in_precedence
from .services import identity_export_record

PARTICIPANT_FILTERS = {"delegation": "delegation_id", "status": "status"}


class ParticipantExport(Export):
    model = Participant
    permissions = ("participants.view_participant",)
    filters = PARTICIPANT_FILTERS
    ordering = ("delegation__name", "family_name", "given_names", "id")

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("conference", "delegation", "badge_category").order_by(
            *self.ordering
        )


class ActiveParticipantExport(ParticipantExport):
    """Lists for partners leave out rejected, cancelled and revoked participants."""

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().exclude(status__in=INACTIVE_STATUSES)


@register
class Participants(ParticipantExport):
    identifier = "participants"
    label = _("Participants")
    description = _("Every participant with public and logistics columns; re-importable.")
    header = (
        "email",
        "honorific",
        "given_names",
        "family_name",
        "functional_title",
        "gender",
        "preferred_language",
        "phone",
        "delegation",
        "role",
        "badge_category",
        "status",
        "badge_number",
        *LOGISTICS_FIELDS,
    )

    def rows(self, objects):
        label = Labels(self.model)
        for p in objects:
            yield (
                p.email,
                p.honorific,
                p.given_names,
                p.family_name,
                p.functional_title,
                label(p, "gender"),
                label(p, "preferred_language"),
                p.phone,
                p.delegation.name if p.delegation else "",
                label(p, "role"),
                p.badge_category.code if p.badge_category else "",
                label(p, "status"),
                p.badge_number,
                *(getattr(p, name) for name in LOGISTICS_FIELDS),
            )


@register
class SecurityVetting(ActiveParticipantExport):
    identifier = "security-vetting"
    label = _("Accreditation list for security vetting")
    description = _("Identity and passport data. Every run is recorded in the access log.")
    permissions = ("participants.view_participant", "participants.view_identity_document")
    identity_data = True

    def access_recorder(self, user):
        return lambda row_count: identity_export_record(
            user=user, export=self.identifier, row_count=row_count
        )

    header = (
        "participant_id",
        "family_name",
        "given_names",
        "passport_name",
        "gender",
        *PASSPORT_FIELDS,
        "functional_title",
        "delegation",
        "role",
        "status",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return super().prepare(queryset).select_related("identity")

    def rows(self, objects):
        label = Labels(self.model)
        blank = IdentityDocument()
        for p in objects:
            try:
                identity = p.identity
            except IdentityDocument.DoesNotExist:
                identity = blank
            yield (
                p.pk,
                p.family_name,
                p.given_names,
                p.passport_name,
                label(p, "gender"),
                # The nationality is a Country; its text is the ISO code.
                *(getattr(identity, name) for name in PASSPORT_FIELDS),
                p.functional_title,
                p.delegation.name if p.delegation else "",
                label(p, "role"),
                label(p, "status"),
            )


@register
class BadgePrintList(ParticipantExport):
    identifier = "badges"
    label = _("Badge print list")
    description = _("Approved participants in badge-number order, with category and colour.")
    header = (
        "badge_number",
        "honorific",
        "name",
        "functional_title",
        "delegation",
        "category_code",
        "category",
        "colour",
        "colour_hex",
        "status",
    )
    ordering = (F("badge_number").asc(nulls_last=True), "family_name", "given_names", "id")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().filter(status__in=BADGE_HOLDING_STATUSES)

    def rows(self, objects):
        label = Labels(self.model)
        for p in objects:
            category = p.badge_category
            yield (
                p.badge_number,
                p.honorific,
                p.full_name,
                p.functional_title,
                p.delegation.name if p.delegation else "",
                category.code if category else "",
                category.name if category else "",
                category.colour_name if category else "",
                category.colour if category else "",
                label(p, "status"),
            )


@register
class ArrivalsDepartures(ActiveParticipantExport):
    identifier = "travel"
    label = _("Arrivals and departures")
    description = _("Flights and airport transfers, in order of arrival.")
    header = (
        "arrival_at",
        "arrival_flight",
        "departure_at",
        "departure_flight",
        "airport_transfer",
        "family_name",
        "given_names",
        "honorific",
        "delegation",
        "role",
        "hotel",
        "phone",
        "accessibility_needs",
    )
    ordering = (
        F("arrival_at").asc(nulls_last=True),
        F("departure_at").asc(nulls_last=True),
        "family_name",
        "id",
    )

    def base_queryset(self) -> QuerySet:
        return (
            super()
            .base_queryset()
            .filter(Q(arrival_at__isnull=False) | Q(departure_at__isnull=False))
        )

    def rows(self, objects):
        label = Labels(self.model)
        for p in objects:
            yield (
                p.arrival_at,
                p.arrival_flight,
                p.departure_at,
                p.departure_flight,
                p.needs_airport_transfer,
                p.family_name,
                p.given_names,
                p.honorific,
                p.delegation.name if p.delegation else "",
                label(p, "role"),
                p.hotel,
                p.phone,
                p.accessibility_needs,
            )


@register
class RoomingList(ActiveParticipantExport):
    identifier = "rooming-list"
    label = _("Hotel rooming list")
    description = _("Guests by hotel with check-in and check-out dates and who pays.")
    header = (
        "hotel",
        "family_name",
        "given_names",
        "honorific",
        "gender",
        "delegation",
        "check_in",
        "check_out",
        "nights",
        "host_paid",
        "dietary_needs",
        "accessibility_needs",
        "phone",
        "email",
    )
    ordering = ("hotel", "family_name", "given_names", "id")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().exclude(hotel="")

    def rows(self, objects):
        label = Labels(self.model)
        for p in objects:
            check_in = p.conference.local(p.arrival_at).date() if p.arrival_at else None
            check_out = p.conference.local(p.departure_at).date() if p.departure_at else None
            yield (
                p.hotel,
                p.family_name,
                p.given_names,
                p.honorific,
                label(p, "gender"),
                p.delegation.name if p.delegation else "",
                check_in,
                check_out,
                (check_out - check_in).days if check_in and check_out else None,
                p.hospitality_requested,
                p.dietary_needs,
                p.accessibility_needs,
                p.phone,
                p.email,
            )


@register
class Delegations(Export):
    identifier = "delegations"
    label = _("Delegations in protocol order")
    description = _(
        "Protocol precedence (States, then organizations; each by level of representation, "
        "then the conference's alphabetical order); head, size, credentials."
    )
    model = Delegation
    permissions = ("participants.view_delegation",)
    filters = {"status": "status"}
    header = (
        "position",
        "delegation",
        "category",
        "level",
        "head_of_delegation",
        "head_title",
        "size",
        "hospitality_quota",
        "credentials_status",
        "status",
        "focal_point_name",
        "focal_point_email",
        "focal_point_phone",
        "nomination_reference",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        heads = Participant.objects.filter(
            delegation=OuterRef("pk"), role=DelegationRole.HEAD
        ).exclude(status__in=INACTIVE_STATUSES)
        head_name = Concat(
            "honorific",
            Value(" "),
            "given_names",
            Value(" "),
            "family_name",
            output_field=CharField(),
        )
        return queryset.annotate(
            head_name=Subquery(heads.annotate(n=head_name).values("n")[:1]),
            head_title=Subquery(heads.values("functional_title")[:1]),
            size=Count("members", filter=~Q(members__status__in=INACTIVE_STATUSES)),
        ).order_by("level", "name", "id")

    def objects(self, queryset: QuerySet, conference: Conference):
        # A conference has at most a few hundred delegations: sorting them in
        # memory by the one precedence rule the whole app uses is cheap.
        return delegations_in_precedence(conference=conference, delegations=queryset)

    def rows(self, objects):
        label = Labels(self.model)
        for position, d in enumerate(objects, start=1):
            yield (
                position,
                d.name,
                label(d, "category"),
                label(d, "level"),
                (d.head_name or "").strip(),
                d.head_title or "",
                d.size,
                d.hospitality_quota,
                label(d, "credentials_status"),
                label(d, "status"),
                d.focal_point_name,
                d.focal_point_email,
                d.focal_point_phone,
                d.nomination_reference,
            )
