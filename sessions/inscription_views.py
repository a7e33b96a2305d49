"""The speakers' lists in the nomination portal: a delegation asks for the floor and withdraws.

Two ways in, one page: the focal point's portal link (``/nominate/<token>/speakers/``, the
portal's own signed-token check) and the link of a delegate the focal point names
(``/speak/<token>/``), which opens these pages only, never the members' data.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from participants.accreditation.selectors import nomination_link_invalid_reason
from participants.portal.views import (
    closed_link_page,
    portal_view,
    token_guessing_refused,
    too_many_guesses_page,
    unknown_token_count,
)

from .forms import InscriptionForm
from .inscription import (
    inscription_delegate_for_token,
    inscription_delegate_token,
    inscription_request,
    inscription_sessions,
    inscription_speakers,
    inscription_withdraw,
)
from .models import Session, Statement


def delegate_view(view):
    """The delegate's link: forged or for a member who left, 404; replaced or revoked, 403."""

    @never_cache
    @wraps(view)
    def wrapper(request, token: str, **kwargs):
        if token_guessing_refused(request):
            return too_many_guesses_page(request)
        found = inscription_delegate_for_token(token=token)
        if found is None:
            unknown_token_count(request)
            raise Http404(_("Unknown link."))
        delegation, delegate, current = found
        invalid = nomination_link_invalid_reason(delegation=delegation, current=current)
        if invalid:
            return closed_link_page(request, invalid, delegation.conference)
        with timezone.override(delegation.conference.tz):
            return view(request, delegation=delegation, delegate=delegate, token=token, **kwargs)

    return wrapper


def _actor(delegation, delegate) -> str:
    if delegate is None:
        return _("Focal point %(name)s") % {"name": delegation.focal_point_name or "—"}
    return _("Delegate %(name)s") % {"name": delegate.full_name}


def _page(request, *, delegation, token, delegate=None):
    rows = inscription_sessions(delegation=delegation)
    speakers = list(inscription_speakers(delegation=delegation))
    open_sessions = [row.session for row in rows if row.closed is None]
    form = InscriptionForm(
        request.POST or None, sessions=open_sessions, speakers=speakers, delegation=delegation
    )
    if request.method == "POST" and form.is_valid():
        session = Session.objects.filter(pk=form.cleaned_data["session"]).first()
        speaker = delegation.members.model.objects.filter(pk=form.cleaned_data["speaker"]).first()
        if session is None:
            form.add_error("session", _("Choose a session from the list."))
        if speaker is None:
            form.add_error("speaker", _("The speaker must be a member of your delegation."))
        if session is not None and speaker is not None:
            try:
                inscription_request(
                    delegation=delegation,
                    session=session,
                    speaker=speaker,
                    level=form.cleaned_data["level"],
                    actor_label=_actor(delegation, delegate),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errors)
            else:
                messages.success(
                    request,
                    _("Your request for the floor in “%(session)s” is on the list.")
                    % {"session": session},
                )
                return redirect(request.path)
    named = None
    if delegate is None and request.GET.get("delegate", "").isdigit():
        named = next((p for p in speakers if p.pk == int(request.GET["delegate"])), None)
    context = {
        "delegation": delegation,
        "conference": delegation.conference,
        "token": token,
        "delegate": delegate,
        "rows": rows,
        "speakers": speakers,
        "form": form,
        "can_request": bool(open_sessions and speakers),
        "withdraw_url": "inscription:delegate_withdraw" if delegate else "inscription:withdraw",
        "named": named,
        "named_link": (
            request.build_absolute_uri(
                reverse(
                    "inscription:delegate",
                    args=[inscription_delegate_token(delegation=delegation, participant=named)],
                )
            )
            if named
            else ""
        ),
    }
    return render(request, "sessions/inscription/speakers_lists.html", context)


def _withdraw(request, *, delegation, token, pk, delegate=None):
    statement = get_object_or_404(Statement.objects.filter(delegation=delegation), pk=pk)
    try:
        inscription_withdraw(
            statement=statement, delegation=delegation, actor_label=_actor(delegation, delegate)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your statement in “%(session)s” is withdrawn.") % {"session": statement.session},
        )
    name = "inscription:delegate" if delegate else "inscription:speakers_lists"
    return redirect(name, token=token)


@portal_view(writes=False)
def speakers_lists(request, *, delegation, token):
    return _page(request, delegation=delegation, token=token)


@require_POST
@portal_view(writes=False)
def withdraw(request, *, delegation, token, pk: int):
    return _withdraw(request, delegation=delegation, token=token, pk=pk)


@delegate_view
def delegate_speakers_lists(request, *, delegation, delegate, token):
    return _page(request, delegation=delegation, token=token, delegate=delegate)


@require_POST
@delegate_view
def delegate_withdraw(request, *, delegation, delegate, token, pk: int):
    return _withdraw(request, delegation=delegation, token=token, pk=pk, delegate=delegate)
