"""Exports about people: participants, vetting, badges, travel, hotels, delegations."""

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export
from conference.csvio.registry import register
from conference.models import Conference
from participants.accreditation.selectors import delegations_in_precedence
from participants.accreditation.services import identity_export_record
from participants.enums import (
    BADGE_HOLDING_STATUSES,
    INACTIVE_STATUSES,
    AccreditationState,
    DelegationRole,
)
from participants.models import (
    LOGISTICS_FIELDS,
    PASSPORT_FIELDS,
    Delegation,
    Participant,
)

PARTICIPANT_FILTERS = {"delegation": "delegation_id", "status": "annotated_state"}


def state_label(participant: Participant) -> str:
    """The displayed state, badge stage included (the issued badge holds it)."""
    return AccreditationState(participant.state).label


STATE = ("status", state_label)


class ParticipantExport(Export):
    model = Participant
    permissions = ("participants.view_participant",)
    filters = PARTICIPANT_FILTERS
    status_choices = AccreditationState.choices
    ordering = ("delegation__name", "family_name", "given_names", "id")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().with_state()

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("conference", "delegation", "badge_category").order_by(
            *self.ordering
        )


class ActiveParticipantExport(ParticipantExport):
    """Lists for partners leave out rejected, cancelled and revoked participants."""

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().exclude(status__in=INACTIVE_STATUSES)


DELEGATION = ("delegation", "delegation.name")


@register
class Participants(ParticipantExport):
    identifier = "participants"
    label = _("Participants")
    description = _("Every participant with public and logistics columns; re-importable.")
    columns = (
        "email",
        "honorific",
        "given_names",
        "family_name",
        "functional_title",
        "gender",
        "preferred_language",
        "phone",
        DELEGATION,
        "role",
        ("badge_category", "badge_category.code"),
        STATE,
        "badge_number",
        *LOGISTICS_FIELDS,
    )


@register
class SecurityVetting(ActiveParticipantExport):
    identifier = "security-vetting"
    label = _("Accreditation list for security vetting")
    description = _("Identity and passport data. Every run is recorded in the access log.")
    permissions = ("participants.view_participant", "participants.view_identity_document")
    identity_data = True
    columns = (
        ("participant_id", "pk"),
        "family_name",
        "given_names",
        "passport_name",
        "gender",
        # The nationality is a Country; its text is the ISO code.
        *((name, f"identity.{name}") for name in PASSPORT_FIELDS),
        "functional_title",
        DELEGATION,
        "role",
        STATE,
    )

    def access_recorder(self, user):
        return lambda row_count: identity_export_record(
            user=user, export=self.identifier, row_count=row_count
        )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return super().prepare(queryset).select_related("identity")


@register
class BadgePrintList(ParticipantExport):
    identifier = "badges"
    label = _("Badge print list")
    description = _("Approved participants in badge-number order, with category and colour.")
    columns = (
        "badge_number",
        "honorific",
        ("name", "full_name"),
        "functional_title",
        DELEGATION,
        ("category_code", "badge_category.code"),
        ("category", "badge_category.name"),
        ("colour", "badge_category.colour_name"),
        ("colour_hex", "badge_category.colour"),
        STATE,
    )
    ordering = (F("badge_number").asc(nulls_last=True), "family_name", "given_names", "id")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().filter(status__in=BADGE_HOLDING_STATUSES)


@register
class ArrivalsDepartures(ActiveParticipantExport):
    identifier = "travel"
    label = _("Arrivals and departures")
    description = _("Flights and airport transfers, in order of arrival.")
    columns = (
        "arrival_at",
        "arrival_flight",
        "departure_at",
        "departure_flight",
        ("airport_transfer", "needs_airport_transfer"),
        "family_name",
        "given_names",
        "honorific",
        DELEGATION,
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


def _local_date(field: str):
    """The day of a stay's date-time in the conference's time zone."""

    def get(participant: Participant):
        moment = getattr(participant, field)
        return participant.conference.local(moment).date() if moment else None

    return get


_check_in, _check_out = _local_date("arrival_at"), _local_date("departure_at")


def _nights(participant: Participant) -> int | None:
    check_in, check_out = _check_in(participant), _check_out(participant)
    return (check_out - check_in).days if check_in and check_out else None


@register
class RoomingList(ActiveParticipantExport):
    identifier = "rooming-list"
    label = _("Hotel rooming list")
    description = _("Guests by hotel with check-in and check-out dates and who pays.")
    columns = (
        "hotel",
        "family_name",
        "given_names",
        "honorific",
        "gender",
        DELEGATION,
        ("check_in", _check_in),
        ("check_out", _check_out),
        ("nights", _nights),
        ("host_paid", "hospitality_requested"),
        "dietary_needs",
        "accessibility_needs",
        "phone",
        "email",
    )
    ordering = ("hotel", "family_name", "given_names", "id")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().exclude(hotel="")


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
    columns = (
        "position",
        ("delegation", "name"),
        "category",
        "level",
        ("head_of_delegation", lambda d: (d.head_name or "").strip()),
        ("head_title", lambda d: d.head_title or ""),
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
        delegations = delegations_in_precedence(conference=conference, delegations=queryset)
        for position, delegation in enumerate(delegations, start=1):
            delegation.position = position
        return delegations
