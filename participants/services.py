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
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.translator import translator

from conference.mail import placeholders
from conference.models import Conference
from conference.site.publishing import public_pages_invalidate

from . import door, mails, notifications, rules, selectors
from .counts import participant_counts_changed
from .enums import (
    BADGE_HOLDING_STATUSES,
    GREEN_RESULTS,
    INACTIVE_STATUSES,
    AccreditationStatus,
    DelegationRole,
    DelegationStatus,
    IdentityAccessKind,
    ScanAction,
    ScanResult,
    ScanVerdict,
)
from .models import (
    PASSPORT_FIELDS,
    AccessZone,
    AccreditationEvent,
    BadgeCategory,
    BadgeScan,
    Delegation,
    IdentityAccessLog,
    IdentityDocument,
    IdentityShredding,
    IssuedBadge,
    Participant,
    ScannerDevice,
    VisaLetter,
)
from .selectors import nomination_token

S = AccreditationStatus
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
    name: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "review", gettext_lazy("Take under review"), frozenset({S.NOMINATED}), S.UNDER_REVIEW
        ),
        Transition(
            "send_to_vetting",
            gettext_lazy("Send to security vetting"),
            frozenset({S.UNDER_REVIEW}),
            S.VETTING,
        ),
        Transition("approve", gettext_lazy("Approve"), frozenset({S.VETTING}), S.APPROVED),
        Transition(
            "print_badge", gettext_lazy("Print badge"), frozenset({S.APPROVED}), S.BADGE_PRINTED
        ),
        Transition(
            "reprint_badge",
            gettext_lazy("Reprint badge"),
            frozenset({S.BADGE_PRINTED, S.BADGE_COLLECTED}),
            S.BADGE_PRINTED,
            needs_reason=True,
        ),
        Transition(
            "collect",
            gettext_lazy("Badge collected"),
            frozenset({S.BADGE_PRINTED}),
            S.BADGE_COLLECTED,
        ),
        Transition(
            "reject",
            gettext_lazy("Reject"),
            frozenset({S.NOMINATED, S.UNDER_REVIEW, S.VETTING}),
            S.REJECTED,
            needs_reason=True,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel"),
            frozenset({S.NOMINATED, S.UNDER_REVIEW, S.VETTING, *BADGE_HOLDING_STATUSES}),
            S.CANCELLED,
            needs_reason=True,
        ),
        Transition(
            "revoke",
            gettext_lazy("Revoke"),
            frozenset(BADGE_HOLDING_STATUSES),
            S.REVOKED,
            needs_reason=True,
        ),
        # An approved badge must not quietly change its holder: new identity data is re-reviewed.
        Transition(
            "return_to_review",
            gettext_lazy("Return to review"),
            frozenset({S.VETTING, *BADGE_HOLDING_STATUSES}),
            S.UNDER_REVIEW,
            needs_reason=True,
        ),
    ]
}


def _refusal(locked: Participant, transition: Transition) -> AccreditationError:
    return AccreditationError(
        _("%(name)s cannot be moved to “%(target)s”: the current state is “%(current)s”.")
        % {
            "name": locked.full_name,
            "target": S(transition.target).label,
            "current": locked.get_status_display(),
        },
        code=f"illegal_from_{locked.status}",
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
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise AccreditationError(
            _("A reason is required to %(action)s.") % {"action": str(transition.label).lower()},
            code="reason_required",
        )
    with transaction.atomic():
        locked = list(
            Participant.objects.select_for_update(of=("self",))
            .select_related("delegation")
            .filter(pk__in=[participant.pk for participant in participants])
            .order_by("pk")
        )
        moving, refused = [], []
        for participant in locked:
            if participant.status in transition.sources:
                moving.append(participant)
            else:
                refused.append((participant.pk, _refusal(participant, transition)))
        if name == "approve":
            defaults = selectors.approval_badge_categories(participants=moving)
            approvable = []
            for participant in moving:
                try:
                    participant.badge_category = _badge_category_for_approval(
                        participant,
                        (badge_categories or {}).get(participant.pk),
                        defaults[participant.pk][1],
                    )
                except AccreditationError as error:
                    refused.append((participant.pk, error))
                else:
                    approvable.append(participant)
            moving = approvable
        if not moving:
            return [], refused
        now = timezone.now()
        from_status = {participant.pk: participant.status for participant in moving}
        voided = {
            participant.pk: participant.badge_number
            for participant in moving
            if participant.badge_number
            and (transition.target not in BADGE_HOLDING_STATUSES or name == "reprint_badge")
        }
        if voided:
            IssuedBadge.objects.filter(participant_id__in=voided, voided_at__isnull=True).update(
                voided_at=now, void_reason=(reason or str(transition.label))[:200]
            )
            for participant in moving:
                if participant.pk in voided:
                    participant.badge_number = None
        if name in {"approve", "reprint_badge"}:
            _issue_badges(participants=moving)
        if name in {"print_badge", "reprint_badge"}:
            IssuedBadge.objects.filter(participant__in=moving, voided_at__isnull=True).update(
                printed_at=now
            )
        for participant in moving:
            participant.status = transition.target
            participant.updated_at = now
        # The database checks what a transition could break: a badge holder's category,
        # one head per delegation, unique badge numbers.
        Participant.objects.bulk_update(
            moving, ["status", "badge_number", "badge_category", "updated_at"]
        )
        participant_counts_changed()
        public_pages_invalidate(
            conference_ids={
                participant.conference_id
                for participant in moving
                if _public_standing(from_status[participant.pk])
                != _public_standing(participant.status)
            }
        )
        events = AccreditationEvent.objects.bulk_create(
            AccreditationEvent(
                participant=participant,
                from_status=from_status[participant.pk],
                to_status=participant.status,
                by=by,
                actor_label=actor_label,
                reason=reason,
                message=message.strip(),
                # The badge this transition issued, kept or voided.
                badge_number=participant.badge_number or voided.get(participant.pk),
            )
            for participant in moving
        )
        with accreditation_mail_batch():
            for event in events:
                _accreditation_mail(event_id=event.pk)
    return moving, refused


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
    document.save()
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
    delegation.save()
    public_pages_invalidate(conference_ids=conference_ids)
    return delegation


@transaction.atomic
def delegation_delete(*, delegation: Delegation) -> None:
    delegation.delete()
    public_pages_invalidate(conference_ids=[delegation.conference_id])


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


# The check-in desk ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """Where a scan happens: the accreditation desk (no zone) or a zone's entry or exit."""

    action: str
    zone: AccessZone | None = None

    DESK = "desk"

    @classmethod
    def parse(cls, value: str, *, conference: Conference) -> Checkpoint | None:
        """ "desk", or "<zone code>:entry" / "<zone code>:exit"; None for anything else."""
        if value == cls.DESK:
            return cls(action=ScanAction.LOOKUP)
        code, _sep, direction = value.partition(":")
        if direction not in (ScanAction.ENTRY, ScanAction.EXIT):
            return None
        zone = AccessZone.objects.filter(conference=conference, code=code).first()
        return cls(action=direction, zone=zone) if zone else None

    @property
    def value(self) -> str:
        return f"{self.zone.code}:{self.action}" if self.zone else self.DESK


@dataclasses.dataclass(frozen=True)
class ScanOutcome:
    result: str
    scan: BadgeScan
    badge: IssuedBadge | None = None
    # Which re-entry rule refused, since when the badge is inside, when it may enter.
    refusal: door.Refusal | None = None
    # A scan the device had sent before: the row written then, not a second one.
    replayed: bool = False

    @property
    def green(self) -> bool:
        return self.result in GREEN_RESULTS

    @property
    def reason(self) -> str:
        return ScanResult(self.result).label

    @property
    def verdict(self) -> str:
        return ScanVerdict.of(self.result)

    @property
    def explanation(self) -> str:
        return self.refusal.explain(self.scan.conference) if self.refusal else ""


# A typed number: "DUS-0042", "dus 42" or "42".
NUMBER_PATTERN = re.compile(r"^(?:([A-Z0-9]+)[-\s]?)??0*(\d{1,9})$")


def _find_badge(*, conference: Conference, code: str) -> tuple[IssuedBadge | None, str | None]:
    """The badge a scanned token or typed number names, or the red result that says why not."""
    if ":" in code:
        try:
            badge = selectors.badge_for_token(code)
        except signing.BadSignature:
            return None, ScanResult.FORGED
        return badge, None if badge else ScanResult.UNKNOWN
    match = NUMBER_PATTERN.match(code.upper())
    if match is None:
        return None, ScanResult.UNKNOWN
    prefix, number = match.group(1) or "", int(match.group(2))
    if prefix and prefix != conference.badge_prefix:
        other = Conference.objects.filter(badge_prefix=prefix).exclude(pk=conference.pk)
        return None, ScanResult.OTHER_CONFERENCE if other.exists() else ScanResult.UNKNOWN
    badge = (
        IssuedBadge.objects.filter(conference=conference, number=number)
        .select_related("participant")
        .first()
    )
    return badge, None if badge else ScanResult.UNKNOWN


def _judge(*, badge: IssuedBadge, conference: Conference, checkpoint: Checkpoint) -> str:
    """The scan's result for a badge that exists: the first reason to refuse, else valid."""
    participant = badge.participant
    if badge.conference_id != conference.pk:
        return ScanResult.OTHER_CONFERENCE
    standing = selectors.badge_standing(badge=badge)
    if standing is not None:
        return standing
    if checkpoint.action == ScanAction.HANDOVER and badge.collected_at is not None:
        return ScanResult.ALREADY_COLLECTED
    if checkpoint.zone is None:
        return ScanResult.VALID
    if badge.collected_at is None:
        return ScanResult.NOT_COLLECTED
    if (
        checkpoint.action == ScanAction.ENTRY
        and not participant.badge_category.zones.filter(pk=checkpoint.zone.pk).exists()
    ):
        return ScanResult.WRONG_ZONE
    return ScanResult.VALID


def _record(
    *,
    conference,
    code,
    checkpoint,
    badge,
    result,
    by,
    device=None,
    client_key=None,
    scanned_at=None,
    refusal=None,
) -> ScanOutcome:
    scan = BadgeScan.objects.create(
        conference=conference,
        badge=badge,
        code=code[:120],
        zone=checkpoint.zone,
        action=checkpoint.action,
        result=result,
        officer=by,
        device=device,
        client_key=client_key,
        scanned_at=scanned_at,
    )
    return ScanOutcome(result=result, scan=scan, badge=badge, refusal=refusal)


def badge_scan(
    *,
    conference: Conference,
    code: str,
    checkpoint: Checkpoint,
    by: AbstractBaseUser | None = None,
    device: ScannerDevice | None = None,
    client_key: uuid.UUID | None = None,
    scanned_at: datetime | None = None,
) -> ScanOutcome:
    """Check a scanned token or typed number at a checkpoint; every scan writes one row.

    A green scan at a zone checkpoint is itself the recorded entry or exit. An entry is then
    held to the zone's re-entry rules (``door.entry_refusal``) at ``scanned_at`` (a scan an
    offline device queued) or now, under the badge's row lock so two doors cannot both let the
    same badge in. A ``client_key`` the device already sent returns that first row.
    """
    code = code.strip()
    with transaction.atomic():
        if client_key is not None:
            earlier = (
                BadgeScan.objects.filter(device=device, client_key=client_key)
                .select_related("badge__participant", "conference")
                .first()
            )
            if earlier is not None:
                return ScanOutcome(
                    result=earlier.result, scan=earlier, badge=earlier.badge, replayed=True
                )
        badge, refused = _find_badge(conference=conference, code=code)
        if badge is not None and badge.conference_id != conference.pk:
            # Another conference's badge is not linked to this conference's scan rows.
            badge, refused = None, ScanResult.OTHER_CONFERENCE
        result = refused or _judge(badge=badge, conference=conference, checkpoint=checkpoint)
        refusal = None
        zone = checkpoint.zone
        if result == ScanResult.VALID and checkpoint.action == ScanAction.ENTRY:
            if zone.single_entry or zone.anti_passback:
                IssuedBadge.objects.select_for_update().filter(pk=badge.pk).first()
            moment = min(scanned_at, timezone.now()) if scanned_at else timezone.now()
            refusal = door.entry_refusal(badge=badge, zone=zone, conference=conference, at=moment)
            result = refusal.result if refusal else result
        return _record(
            conference=conference,
            code=code,
            checkpoint=checkpoint,
            badge=badge,
            result=result,
            by=by,
            device=device,
            client_key=client_key,
            scanned_at=scanned_at,
            refusal=refusal,
        )


def badge_hand_over(*, conference: Conference, code: str, by: AbstractBaseUser) -> ScanOutcome:
    """The desk hands the badge over: it becomes collected, once, whichever desk is first.

    The issued badge's row lock makes a second desk wait, then see it already collected.
    """
    code = code.strip()
    handover = Checkpoint(action=ScanAction.HANDOVER)
    with transaction.atomic():
        badge, refused = _find_badge(conference=conference, code=code)
        if badge is not None:
            badge = (
                IssuedBadge.objects.select_for_update()
                .select_related("participant")
                .get(pk=badge.pk)
            )
            if badge.conference_id != conference.pk:
                badge, refused = None, ScanResult.OTHER_CONFERENCE
        result = refused or _judge(badge=badge, conference=conference, checkpoint=handover)
        if result == ScanResult.VALID:
            result = ScanResult.HANDED_OVER
            badge.collected_at = timezone.now()
            badge.collected_by = by
            badge.save(update_fields=["collected_at", "collected_by"])
            if badge.participant.status == S.BADGE_PRINTED:
                participant_collect_badge(participant=badge.participant, by=by)
        return _record(
            conference=conference,
            code=code,
            checkpoint=handover,
            badge=badge,
            result=result,
            by=by,
        )


# Printing ---------------------------------------------------------------------------------


def badges_print(
    *, participants: Iterable[Participant], by: AbstractBaseUser | None
) -> tuple[list[IssuedBadge], list[str]]:
    """Print the badges of approved participants: their issued badges, and who was refused.

    One refusal leaves the others printed; the caller renders the PDF of exactly the badges
    returned.
    """
    done, refused = participants_transition(name="print_badge", participants=participants, by=by)
    return _current_badges([participant.pk for participant in done]), refused


def badge_reprint(
    *, participant: Participant, by: AbstractBaseUser | None, reason: str
) -> IssuedBadge:
    """Void the badge in circulation (its QR then fails at the door) and print the next one."""
    done = participant_reprint_badge(participant=participant, by=by, reason=reason)
    return _current_badges([done.pk])[0]


def _current_badges(participant_ids: list[int]) -> list[IssuedBadge]:
    order = {pk: index for index, pk in enumerate(participant_ids)}
    badges = IssuedBadge.objects.filter(
        participant_id__in=participant_ids, voided_at__isnull=True
    ).select_related(
        "conference",
        "participant__conference",
        "participant__delegation__organization",
        "participant__badge_category",
        "participant__identity",
    )
    return sorted(badges, key=lambda badge: order[badge.participant_id])


# The retention shredder. Conference.data_retention_until promises that identity data goes
# after that date; this erases it and keeps everything else (names, roles, badges, agenda).
REDACTED = "[redacted]"


@dataclasses.dataclass(frozen=True)
class ShreddingCounts:
    identity_documents: int = 0
    photos: int = 0
    notes_verbales: int = 0
    redacted_events: int = 0

    def __bool__(self) -> bool:
        return any(dataclasses.astuple(self))


def conference_identity_shred_refusal(
    *, conference: Conference, by: AbstractBaseUser, force_reason: str = ""
) -> str | None:
    """Why ``by`` may not shred the conference's identity data now, or None."""
    until = conference.data_retention_until
    if until is not None and timezone.localdate() > until:
        return None
    if not by.is_superuser:
        return _("Only a superuser may shred identity data before the retention date.")
    if not force_reason.strip():
        return _("Give the reason for shredding before the retention date.")
    return None


@transaction.atomic
def conference_identity_shred(
    *, conference: Conference, by: AbstractBaseUser, force_reason: str = ""
) -> ShreddingCounts:
    """Erase the conference's passport data, birth data, photos and notes verbales.

    Identity values quoted in accreditation reasons and messages become "[redacted]"; the
    events stay. Files are deleted inside the transaction, before it commits: a run that
    stops halfway leaves the rows, and the next run deletes them and any file still there
    (deleting a missing file is no error), so nothing is left behind and nothing erased twice.
    A run that finds nothing to erase changes nothing and records nothing.
    """
    refusal = conference_identity_shred_refusal(
        conference=conference, by=by, force_reason=force_reason
    )
    if refusal:
        raise ValidationError(refusal)
    documents = IdentityDocument.objects.select_for_update().filter(
        participant__conference=conference
    )
    held = documents.exclude(**_ERASED_IDENTITY).select_related("participant")
    redacted = _identity_values_redact(conference=conference, documents=held)
    photos = 0
    for document in held.exclude(photo=""):
        document.photo.storage.delete(document.photo.name)
        if document.badge_photo.name:
            document.badge_photo.storage.delete(document.badge_photo.name)
        photos += 1
    erased = held.update(**_ERASED_IDENTITY)
    Participant.objects.filter(conference=conference).exclude(passport_name="").update(
        passport_name=""
    )
    participant_counts_changed()
    notes = 0
    delegations = Delegation.objects.select_for_update().filter(conference=conference)
    for delegation in delegations.exclude(nomination_file=""):
        delegation.nomination_file.storage.delete(delegation.nomination_file.name)
        notes += 1
    delegations.exclude(nomination_file="").update(nomination_file="")
    counts = ShreddingCounts(
        identity_documents=erased, photos=photos, notes_verbales=notes, redacted_events=redacted
    )
    if counts:
        IdentityShredding.objects.create(
            conference=conference,
            by=by,
            forced_reason=force_reason.strip(),
            **dataclasses.asdict(counts),
        )
    return counts


_ERASED_IDENTITY = {
    "nationality": "",
    "date_of_birth": None,
    "place_of_birth": "",
    "passport_number": "",
    "passport_issued_on": None,
    "passport_expires_on": None,
    "photo": "",
    "badge_photo": "",
}


def _identity_values_redact(*, conference: Conference, documents) -> int:
    """Replace the passport numbers and birth data of ``documents`` in accreditation notes."""
    values_by_participant = {
        document.participant_id: _identity_spellings(document) for document in documents
    }
    changed = 0
    events = AccreditationEvent.objects.filter(
        participant__conference=conference, participant_id__in=values_by_participant
    ).exclude(reason="", message="")
    for event in events:
        reason, message = event.reason, event.message
        for value in values_by_participant[event.participant_id]:
            reason, message = reason.replace(value, REDACTED), message.replace(value, REDACTED)
        if (reason, message) != (event.reason, event.message):
            AccreditationEvent.objects.filter(pk=event.pk).update(reason=reason, message=message)
            changed += 1
    return changed


def _identity_spellings(document: IdentityDocument) -> list[str]:
    """The ways a person's identity values are written in a note, longest first."""
    values = [document.passport_number, document.place_of_birth]
    for day in (document.date_of_birth, document.passport_issued_on, document.passport_expires_on):
        if day:
            values += [day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%d/%m/%Y")]
    return sorted({value for value in values if len(value) >= 4}, key=len, reverse=True)


# Visa-support letters ----------------------------------------------------------------------


class LetterRefused(Exception):
    """A letter or certificate that cannot be written; ``str()`` names who and what is missing."""


def _visa_letter_create(
    *, participant: Participant, by: AbstractBaseUser | None, language: str, actor_label: str
) -> VisaLetter:
    # The conference row is the counter, as for badges: the lock serializes two organizers
    # producing at once, and the number only grows, so a deleted letter's number stays spent.
    conference = Conference.objects.select_for_update().get(pk=participant.conference_id)
    number = conference.next_visa_letter_number
    Conference.objects.filter(pk=conference.pk).update(next_visa_letter_number=number + 1)
    letter = VisaLetter(
        conference=conference,
        number=number,
        reference=conference.visa_letter_reference(number),
        participant=participant,
        participant_name=participant.full_name[:200],
        consulate=participant.visa_consulate,
        language=language,
        content_digest=selectors.visa_letter_digest(participant=participant, language=language),
        produced_by=by,
        actor_label=actor_label,
    )
    letter.full_clean()
    letter.save()
    who = f" ({actor_label})" if actor_label else ""
    identity_letter_record(
        user=by, participant=participant, what=f"visa letter {letter.reference}{who}"
    )
    return letter


def _letter_language(participant: Participant, language: str | None) -> str:
    return language or participant.preferred_language


@transaction.atomic
def visa_letters_produce(
    *,
    participants: Iterable[Participant],
    by: AbstractBaseUser,
    language: str | None = None,
) -> tuple[list[VisaLetter], list[str]]:
    """A new letter, with a new reference, for each participant whose passport data is on file.

    Returns (the letters, why each of the others was refused). ``language`` is the
    organizer's choice; by default each letter is in the participant's language.
    Each letter is written to the identity access log.
    """
    if not selectors.can_view_identity(by):
        raise LetterRefused(_("Producing a visa-support letter needs the identity permission."))
    letters, refused = [], []
    for participant in participants:
        if participant.status in INACTIVE_STATUSES:
            refused.append(
                _("%(name)s no longer takes part (%(status)s).")
                % {"name": participant.full_name, "status": participant.get_status_display()}
            )
            continue
        missing = selectors.visa_letter_missing(participant=participant)
        if missing:
            refused.append(missing)
            continue
        letters.append(
            _visa_letter_create(
                participant=participant,
                by=by,
                language=_letter_language(participant, language),
                actor_label="",
            )
        )
    return letters, refused


@transaction.atomic
def visa_letter_for_focal_point(*, delegation: Delegation, participant_id: int) -> VisaLetter:
    """The letter the portal offers a focal point for one approved member who asked for it.

    The same letter (and reference) while nothing it prints has changed; a new one after.
    """
    member = selectors.portal_visa_letter_members(delegation=delegation).get(pk=participant_id)
    missing = selectors.visa_letter_missing(participant=member)
    if missing:
        raise LetterRefused(missing)
    language = member.preferred_language
    digest = selectors.visa_letter_digest(participant=member, language=language)
    letter = member.visa_letters.order_by("-number").first()
    if letter is not None and letter.content_digest == digest:
        identity_letter_record(
            user=None, participant=member, what=f"visa letter {letter.reference} ({FOCAL_POINT})"
        )
        return letter
    return _visa_letter_create(
        participant=member, by=None, language=language, actor_label=FOCAL_POINT
    )


# Scanner devices ---------------------------------------------------------------------------
# A security officer, signed in with the second factor, creates a device in the admin and
# shows its one-time pairing QR; the phone that opens it gets its own key, once. The device
# then scans, fetches its snapshot and syncs with that key alone: no staff session.

PAIRING_LIFETIME = timedelta(minutes=10)


class ScannerError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def _scanner_zones_check(*, conference: Conference, zones: Iterable[AccessZone]) -> list:
    zones = list(zones)
    if not zones:
        raise ValidationError({"zones": _("A scanner needs at least one zone.")})
    strangers = [zone for zone in zones if zone.conference_id != conference.pk]
    if strangers:
        raise ValidationError(
            {
                "zones": _("%(zones)s belong to another conference.")
                % {"zones": ", ".join(str(zone) for zone in strangers)}
            }
        )
    return zones


@transaction.atomic
def scanner_device_create(
    *, conference: Conference, name: str, zones: Iterable[AccessZone], by: AbstractBaseUser
) -> tuple[ScannerDevice, str]:
    """A new device for ``zones`` of ``conference`` and its one-time pairing code."""
    zones = _scanner_zones_check(conference=conference, zones=zones)
    device = ScannerDevice(conference=conference, name=name.strip(), created_by=by)
    device.full_clean(exclude=["zones"])
    device.save()
    device.zones.set(zones)
    return device, scanner_device_pairing_issue(device=device)


@transaction.atomic
def scanner_device_pairing_issue(*, device: ScannerDevice) -> str:
    """A fresh one-time pairing code; an earlier code or key of the device stops working."""
    locked = ScannerDevice.objects.select_for_update().get(pk=device.pk)
    if locked.revoked_at is not None:
        raise ScannerError(_("This device is revoked; create a new one."), code="revoked")
    code = secrets.token_urlsafe(24)
    locked.pairing_hash = selectors.scanner_secret_hash(code)
    locked.pairing_expires_at = timezone.now() + PAIRING_LIFETIME
    locked.key_hash = ""
    locked.paired_at = None
    locked.save(update_fields=["pairing_hash", "pairing_expires_at", "key_hash", "paired_at"])
    device.pairing_expires_at = locked.pairing_expires_at
    return code


@transaction.atomic
def scanner_device_pair(*, code: str) -> tuple[ScannerDevice, str]:
    """Trade a pairing code, once and before it expires, for the device's own key."""
    device = (
        ScannerDevice.objects.select_for_update()
        .filter(pairing_hash=selectors.scanner_secret_hash(code), revoked_at__isnull=True)
        .exclude(pairing_hash="")
        .first()
    )
    if device is None or device.pairing_expires_at <= timezone.now():
        raise ScannerError(
            _("This pairing code is used, expired or unknown; ask for a new one."),
            code="bad_pairing",
        )
    key = secrets.token_urlsafe(32)
    device.key_hash = selectors.scanner_secret_hash(key)
    device.pairing_hash = ""
    device.pairing_expires_at = None
    device.paired_at = device.last_seen_at = timezone.now()
    device.save()
    return device, key


@transaction.atomic
def scanner_device_save(*, device: ScannerDevice, zones: Iterable[AccessZone]) -> ScannerDevice:
    """Rename a device or change its zones; the key stays."""
    zones = _scanner_zones_check(conference=device.conference, zones=zones)
    device.full_clean(exclude=["zones"])
    device.save(update_fields=["name"])
    device.zones.set(zones)
    return device


@transaction.atomic
def scanner_device_revoke(*, device: ScannerDevice, by: AbstractBaseUser) -> ScannerDevice:
    """The key and any pairing code stop working at once; the scans it made stay."""
    locked = ScannerDevice.objects.select_for_update().get(pk=device.pk)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.key_hash = locked.pairing_hash = ""
        locked.pairing_expires_at = None
        locked.save()
    return locked


def scanner_device_seen(*, device: ScannerDevice) -> None:
    """Note the device's last request, at most once a minute (no write on every scan)."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > timedelta(minutes=1):
        ScannerDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


@dataclasses.dataclass(frozen=True)
class QueuedScan:
    """One scan an offline device queued: its key, what it read, where, when, what it showed."""

    key: uuid.UUID
    code: str
    checkpoint: Checkpoint
    scanned_at: datetime
    shown: str


@transaction.atomic
def scanner_scans_sync(*, device: ScannerDevice, scans: list[QueuedScan]) -> list[ScanOutcome]:
    """Apply a device's queued scans in the order they were made; each key once, ever.

    The device's row lock makes a second sync of the same queue (a retry after a lost answer)
    wait for the first and then find every key applied.
    """
    ScannerDevice.objects.select_for_update().filter(pk=device.pk).first()
    return [
        badge_scan(
            conference=device.conference,
            code=scan.code,
            checkpoint=scan.checkpoint,
            device=device,
            client_key=scan.key,
            scanned_at=scan.scanned_at,
        )
        for scan in sorted(scans, key=lambda scan: scan.scanned_at)
    ]
