"""The focal-point nomination portal: public, no account, reached through a signed link."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from conference.printing.pdf import pdf_response
from conference.security import client_ip
from participants.accreditation import selectors, services
from participants.accreditation.forms import ReasonForm
from participants.enums import INACTIVE_STATUSES, DelegationRole
from participants.letters import printing as letters
from participants.letters import selectors as letters_selectors
from participants.letters import services as letters_services
from participants.models import Participant
from participants.portal.forms import MemberForm, NoteVerbaleForm

logger = logging.getLogger(__name__)


def closed_link_page(request, reason: str, conference):
    # Whoever is locked out needs an address to ask for a new link; the sender's will do.
    contact = conference.contact_email or settings.DEFAULT_FROM_EMAIL
    context = {"reason": reason, "contact_email": contact}
    return render(request, "participants/portal/closed.html", context, status=403)


def token_guessing_refused(request) -> bool:
    """Whether this address has tried too many unknown tokens in the current window."""
    misses = cache.get(_misses_key(request), 0)
    return misses >= settings.PORTAL_UNKNOWN_TOKEN_LIMIT


def unknown_token_count(request) -> None:
    key = _misses_key(request)
    # A fixed window opened by the first miss: add() starts it, incr() counts within it.
    cache.add(key, 0, timeout=settings.PORTAL_UNKNOWN_TOKEN_WINDOW)
    try:
        misses = cache.incr(key)
    except ValueError:  # the window closed between add() and incr()
        cache.add(key, 1, timeout=settings.PORTAL_UNKNOWN_TOKEN_WINDOW)
        misses = 1
    if misses == settings.PORTAL_UNKNOWN_TOKEN_LIMIT:
        logger.warning(
            "Nomination portal: %s tried %s unknown links; refused for %s s",
            client_ip(request),
            misses,
            settings.PORTAL_UNKNOWN_TOKEN_WINDOW,
        )


def _misses_key(request) -> str:
    return f"portal-unknown-token:{client_ip(request)}"


def too_many_guesses_page(request):
    context = {"minutes": max(1, settings.PORTAL_UNKNOWN_TOKEN_WINDOW // 60)}
    return render(request, "participants/portal/too_many.html", context, status=429)


def portal_view(*, writes: bool):
    """Resolve the token to its delegation: 404 when forged, 403 with the reason when closed.

    A link past the registration deadline still shows the delegation's statuses; only the
    pages that change something are refused.
    """

    def decorator(view):
        @never_cache
        @wraps(view)
        def wrapper(request, token: str, **kwargs):
            # Once an address has guessed too often, even a real link waits out the window:
            # answering it would tell the guesser which guess was right.
            if token_guessing_refused(request):
                return too_many_guesses_page(request)
            found = selectors.delegation_for_token(token=token)
            if found is None:
                unknown_token_count(request)
                raise Http404(_("Unknown nomination link."))
            delegation, current = found
            invalid = selectors.nomination_link_invalid_reason(
                delegation=delegation, current=current
            )
            if invalid:
                return closed_link_page(request, invalid, delegation.conference)
            closed = selectors.registration_closed_reason(conference=delegation.conference)
            if closed and writes:
                return closed_link_page(request, closed, delegation.conference)
            request.portal = {"delegation": delegation, "token": token, "closed": closed}
            # Focal points enter and read arrival and departure as the conference's wall time.
            with timezone.override(delegation.conference.tz):
                return view(request, delegation=delegation, token=token, **kwargs)

        return wrapper

    return decorator


def _member(delegation, pk: int):
    # Filtering by the token's delegation is what keeps one delegation out of another's members.
    return get_object_or_404(
        delegation.members.select_related("identity").exclude(status__in=INACTIVE_STATUSES),
        pk=pk,
    )


def _context(request, **extra) -> dict:
    return {**request.portal, "conference": request.portal["delegation"].conference, **extra}


@portal_view(writes=False)
def delegation_page(request, *, delegation, token):
    members = list(selectors.delegation_members(delegation=delegation))
    active = [m for m in members if m.status not in INACTIVE_STATUSES]
    # The visa-support letter is offered for approved members who asked for one.
    visa = letters_selectors.portal_visa_letter_offers(members=members)
    return render(
        request,
        "participants/portal/delegation.html",
        _context(
            request,
            members=members,
            active_count=len(active),
            hosted_count=sum(m.hospitality_requested for m in active),
            has_head=any(m.role == DelegationRole.HEAD for m in active),
            visa_letters=visa,
        ),
    )


@portal_view(writes=False)
def visa_letter(request, *, delegation, token, pk: int):
    """The member's visa-support letter; the same one again while nothing it prints changed."""
    try:
        letter = letters_services.visa_letter_for_focal_point(
            delegation=delegation, participant_id=pk
        )
    except Participant.DoesNotExist:
        raise Http404(_("No visa-support letter is offered for this member.")) from None
    except letters_services.LetterRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("participants:portal", token=token)
    pdf = letters.visa_letters_pdf([letter], conference=delegation.conference)
    return pdf_response(pdf, filename=f"visa-letter-{letter.number:03d}.pdf")


def _save_member(request, *, delegation, token, member=None):
    instance = member or delegation.members.model(
        delegation=delegation, conference=delegation.conference
    )
    form = MemberForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        conference=delegation.conference,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if member is None:
                saved = services.participant_nominate(
                    delegation=delegation,
                    fields=form.participant_data(),
                    identity=form.identity_data(),
                )
                messages.success(request, _("%(name)s has been nominated.") % {"name": saved})
            else:
                saved = services.participant_update_nomination(
                    participant=member,
                    fields=form.participant_data(),
                    identity=form.identity_data(),
                )
                messages.success(request, _("%(name)s has been updated.") % {"name": saved})
                if saved.status != member.status:
                    messages.warning(
                        request,
                        _(
                            "Because identity data changed, %(name)s is under review again "
                            "and any badge issued before is void."
                        )
                        % {"name": saved},
                    )
            form.discard_kept_photo()
            warning = form.passport_warning()
            if warning:
                messages.warning(request, f"{saved}: {warning}")
            return redirect("participants:portal", token=token)
        except ValidationError as error:
            form.add_error(None, error)
        except services.AccreditationError as error:
            form.add_error(None, str(error))
    if form.is_bound:
        form.keep_photo()
    return render(
        request,
        "participants/portal/member_form.html",
        _context(request, form=form, member=member),
    )


@portal_view(writes=True)
def member_add(request, *, delegation, token):
    return _save_member(request, delegation=delegation, token=token)


@portal_view(writes=True)
def member_edit(request, *, delegation, token, pk: int):
    return _save_member(request, delegation=delegation, token=token, member=_member(delegation, pk))


@portal_view(writes=True)
def member_withdraw(request, *, delegation, token, pk: int):
    member = _member(delegation, pk)
    form = ReasonForm(request.POST or None, submit_label=_("Withdraw this member"))
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_withdraw(participant=member, reason=form.cleaned_data["reason"])
        except services.AccreditationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been withdrawn.") % {"name": member})
            return redirect("participants:portal", token=token)
    return render(
        request,
        "participants/portal/withdraw.html",
        _context(request, form=form, member=member),
    )


@portal_view(writes=True)
def note_verbale(request, *, delegation, token):
    form = NoteVerbaleForm(request.POST or None, request.FILES or None, instance=delegation)
    if request.method == "POST" and form.is_valid():
        services.delegation_upload_note_verbale(
            delegation=delegation,
            file=form.cleaned_data["nomination_file"],
            reference=form.cleaned_data["nomination_reference"],
            date=form.cleaned_data["nomination_date"],
        )
        messages.success(request, _("Thank you: the note verbale has been received."))
        return redirect("participants:portal", token=token)
    return render(request, "participants/portal/note_verbale.html", _context(request, form=form))
