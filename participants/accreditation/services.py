"""Writes for delegations and participants: accreditation transitions and the nomination link.

Every accreditation change goes through ``_transitions_apply``, for one participant or a
whole bulk action: it locks the rows, checks each current state, writes an
``AccreditationEvent`` each and the e-mail to each delegation's focal point (one digest per
action) into the outbox, in the same transaction. The admin, the portal and the tests call these
functions; nothing else sets ``Participant.status``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from modeltranslation.translator import translator

from conference.enums import OrganizationKind
from conference.mail import placeholders
from conference.models import Conference, Organization
from conference.setup import BulkAddRefused, LineRefusal, duplicate_refusals
from conference.site.publishing import public_pages_invalidate
from participants.accreditation import mails, notifications, rules, selectors, webhook_events
from participants.accreditation.selectors import nomination_token
from participants.counts import participant_counts_changed
from participants.enums import (
    BADGE_HOLDING_STATES,
    BADGE_HOLDING_STATUSES,
    INACTIVE_STATUSES,
    AccreditationState,
    AccreditationStatus,
    DelegationCategory,
    DelegationRole,
    DelegationStatus,
    IdentityAccessKind,
    status_of_state,
)
from participants.models import (
    PASSPORT_FIELDS,
    AccreditationEvent,
    BadgeCategory,
    Delegation,
    IdentityAccessLog,
    IdentityDocument,
    IssuedBadge,
    Participant,
    badge_stage,
)
from participants.uploads import delete_replaced_files

S = AccreditationStatus
State = AccreditationState
# A link sent lasts until the registration deadline, and at least this long: after the
# deadline it still shows the members' statuses.
DEFAULT_LINK_LIFETIME = timedelta(days=30)
FOCAL_POINT = "focal point"
# What the public pages show of a participant (speakers, heads of delegation): a change to
# any of these retires them; a hotel, flight or passport edit does not.
PUBLIC_FIELDS = frozenset(
    {
        "honorific",
        "given_names",
        "family_name",
        "functional_title",
        "delegation",
        "role",
        "consent_public_list",
    }
)


def _model_field_names(fields: Iterable[str]) -> set[str]:
    """Changed form fields as model fields: ``functional_title_ru`` is a ``functional_title``."""
    columns = translator.get_options_for_model(Participant).all_fields
    original = {column.name: name for name, translated in columns.items() for column in translated}
    return {original.get(field, field) for field in fields}


def _public_standing(status: str) -> tuple[bool, bool]:
    """What the public pages can tell from a status: taking part, and accredited."""
    return status not in INACTIVE_STATUSES, status in BADGE_HOLDING_STATUSES


def _shown_as_newcomer(participant: Participant) -> bool:
    # A new participant speaks nowhere yet; only a head shows, on the delegations page.
    return participant.role == DelegationRole.HEAD and _public_standing(participant.status)[0]


def participants_publish_changes(
    *,
    conference_id: int,
    changed: Iterable[tuple[Participant, Iterable[str]]] = (),
    created: Iterable[Participant] = (),
) -> None:
    """Retire the public pages, once, if any of these changes or new participants shows there.

    ``changed`` holds (participant, names of the fields that changed).
    """
    if any(
        not PUBLIC_FIELDS.isdisjoint(_model_field_names(fields)) for _participant, fields in changed
    ) or any(_shown_as_newcomer(participant) for participant in created):
        public_pages_invalidate(conference_ids=[conference_id])


class AccreditationError(Exception):
    """A refused transition. ``code`` is machine-readable; ``str()`` is for people."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclasses.dataclass(frozen=True)
class Transition:
    """A move between displayed states (``AccreditationState``).

    The participant row stores only the decision; a move into a badge stage writes the
    issued badge instead (printed, collected), which is that stage's only holder.
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    # Sources allowed too where the conference has no security vetting.
    unvetted_sources: frozenset[str] = frozenset()

    def allows(self, state: str, *, conference: Conference) -> bool:
        """Whether a participant of ``conference`` in ``state`` may take this transition."""
        return state in self.sources or (
            not conference.security_vetting and state in self.unvetted_sources
        )


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "review",
            gettext_lazy("Take under review"),
            frozenset({State.NOMINATED}),
            State.UNDER_REVIEW,
        ),
        Transition(
            "send_to_vetting",
            gettext_lazy("Send to security vetting"),
            frozenset({State.UNDER_REVIEW}),
            State.VETTING,
        ),
        Transition(
            "approve",
            gettext_lazy("Approve"),
            frozenset({State.VETTING}),
            State.APPROVED,
            unvetted_sources=frozenset({State.UNDER_REVIEW}),
        ),
        Transition(
            "print_badge",
            gettext_lazy("Print badge"),
            frozenset({State.APPROVED}),
            State.BADGE_PRINTED,
        ),
        Transition(
            "reprint_badge",
            gettext_lazy("Reprint badge"),
            frozenset({State.BADGE_PRINTED, State.BADGE_COLLECTED}),
            State.BADGE_PRINTED,
            needs_reason=True,
        ),
        Transition(
            "collect",
            gettext_lazy("Badge collected"),
            frozenset({State.BADGE_PRINTED}),
            State.BADGE_COLLECTED,
        ),
        Transition(
            "reject",
            gettext_lazy("Reject"),
            frozenset({State.NOMINATED, State.UNDER_REVIEW, State.VETTING}),
            State.REJECTED,
            needs_reason=True,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel"),
            frozenset({State.NOMINATED, State.UNDER_REVIEW, State.VETTING, *BADGE_HOLDING_STATES}),
            State.CANCELLED,
            needs_reason=True,
        ),
        Transition(
            "revoke",
            gettext_lazy("Revoke"),
            frozenset(BADGE_HOLDING_STATES),
            State.REVOKED,
            needs_reason=True,
        ),
        # An approved badge must not quietly change its holder: new identity data is re-reviewed.
        Transition(
            "return_to_review",
            gettext_lazy("Return to review"),
            frozenset({State.VETTING, *BADGE_HOLDING_STATES}),
            State.UNDER_REVIEW,
            needs_reason=True,
        ),
    ]
}


def _refusal(locked: Participant, transition: Transition) -> AccreditationError:
    return AccreditationError(
        _("%(name)s cannot be moved to “%(target)s”: the current state is “%(current)s”.")
        % {
            "name": locked.full_name,
            "target": State(transition.target).label,
            "current": locked.get_state_display(),
        },
        code=f"illegal_from_{locked.state}",
    )


def _badge_category_for_approval(
    participant: Participant, category: BadgeCategory | None, default: BadgeCategory | None
) -> BadgeCategory:
    category = category or default
    if category is None:
        raise AccreditationError(
            _("Choose a badge category for %(name)s: none fits the role by default.")
            % {"name": participant.full_name},
            code="no_badge_category",
        )
    if category.conference_id != participant.conference_id:
        raise AccreditationError(
            _("The badge category %(category)s belongs to another conference.")
            % {"category": category},
            code="badge_category_other_conference",
        )
    return category


def _issue_badges(*, participants: list[Participant]) -> list[IssuedBadge]:
    """The next badge numbers, in order. The conference row is the counter: locking it
    serializes concurrent approvals, and the number only ever grows, so a revoked or
    reprinted number never comes back."""
    issued = []
    by_conference: dict[int, list[Participant]] = {}
    for participant in participants:
        by_conference.setdefault(participant.conference_id, []).append(participant)
    for conference_id, group in sorted(by_conference.items()):
        conference = Conference.objects.select_for_update().get(pk=conference_id)
        first = conference.next_badge_number
        Conference.objects.filter(pk=conference_id).update(next_badge_number=first + len(group))
        for offset, participant in enumerate(group):
            participant.badge_number = first + offset
            issued.append(
                IssuedBadge(
                    conference_id=conference_id,
                    number=participant.badge_number,
                    participant=participant,
                )
            )
    return IssuedBadge.objects.bulk_create(issued)


def _transitions_apply(
    *,
    name: str,
    participants: Iterable[Participant],
    by: AbstractBaseUser | None,
    actor_label: str = "",
    reason: str = "",
    message: str = "",
    badge_categories: dict[int, BadgeCategory | None] | None = None,
) -> tuple[list[Participant], list[tuple[int, AccreditationError]]]:
    """Move ``participants`` along ``name``, one statement per step whatever their number.

    The one writer of accreditation changes: it locks the rows (in id order, so two bulk
    actions cannot deadlock), checks each current state, voids and issues badges, writes one
    ``AccreditationEvent`` per participant and the e-mail for it (a digest per delegation).
    Returns the participants moved, and (participant id, refusal) for the others, which are
    left as they were. ``reason`` is internal and stays in the audit trail; only ``message``
    is mailed. ``badge_categories`` (participant id -> category) is for approval: without
    one, the participant's chosen category or the default for the role.
    """
    transition = TRANSITIONS[name]
    reason = _reason_checked(transition, reason)
    with transaction.atomic():
        moving, refused = _lock_and_sort(participants, transition)
        if transition.name == "approve":
            moving = _requirements_met(moving, refused=refused)
            moving = _categories_for_approval(moving, badge_categories or {}, refused=refused)
        if not moving:
            return [], refused
        now = timezone.now()
        from_state = {participant.pk: participant.state for participant in moving}
        from_status = {participant.pk: participant.status for participant in moving}
        voided = _badges_void(moving, transition=transition, reason=reason, at=now)
        _badges_write(moving, transition=transition, by=by, at=now)
        _statuses_write(moving, transition=transition, at=now)
        _public_pages_retire(moving, from_status=from_status)
        events = _events_write(
            moving,
            from_state=from_state,
            voided=voided,
            by=by,
            actor_label=actor_label,
            reason=reason,
            message=message,
        )
        webhook_events.transitions_announce(
            name=transition.name, participants=moving, voided=voided, at=now
        )
        with accreditation_mail_batch():
            for event in events:
                if transition.name in event.participant.conference.mailed_transitions:
                    _accreditation_mail(event_id=event.pk)
    return moving, refused


# The steps of _transitions_apply, in the order it takes them.


def _reason_checked(transition: Transition, reason: str) -> str:
    """The reason, stripped; refused when the transition needs one and it is empty."""
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise AccreditationError(
            _("A reason is required to %(action)s.") % {"action": str(transition.label).lower()},
            code="reason_required",
        )
    return reason


def _lock_and_sort(
    participants: Iterable[Participant], transition: Transition
) -> tuple[list[Participant], list[tuple[int, AccreditationError]]]:
    """Lock the rows in id order (two bulk actions cannot deadlock) and sort them: those in a
    source state move, the others are refused with the reason."""
    locked = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("delegation", "conference", "identity")
        .filter(pk__in=[participant.pk for participant in participants])
        .order_by("pk")
    )
    locked = list(locked)
    _states_read(locked)
    moving, refused = [], []
    for participant in locked:
        if transition.allows(participant.state, conference=participant.conference):
            moving.append(participant)
        else:
            refused.append((participant.pk, _refusal(participant, transition)))
    return moving, refused


def _states_read(participants: list[Participant]) -> None:
    """Give each of ``participants`` its displayed state, from its badge in circulation."""
    approved = [p.pk for p in participants if p.status == S.APPROVED]
    badges = {
        badge.participant_id: badge
        for badge in IssuedBadge.objects.filter(participant_id__in=approved, voided_at__isnull=True)
    }
    for participant in participants:
        badge = badges.get(participant.pk)
        participant.annotated_state = badge_stage(badge) if badge else participant.status


def _requirements_met(
    moving: list[Participant], *, refused: list[tuple[int, AccreditationError]]
) -> list[Participant]:
    """Those who have what their conference requires for approval; the others are refused."""
    approvable = []
    for participant in moving:
        missing = rules.approval_missing(participant=participant)
        if missing:
            refused.append(
                (
                    participant.pk,
                    AccreditationError(
                        rules.approval_refusal(participant=participant, missing=missing),
                        code="requirements_missing",
                    ),
                )
            )
        else:
            approvable.append(participant)
    return approvable


def _categories_for_approval(
    moving: list[Participant],
    chosen: dict[int, BadgeCategory | None],
    *,
    refused: list[tuple[int, AccreditationError]],
) -> list[Participant]:
    """Give each participant approved a badge category; those with none that fits are refused."""
    defaults = selectors.approval_badge_categories(participants=moving)
    approvable = []
    for participant in moving:
        try:
            participant.badge_category = _badge_category_for_approval(
                participant, chosen.get(participant.pk), defaults[participant.pk][1]
            )
        except AccreditationError as error:
            refused.append((participant.pk, error))
        else:
            approvable.append(participant)
    return approvable


def _badges_void(
    moving: list[Participant], *, transition: Transition, reason: str, at: datetime
) -> dict[int, int]:
    """Void the badges the transition ends (leaving a holding state, or a reprint).

    Returns participant id -> the badge number voided; the participants lose their number.
    """
    voided = {
        participant.pk: participant.badge_number
        for participant in moving
        if participant.badge_number
        and (transition.target not in BADGE_HOLDING_STATES or transition.name == "reprint_badge")
    }
    if voided:
        IssuedBadge.objects.filter(participant_id__in=voided, voided_at__isnull=True).update(
            voided_at=at, void_reason=(reason or str(transition.label))[:200]
        )
        for participant in moving:
            if participant.pk in voided:
                participant.badge_number = None
    return voided


def _badges_write(
    moving: list[Participant], *, transition: Transition, by: AbstractBaseUser | None, at: datetime
) -> None:
    """An approval or a reprint issues a badge; a print or a reprint marks it printed; the
    hand-over marks it collected. The badge is the only holder of these two stages."""
    if transition.name in {"approve", "reprint_badge"}:
        _issue_badges(participants=moving)
    current = IssuedBadge.objects.filter(participant__in=moving, voided_at__isnull=True)
    if transition.name in {"print_badge", "reprint_badge"}:
        current.update(printed_at=at)
    if transition.name == "collect":
        current.update(collected_at=at, collected_by=by)


def _statuses_write(moving: list[Participant], *, transition: Transition, at: datetime) -> None:
    """The new status, in one statement.

    The database checks what a transition could break: a badge holder's category, one head
    per delegation, unique badge numbers.
    """
    for participant in moving:
        participant.status = status_of_state(transition.target)
        participant.annotated_state = transition.target
        participant.updated_at = at
    Participant.objects.bulk_update(
        moving, ["status", "badge_number", "badge_category", "updated_at"]
    )
    participant_counts_changed()


def _public_pages_retire(moving: list[Participant], *, from_status: dict[int, str]) -> None:
    """Retire the public pages of the conferences where someone starts or stops showing."""
    public_pages_invalidate(
        conference_ids={
            participant.conference_id
            for participant in moving
            if _public_standing(from_status[participant.pk]) != _public_standing(participant.status)
        }
    )


def _events_write(
    moving: list[Participant],
    *,
    from_state: dict[int, str],
    voided: dict[int, int],
    by: AbstractBaseUser | None,
    actor_label: str,
    reason: str,
    message: str,
) -> list[AccreditationEvent]:
    """One AccreditationEvent per participant moved, in displayed states, with the badge it
    issued, kept or voided."""
    return AccreditationEvent.objects.bulk_create(
        AccreditationEvent(
            participant=participant,
            from_status=from_state[participant.pk],
            to_status=participant.state,
            by=by,
            actor_label=actor_label,
            reason=reason,
            message=message.strip(),
            badge_number=participant.badge_number or voided.get(participant.pk),
        )
        for participant in moving
    )


def _transition(
    *,
    name: str,
    participant: Participant,
    by: AbstractBaseUser | None,
    actor_label: str = "",
    reason: str = "",
    message: str = "",
    badge_category: BadgeCategory | None = None,
) -> Participant:
    """Move one participant along ``name``; a refusal raises ``AccreditationError``."""
    done, refused = _transitions_apply(
        name=name,
        participants=[participant],
        by=by,
        actor_label=actor_label,
        reason=reason,
        message=message,
        badge_categories={participant.pk: badge_category},
    )
    if refused:
        raise refused[0][1]
    return done[0]


# The events of the batch being collected: one digest per delegation when it ends.
_MAIL_BATCH: ContextVar[list[int] | None] = ContextVar("accreditation_mail_batch", default=None)


def _accreditation_mail(*, event_id: int) -> None:
    batch = _MAIL_BATCH.get()
    if batch is None:
        # A change on its own (the participant page, the portal, the desk): its own digest,
        # written in the same transaction.
        notifications.accreditation_digests_write(event_ids=[event_id])
    else:
        batch.append(event_id)


@contextlib.contextmanager
def accreditation_mail_batch() -> Iterator[None]:
    """Inside, accreditation changes are mailed together: one message per delegation.

    The block is one transaction: the status changes and the outbox rows that report them
    commit together. A batch inside a batch joins the outer one.
    """
    if _MAIL_BATCH.get() is not None:
        yield
        return
    # No savepoint of its own: an error inside rolls back the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        events: list[int] = []
        token = _MAIL_BATCH.set(events)
        try:
            yield
        finally:
            _MAIL_BATCH.reset(token)
        notifications.accreditation_digests_write(event_ids=events)


def participants_transition(
    *,
    name: str,
    participants: Iterable[Participant],
    by: AbstractBaseUser | None,
    reason: str = "",
    message: str = "",
    badge_categories: dict[int, BadgeCategory | None] | None = None,
) -> tuple[list[Participant], list[str]]:
    """Move many participants along ``name``: those moved, and why the others were refused.

    A refused participant is left as it was, the others move. The focal point of each
    delegation gets one digest of the whole action; ``badge_categories`` (participant id ->
    category) is for approval.
    """
    participants = list(participants)
    try:
        done, refused = _transitions_apply(
            name=name,
            participants=participants,
            by=by,
            reason=reason,
            message=message,
            badge_categories=badge_categories,
        )
    except AccreditationError as error:
        return [], [str(error)]
    order = {participant.pk: index for index, participant in enumerate(participants)}
    names = {participant.pk: str(participant) for participant in participants}
    done.sort(key=lambda participant: order[participant.pk])
    refused.sort(key=lambda item: order[item[0]])
    return done, [f"{names[pk]}: {error}" for pk, error in refused]


def _service(name: str) -> Callable[..., Participant]:
    def service(
        *,
        participant: Participant,
        by: AbstractBaseUser | None,
        reason: str = "",
        message: str = "",
        actor_label: str = "",
    ) -> Participant:
        return _transition(
            name=name,
            participant=participant,
            by=by,
            reason=reason,
            message=message,
            actor_label=actor_label,
        )

    service.__name__ = service.__qualname__ = f"participant_{name}"
    service.__doc__ = f"Accreditation transition “{TRANSITIONS[name].label}”."
    return service


def participant_approve(
    *,
    participant: Participant,
    by: AbstractBaseUser | None,
    reason: str = "",
    message: str = "",
    actor_label: str = "",
    badge_category: BadgeCategory | None = None,
) -> Participant:
    """Approve and issue a badge number in ``badge_category``.

    Without one, the participant's chosen category or the default for the role and the
    delegation's category; approval is refused when neither exists.
    """
    return _transition(
        name="approve",
        participant=participant,
        by=by,
        reason=reason,
        message=message,
        actor_label=actor_label,
        badge_category=badge_category,
    )


participant_review = _service("review")
participant_send_to_vetting = _service("send_to_vetting")
participant_print_badge = _service("print_badge")
participant_reprint_badge = _service("reprint_badge")
participant_collect_badge = _service("collect")
participant_reject = _service("reject")
participant_cancel = _service("cancel")
participant_revoke = _service("revoke")
participant_return_to_review = _service("return_to_review")

SERVICES: dict[str, Callable[..., Participant]] = {
    "review": participant_review,
    "send_to_vetting": participant_send_to_vetting,
    "approve": participant_approve,
    "print_badge": participant_print_badge,
    "reprint_badge": participant_reprint_badge,
    "collect": participant_collect_badge,
    "reject": participant_reject,
    "cancel": participant_cancel,
    "revoke": participant_revoke,
    "return_to_review": participant_return_to_review,
}


# Focal-point nominations ------------------------------------------------------------------

# Changing any of these (on the participant or its identity document) after approval puts
# the member back under review.
IDENTITY_PARTICIPANT_FIELDS = ("honorific", "given_names", "family_name", "passport_name", "gender")
IDENTITY_FIELDS = frozenset({*IDENTITY_PARTICIPANT_FIELDS, *PASSPORT_FIELDS, "photo"})


def _check_membership(*, delegation: Delegation, participant: Participant) -> None:
    """The shared delegation rules first: their messages say more than the DB constraints'."""
    errors = rules.membership_errors(
        delegation=delegation,
        members=rules.members_with(delegation=delegation, candidate=participant),
    )
    if "email" not in errors and rules.email_taken(
        conference_id=delegation.conference_id, email=participant.email, exclude_pk=participant.pk
    ):
        errors.setdefault("email", []).append(
            _("%(email)s is already registered for this conference.") % {"email": participant.email}
        )
    if errors:
        raise ValidationError(errors)
    participant.full_clean()


@transaction.atomic
def identity_document_save(*, document: IdentityDocument) -> IdentityDocument:
    """Save an identity document as the portal or the admin's inline filled it in.

    A replaced photo is deleted from storage after the commit (a rollback keeps it).
    """
    document.stale_badge_photo_drop()
    delete_replaced_files(document, "photo", "badge_photo")
    document.save()
    return document


def _save_identity(*, participant: Participant, identity: dict) -> set[str]:
    """Store identity data; the fields that changed on a document that existed before."""
    document, created = IdentityDocument.objects.get_or_create(participant=participant)
    changed = set()
    for field, value in identity.items():
        if field == "photo":
            if value is None:
                continue
            changed.add(field)
        elif getattr(document, field) != value:
            changed.add(field)
        setattr(document, field, value)
    document.full_clean()
    identity_document_save(document=document)
    return set() if created else changed


def _review_identity_change(
    *,
    participant: Participant,
    changed_fields: Iterable[str],
    by: AbstractBaseUser | None,
    actor_label: str = "",
    reason: str,
) -> Participant:
    """An approved badge must not quietly change its holder: new identity data is re-reviewed."""
    if IDENTITY_FIELDS.isdisjoint(_model_field_names(changed_fields)) or (
        participant.status not in TRANSITIONS["return_to_review"].sources
    ):
        return participant
    # The reason here is ours, not an organizer's note, and tells the focal point why.
    return participant_return_to_review(
        participant=participant, by=by, actor_label=actor_label, reason=reason, message=reason
    )


@transaction.atomic
def participant_nominate(*, delegation: Delegation, fields: dict, identity: dict) -> Participant:
    """A focal point adds a member; the delegation's limits are checked under a row lock."""
    delegation = (
        Delegation.objects.select_for_update().select_related("conference").get(pk=delegation.pk)
    )
    participant = Participant(delegation=delegation, conference=delegation.conference, **fields)
    _check_membership(delegation=delegation, participant=participant)
    participant.save()
    _save_identity(participant=participant, identity=identity)
    if delegation.status == DelegationStatus.INVITED:
        # A nominating delegation takes part, and the delegations page lists it from now on.
        delegation.status = DelegationStatus.NOMINATED
        delegation.save(update_fields=["status"])
        public_pages_invalidate(conference_ids=[delegation.conference_id])
    else:
        participants_publish_changes(conference_id=delegation.conference_id, created=[participant])
    AccreditationEvent.objects.create(
        participant=participant, to_status=participant.status, actor_label=FOCAL_POINT
    )
    return participant


@transaction.atomic
def participant_register(*, participant: Participant, by: AbstractBaseUser) -> Participant:
    """An organizer adds a participant directly; the audit trail starts with their name."""
    participant.status = S.NOMINATED
    participant.full_clean()
    participant.save()
    participants_publish_changes(conference_id=participant.conference_id, created=[participant])
    AccreditationEvent.objects.create(participant=participant, to_status=participant.status, by=by)
    return participant


def participant_update_nomination(
    *, participant: Participant, fields: dict, identity: dict
) -> Participant:
    """A focal point edits a member. New identity data sends an approved member back to review."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=participant.delegation_id)
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.status in INACTIVE_STATUSES:
            raise AccreditationError(
                _("%(name)s can no longer be changed: the current state is “%(current)s”.")
                % {"name": locked.full_name, "current": locked.get_status_display()},
                code=f"closed_{locked.status}",
            )
        changed = {field for field, value in fields.items() if getattr(locked, field) != value}
        for field, value in fields.items():
            setattr(locked, field, value)
        _check_membership(delegation=delegation, participant=locked)
        locked.save()
        changed |= _save_identity(participant=locked, identity=identity)
        participants_publish_changes(
            conference_id=locked.conference_id, changed=[(locked, changed)]
        )
        locked = _review_identity_change(
            participant=locked,
            changed_fields=changed,
            by=None,
            actor_label=FOCAL_POINT,
            reason=_("Identity data changed by the focal point."),
        )
    return locked


def participant_edited_by_organizer(
    *, participant: Participant, by: AbstractBaseUser, changed_fields: Iterable[str]
) -> Participant:
    """An organizer saved an edit (admin or import) of ``changed_fields``.

    The names are the participant's and its identity document's; identity data among them
    sends an approved member back to review. The caller publishes the changes, once for a
    whole import (``participants_publish_changes``).
    """
    return _review_identity_change(
        participant=participant,
        changed_fields=changed_fields,
        by=by,
        reason=_("Identity data changed by an organizer."),
    )


@transaction.atomic
def participant_edit(
    *, participant: Participant, by: AbstractBaseUser, changed_fields: Iterable[str]
) -> Participant:
    """Save an organizer's edit, validated by the admin's form, after its identity inline."""
    changed_fields = set(changed_fields)
    participant.save()
    participants_publish_changes(
        conference_id=participant.conference_id, changed=[(participant, changed_fields)]
    )
    return participant_edited_by_organizer(
        participant=participant, by=by, changed_fields=changed_fields
    )


@transaction.atomic
def participant_delete(*, participant: Participant) -> None:
    participant.delete()
    public_pages_invalidate(conference_ids=[participant.conference_id])


@transaction.atomic
def delegation_save(*, delegation: Delegation) -> Delegation:
    """Save a delegation as the admin edits it; the delegations page shows it."""
    previous = Delegation.objects.filter(pk=delegation.pk).values_list("conference_id", flat=True)
    conference_ids = {delegation.conference_id, *previous}
    delete_replaced_files(delegation, "nomination_file")
    delegation.save()
    public_pages_invalidate(conference_ids=conference_ids)
    return delegation


@transaction.atomic
def delegation_delete(*, delegation: Delegation) -> None:
    delegation.delete()
    public_pages_invalidate(conference_ids=[delegation.conference_id])


# A delegation of an organization takes the category its kind names; any other kind, this one.
ORGANIZATION_CATEGORIES = {
    OrganizationKind.UN_ENTITY: DelegationCategory.UN_ENTITY,
    OrganizationKind.CIVIL_SOCIETY: DelegationCategory.CIVIL_SOCIETY,
    OrganizationKind.MEDIA: DelegationCategory.MEDIA,
}


def country_code(text: str) -> str:
    """The ISO code of the country ``text`` names (a code, an English or Russian name), or ""."""
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = countries.alpha2(text)
        if code:
            return code
    return countries.by_name(text, language="en") or countries.by_name(text, language="ru")


def _organizations_by_name() -> dict[str, Organization]:
    """Every organization under each of its names and acronyms, without regard to case."""
    found = {}
    for organization in Organization.objects.all():
        names = ("name_en", "name_ru", "acronym_en", "acronym_ru")
        for name in filter(None, (getattr(organization, field) for field in names)):
            found.setdefault(name.casefold(), organization)
    return found


@transaction.atomic
def delegations_add(
    *, conference: Conference, lines: list[tuple[int, str]], state_category: str
) -> list[Delegation]:
    """A delegation for each (line number, name), or none: BulkAddRefused names the lines refused.

    A line names a country (ISO code, English or Russian name) or an organization already in
    the admin (name or acronym). Countries take ``state_category``, the host country the host's;
    organizations the category of their kind.
    """
    organizations = _organizations_by_name()
    delegations, keyed, refusals = [], [], []
    for number, text in lines:
        code = country_code(text)
        organization = None if code else organizations.get(text.casefold())
        if code:
            category = DelegationCategory.HOST if code == conference.country else state_category
            delegation = Delegation(conference=conference, country=code, category=category)
            keyed.append((number, text, f"country:{code}"))
        elif organization:
            category = ORGANIZATION_CATEGORIES.get(
                organization.kind, DelegationCategory.ORGANIZATION
            )
            delegation = Delegation(
                conference=conference, organization=organization, category=category
            )
            keyed.append((number, text, f"organization:{organization.pk}"))
        else:
            refusals.append(
                LineRefusal(
                    number,
                    text,
                    _(
                        "%(name)s: no country has this name or code, and no organization "
                        "(add the organization under Organizations first)."
                    )
                    % {"name": text},
                )
            )
            continue
        delegations.append(delegation)
    here = Delegation.objects.filter(conference=conference).values_list("country", "organization")
    refusals += duplicate_refusals(
        keyed,
        existing={
            f"country:{country}" if country else f"organization:{organization}"
            for country, organization in here
        },
        already_there=_("%(name)s: this conference already has this delegation."),
        repeated=_("%(name)s: the same delegation as line %(line)d."),
    )
    if refusals:
        raise BulkAddRefused(sorted(refusals, key=lambda refusal: refusal.number))
    for delegation in delegations:
        delegation.full_clean()
        delegation.save()
    public_pages_invalidate(conference_ids=[conference.pk])
    return delegations


def participant_withdraw(*, participant: Participant, reason: str) -> Participant:
    return participant_cancel(
        participant=participant, by=None, actor_label=FOCAL_POINT, reason=reason
    )


@transaction.atomic
def delegation_upload_note_verbale(
    *, delegation: Delegation, file, reference: str, date
) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    delegation.nomination_file = file
    delegation.nomination_reference = reference
    delegation.nomination_date = date
    delegation.full_clean()
    delete_replaced_files(delegation, "nomination_file")
    delegation.save()
    return delegation


# The nomination link ---------------------------------------------------------------------


def _default_expiry(conference: Conference) -> datetime:
    fallback = timezone.now() + DEFAULT_LINK_LIFETIME
    deadline = conference.registration_deadline
    return max(deadline, fallback) if deadline else fallback


@transaction.atomic
def delegation_send_nomination_link(
    *, delegation: Delegation, portal_url: Callable[[str], str]
) -> Delegation:
    """E-mail the link to the focal point; ``portal_url`` turns a token into an absolute URL.

    A live link is sent again as it is (a reminder must not break the one in use) and lasts
    at least until the registration deadline; a revoked or expired one is replaced.
    """
    delegation = (
        Delegation.objects.select_for_update().select_related("conference").get(pk=delegation.pk)
    )
    if not delegation.focal_point_email:
        raise AccreditationError(
            _("%(delegation)s has no focal point e-mail address.") % {"delegation": delegation},
            code="no_focal_point",
        )
    expires = delegation.nomination_link_expires_at
    if delegation.nomination_link_revoked or (expires is not None and expires <= timezone.now()):
        # A dead link stays dead: the focal point gets a new one.
        delegation.nomination_nonce = uuid.uuid4()
        delegation.nomination_link_revoked = False
        expires = None
    delegation.nomination_link_expires_at = max(
        filter(None, [expires, _default_expiry(delegation.conference)])
    )
    delegation.full_clean()
    delegation.save()
    url = portal_url(nomination_token(delegation=delegation))
    notifications.nomination_link_write(delegation=delegation, url=url, send_id=uuid.uuid4().hex)
    return delegation


# Circulars -------------------------------------------------------------------------------


def circular_text_errors(*, subject: dict[str, str], body: dict[str, str]) -> dict[str, str]:
    """Unknown placeholders in a circular's texts, keyed ``subject_en``, ``body_ru``…"""
    texts = {f"subject_{lang}": text for lang, text in subject.items()}
    texts |= {f"body_{lang}": text for lang, text in body.items()}
    return placeholders.errors(texts, mails.CIRCULAR_PLACEHOLDERS)


@transaction.atomic
def circular_send(
    *,
    conference: Conference,
    which: selectors.CircularFilter,
    subject: dict[str, str],
    body: dict[str, str],
    send_id: str,
) -> int:
    """Write a circular to each recipient ``which`` selects, in their language; how many.

    ``send_id`` names this circular: sending the same one again (a double click, a reload)
    writes nothing new. Without any recipient, or with an unknown placeholder, it is refused.
    """
    errors = circular_text_errors(subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    recipients = selectors.circular_recipients(conference=conference, which=which)
    if not recipients:
        raise ValidationError(
            _("No recipient matches these filters: the circular was not sent."),
            code="no_recipients",
        )
    notifications.circular_write(
        conference=conference, recipients=recipients, subject=subject, body=body, send_id=send_id
    )
    return len(recipients)


@transaction.atomic
def delegation_rotate_nomination_link(*, delegation: Delegation) -> Delegation:
    """A new nonce: every link sent before stops working."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    delegation.nomination_nonce = uuid.uuid4()
    delegation.nomination_link_revoked = False
    delegation.full_clean()
    delegation.save()
    return delegation


@transaction.atomic
def delegation_revoke_nomination_link(*, delegation: Delegation) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    delegation.nomination_link_revoked = True
    delegation.full_clean()
    delegation.save()
    return delegation


def identity_export_record(*, user: AbstractBaseUser, export: str, row_count: int) -> None:
    """Record that ``user`` exported ``row_count`` rows of identity data (the access log)."""
    IdentityAccessLog.objects.create(
        user=user, kind=IdentityAccessKind.EXPORT, export=export, row_count=row_count
    )


def identity_letter_record(
    *, user: AbstractBaseUser | None, participant: Participant, what: str
) -> None:
    """Log a printed document that carries identity data, e.g. a visa-support letter."""
    IdentityAccessLog.objects.create(
        user=user,
        kind=IdentityAccessKind.EXPORT,
        participant=participant,
        export=what[:60],
        row_count=1,
    )


def identity_access_record(
    *, user: AbstractBaseUser, participant: Participant | None, what: str = ""
) -> None:
    """Log a view of identity data; ``what`` names a file opened (a photo, a note verbale)."""
    IdentityAccessLog.objects.create(
        user=user,
        kind=IdentityAccessKind.FILE if what else IdentityAccessKind.VIEW,
        participant=participant,
        export=what,
    )


# Security holds ---------------------------------------------------------------------------


def _record_hold(locked: Participant, *, reason: str, at, by, note: str) -> Participant:
    """Set a hold, or lift it with an empty reason, and write it to the audit trail."""
    holder = by if reason else None
    locked.security_hold_reason, locked.security_hold_at, locked.security_hold_by = (
        reason,
        at,
        holder,
    )
    locked.save(update_fields=["security_hold_reason", "security_hold_at", "security_hold_by"])
    # The audit trail keeps holds; no mail goes to the focal point for them.
    AccreditationEvent.objects.create(
        participant=locked,
        from_status=locked.status,
        to_status=locked.status,
        by=by,
        reason=note,
        badge_number=locked.badge_number,
    )
    return locked


@transaction.atomic
def participant_security_hold(
    *, participant: Participant, by: AbstractBaseUser, reason: str
) -> Participant:
    """Every scan of the participant's badge turns red until the hold is lifted."""
    reason = reason.strip()
    if not reason:
        raise AccreditationError(_("A security hold needs a reason."), code="reason_required")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    return _record_hold(
        locked,
        reason=reason[:200],
        at=timezone.now(),
        by=by,
        note=_("Security hold: %(reason)s") % {"reason": reason},
    )


@transaction.atomic
def participant_security_release(*, participant: Participant, by: AbstractBaseUser) -> Participant:
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if not locked.on_security_hold:
        raise AccreditationError(
            _("%(name)s is not on security hold.") % {"name": locked.full_name}, code="no_hold"
        )
    return _record_hold(locked, reason="", at=None, by=by, note=_("Security hold lifted."))
