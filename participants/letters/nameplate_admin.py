"""The delegation admin's nameplates: the selected delegations, or every one present.

A mixin of DelegationAdmin. Printing changes nothing, so it needs the view permission; a
nameplate carries only the delegation's name.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.admin_mixins import selected_conference
from conference.models import Conference
from conference.printing.pdf import pdf_response
from conference.selectors import conferences_newest_first
from participants.accreditation import selectors
from participants.letters import nameplates
from participants.models import Delegation


def nameplates_response(*, conference: Conference, delegations: list[Delegation]) -> FileResponse:
    output = io.BytesIO()
    nameplates.render_nameplates(
        nameplates.plates_for(conference=conference, delegations=delegations),
        title=_("Nameplates — %(conference)s") % {"conference": conference.short_title},
        output=output,
    )
    return pdf_response(output, filename=f"nameplates-{conference.slug}.pdf")


class ConferenceChoiceForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=gettext_lazy("Conference"),
        queryset=conferences_newest_first(),
        empty_label=None,
    )


class NameplateAdminMixin:
    """Needs ``self.admin_site`` and the ModelAdmin permission methods; list ``print_nameplates``
    in ``actions``."""

    def get_urls(self):
        return [
            path(
                "nameplates/",
                self.admin_site.admin_view(self.nameplates_view),
                name="participants_delegation_nameplates",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "nameplates_form": ConferenceChoiceForm(
                initial={"conference": request.GET.get("conference__id__exact")}
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def nameplates_view(self, request):
        """Every delegation present at the conference (``?conference=<pk>``), in precedence."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ConferenceChoiceForm(request.GET)
        if not form.is_valid():
            self.message_user(request, _("Choose a conference."), messages.ERROR)
            return redirect("admin:participants_delegation_changelist")
        conference = form.cleaned_data["conference"]
        present = selectors.delegations_present(conference=conference)
        if not present:
            self.message_user(
                request,
                _("No delegation of %(conference)s has an accredited member yet.")
                % {"conference": conference},
                messages.INFO,
            )
            return redirect("admin:participants_delegation_changelist")
        return nameplates_response(conference=conference, delegations=present)

    @admin.action(description=gettext_lazy("Print nameplates (PDF)"), permissions=["view"])
    def print_nameplates(self, request, queryset):
        refusal = _("Print the nameplates of one conference at a time.")
        conference = selected_conference(self, request, queryset, refusal=refusal)
        if conference is None:
            return None
        delegations = selectors.delegations_in_precedence(
            conference=conference, delegations=queryset.select_related("organization")
        )
        return nameplates_response(conference=conference, delegations=delegations)
