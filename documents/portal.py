"""The focal point's “break silence” page: public, no account, reached through the signed
per-delegation link that the circulation mail carries (under the portal's /nominate/ path).

The service decides everything (forged, revoked, over, twice); the view only renders.
"""

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import selectors, services
from .enums import SilenceOutcome
from .models import SilenceProcedure


class BreakForm(forms.Form):
    text = forms.CharField(
        label=_("Your delegation's statement breaking silence"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
    )


def _closed(request, reason: str, status: int = 403):
    return render(request, "documents/silence/closed.html", {"reason": reason}, status=status)


@never_cache
def break_silence(request, token: str):
    value = selectors.silence_token_read(token)
    if value is None:
        raise Http404(_("Unknown link."))
    procedure = (
        SilenceProcedure.objects.select_related("document__conference", "version")
        .filter(pk=value["p"])
        .first()
    )
    delegation = (
        procedure
        and procedure.document.conference.delegations.filter(pk=value["d"])
        .select_related("organization")
        .first()
    )
    if procedure is None or delegation is None:
        raise Http404(_("Unknown link."))
    conference = procedure.document.conference
    form = BreakForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.silence_break_by_token(token=token, text=form.cleaned_data["text"])
        except services.DocumentError as refused:
            if refused.code in {"link_revoked", "silence_over", "already_broken", "wrong_state"}:
                return _closed(request, str(refused))
            form.add_error(None, refused)
    elif delegation.nomination_link_revoked or delegation.nomination_nonce.hex != value["n"]:
        return _closed(
            request, str(_("This link has been revoked. Ask the secretariat for the current one."))
        )
    breaks = procedure.breaks.filter(delegation=delegation).first()
    context = {
        "conference": conference,
        "document": procedure.document,
        "procedure": procedure,
        "delegation": delegation,
        "form": form,
        "done": done or breaks,
        "running": procedure.outcome == SilenceOutcome.RUNNING
        and timezone.now() <= procedure.deadline,
        "paragraphs": selectors.version_paragraphs(version=procedure.version),
    }
    # The page speaks the focal point's correspondence language until they pick another one.
    language = (
        request.LANGUAGE_CODE
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        else delegation.correspondence_language
    )
    with timezone.override(conference.tz), translation.override(language):
        return render(request, "documents/silence/break.html", context)
