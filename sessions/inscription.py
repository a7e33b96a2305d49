"""Inscription by delegations (issue 22): a delegation asks for the floor in its portal,
withdraws, and the secretariat confirms or refuses the request.

A request is a Statement with status "requested": it takes its protocol place on the list
at once (the statement's level, else the delegation's, decides), so the secretariat sees
where it would fall. Each step writes one InscriptionEvent in the same transaction, under
a lock on the session row, so two requests of one delegation cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.site.publishing import public_pages_invalidate
from participants.enums import INACTIVE_STATUSES, DelegationStatus, RepresentationLevel
from participants.models import Delegation, Participant

from .enums import PENDING_STATEMENT_STATUSES, InscriptionAction, StatementStatus
from .models import InscriptionEvent, Session, Statement
from .services import _close_gaps, statement_inscribe

DELEGATE_SALT = "plenary.sessions.inscription-delegate"
CLOSED_DELEGATIONS = (DelegationStatus.DECLINED, DelegationStatus.WITHDRAWN)


# Reads ------------------------------------------------------------------------------------


def inscription_closed_reason(*, session: Session, now=None) -> str | None:
    """Why delegations cannot ask for the floor in ``session`` now, or None while open."""
    closes = session.inscription_closes_at
    if closes is None:
        return _("The secretariat does not take online inscriptions for “%(session)s”.") % {
            "session": session
        }
    if closes <= (now or timezone.now()):
        return _("Inscription for “%(session)s” closed at %(time)s.") % {
            "session": session,
            "time": session.conference.local_text(closes),
        }
    return None


@dataclass(frozen=True)
class InscriptionRow:
    """One session of the portal's page: whether it is open, and the delegation's requests."""

    session: Session
    closed: str | None
    statements: list[Statement]

    @property
    def pending(self) -> Statement | None:
        return next(
            (
                s
                for s in self.statements
                if s.status in PENDING_STATEMENT_STATUSES and not s.is_right_of_reply
            ),
            None,
        )


def inscription_sessions(*, delegation: Delegation) -> list[InscriptionRow]:
    """Sessions of the delegation's conference that take online inscriptions, in agenda
    order, each with the delegation's own statements on it and the reasons of any refusal.
    Three queries whatever the size."""
    refusals = InscriptionEvent.objects.filter(action=InscriptionAction.REFUSE).order_by("at")
    own = (
        Statement.objects.filter(delegation=delegation)
        .select_related("speaker")
        .prefetch_related(Prefetch("inscription_events", queryset=refusals, to_attr="refusals"))
        .order_by("order", "id")
    )
    sessions = (
        Session.objects.filter(
            conference=delegation.conference, inscription_closes_at__isnull=False
        )
        .select_related("conference", "room")
        .prefetch_related(Prefetch("statements", queryset=own, to_attr="own"))
        .order_by("starts_at", "order", "id")
    )
    now = timezone.now()
    return [
        InscriptionRow(s, inscription_closed_reason(session=s, now=now), s.own) for s in sessions
    ]


def inscription_speakers(*, delegation: Delegation) -> QuerySet[Participant]:
    """Who may speak for the delegation: its members still nominated or accredited."""
    return delegation.members.exclude(status__in=INACTIVE_STATUSES).order_by(
        "family_name", "given_names", "pk"
    )


# The delegate's link ------------------------------------------------------------------------


def inscription_delegate_token(*, delegation: Delegation, participant: Participant) -> str:
    """The signed link part for a delegate the focal point names to inscribe.

    It carries the delegation's nomination nonce: rotating or revoking the focal point's
    link ends the delegate's link too. It opens the speakers' lists only, never the members.
    """
    return signing.Signer(salt=DELEGATE_SALT).sign_object(
        {"d": delegation.pk, "n": delegation.nomination_nonce.hex, "p": participant.pk}
    )


def inscription_delegate_for_token(*, token: str) -> tuple[Delegation, Participant, bool] | None:
    """The delegation and delegate of a token and whether the nonce is current; None if forged
    or if the delegate left the delegation."""
    try:
        payload = signing.Signer(salt=DELEGATE_SALT).unsign_object(token)
        delegation = Delegation.objects.select_related("conference", "organization").get(
            pk=payload["d"]
        )
        delegate = delegation.members.exclude(status__in=INACTIVE_STATUSES).get(pk=payload["p"])
    except (
        signing.BadSignature,
        Delegation.DoesNotExist,
        Participant.DoesNotExist,
        KeyError,
        TypeError,
    ):
        return None
    return delegation, delegate, payload["n"] == delegation.nomination_nonce.hex


# Writes -----------------------------------------------------------------------------------


def _locked_session(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("conference").get(pk=session.pk)


def _record(statement: Statement, action: str, *, by=None, actor_label="", reason="") -> None:
    event = InscriptionEvent(
        statement=statement, action=action, by=by, actor_label=actor_label, reason=reason
    )
    event.full_clean()
    event.save()


@transaction.atomic
def inscription_request(
    *,
    delegation: Delegation,
    session: Session,
    speaker: Participant,
    level: int | None = None,
    actor_label: str,
) -> Statement:
    """Ask for the floor for ``delegation`` in ``session``; ``speaker`` speaks at ``level``.

    Refused with a ValidationError, nothing written: a session of another conference, a
    closed inscription, a second request of the same delegation, a speaker of another
    delegation or no longer accredited, a delegation that declined or withdrew.
    """
    if session.conference_id != delegation.conference_id:
        raise ValidationError(
            {"session": _("This session belongs to another conference than your delegation.")}
        )
    session = _locked_session(session)
    closed = inscription_closed_reason(session=session)
    if closed:
        raise ValidationError({"session": closed})
    if delegation.status in CLOSED_DELEGATIONS:
        raise ValidationError(
            _("%(delegation)s has %(status)s: it cannot ask for the floor.")
            % {"delegation": delegation, "status": delegation.get_status_display().lower()}
        )
    if speaker.delegation_id != delegation.pk:
        # No name: the message must not tell one delegation who is in another.
        raise ValidationError({"speaker": _("The speaker must be a member of your delegation.")})
    if speaker.status in INACTIVE_STATUSES:
        raise ValidationError(
            {
                "speaker": _("%(name)s cannot speak: their accreditation is %(status)s.")
                % {"name": speaker.full_name, "status": speaker.get_status_display().lower()}
            }
        )
    if level is not None and level not in RepresentationLevel.values:
        raise ValidationError({"level": _("Choose a level of representation from the list.")})
    already = Statement.objects.filter(
        session=session,
        delegation=delegation,
        status__in=PENDING_STATEMENT_STATUSES,
        is_right_of_reply=False,
    ).exists()
    if already:
        raise ValidationError(
            {"session": _("Your delegation is already inscribed on this speakers' list.")}
        )
    statement = Statement(
        session=session,
        delegation=delegation,
        speaker=speaker,
        level=level,
        status=StatementStatus.REQUESTED,
        inscribed_at=timezone.now(),
    )
    statement_inscribe(statement=statement)
    _record(statement, InscriptionAction.REQUEST, actor_label=actor_label)
    return statement


def _locked_statement(statement: Statement) -> Statement:
    _locked_session(statement.session)
    return (
        Statement.objects.select_for_update()
        .select_related("session__conference")
        .get(pk=statement.pk)
    )


@transaction.atomic
def inscription_withdraw(
    *, statement: Statement, delegation: Delegation, actor_label: str
) -> Statement:
    """The delegation takes its request or its confirmed place off the list."""
    stored = _locked_statement(statement)
    if stored.delegation_id != delegation.pk:
        raise ValidationError(_("This statement is not your delegation's."))
    if stored.status not in PENDING_STATEMENT_STATUSES or stored.started_at is not None:
        raise ValidationError(
            _("Only a statement still waiting on the list can be withdrawn; this one is %(s)s.")
            % {"s": stored.get_status_display().lower()}
        )
    stored.status = StatementStatus.WITHDRAWN
    stored.save(update_fields=["status"])
    _close_gaps(stored.session_id)
    _record(stored, InscriptionAction.WITHDRAW, actor_label=actor_label)
    public_pages_invalidate(conference_ids=[stored.session.conference_id])
    return stored


def _require_requested(statement: Statement) -> None:
    if statement.status != StatementStatus.REQUESTED:
        raise ValidationError(
            _("Only a requested statement can be decided; this one is %(status)s.")
            % {"status": statement.get_status_display().lower()}
        )


@transaction.atomic
def inscription_confirm(*, statement: Statement, by: AbstractBaseUser | None) -> Statement:
    """The secretariat accepts a request: the statement is scheduled where it stands."""
    stored = _locked_statement(statement)
    _require_requested(stored)
    stored.status = StatementStatus.SCHEDULED
    stored.save(update_fields=["status"])
    _record(stored, InscriptionAction.CONFIRM, by=by)
    public_pages_invalidate(conference_ids=[stored.session.conference_id])
    return stored


@transaction.atomic
def inscription_refuse(
    *, statement: Statement, by: AbstractBaseUser | None, reason: str
) -> Statement:
    """The secretariat refuses a request, saying why; it leaves the list."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A refusal needs a reason.")})
    stored = _locked_statement(statement)
    _require_requested(stored)
    stored.status = StatementStatus.REFUSED
    stored.save(update_fields=["status"])
    _close_gaps(stored.session_id)
    _record(stored, InscriptionAction.REFUSE, by=by, reason=reason)
    public_pages_invalidate(conference_ids=[stored.session.conference_id])
    return stored
