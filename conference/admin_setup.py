"""The conference page's setup checklist and the bulk-add pages it links to."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .admin_mixins import id_param
from .models import Conference
from .setup import MAX_PASTED_LINES, BulkAddRefused, SetupRow, pasted_lines


@dataclass(frozen=True)
class ChecklistLine:
    row: SetupRow
    list_url: str
    add_url: str
    bulk_add_url: str


def _admin_url(opts, name: str, query: dict[str, int]) -> str:
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_{name}')}?{urlencode(query)}"


def setup_checklist(*, conference: Conference, user) -> list[ChecklistLine]:
    """The checklist's lines, each with the links ``user`` may follow, for this conference."""
    lines = []
    for row in selectors.conference_setup(conference=conference):
        opts, step = row.step.model._meta, row.step
        may_add = user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        may_view = may_add or user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        chosen = {"conference": conference.pk}
        lines.append(
            ChecklistLine(
                row=row,
                list_url=_admin_url(opts, "changelist", {"conference__id__exact": conference.pk})
                if may_view
                else "",
                add_url=_admin_url(opts, "add", chosen) if may_add and step.addable else "",
                bulk_add_url=_admin_url(opts, "bulk_add", chosen)
                if may_add and step.bulk_add
                else "",
            )
        )
    return lines


class BulkAddForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Names, one per line"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
    )

    def clean_names(self) -> list[tuple[int, str]]:
        """The pasted list as (line number, name) pairs."""
        lines = pasted_lines(self.cleaned_data["names"])  # the field requires a name
        if len(lines) > MAX_PASTED_LINES:
            raise forms.ValidationError(
                _("At most %(count)d names at a time.") % {"count": MAX_PASTED_LINES}
            )
        return lines


class BulkAddMixin:
    """A "bulk add" page for a conference's rows, from a pasted list with one name a line.

    ``/admin/<app>/<model>/bulk-add/?conference=<pk>``; ``bulk_add`` writes through the app's
    service, which adds every line or, raising BulkAddRefused, none.
    """

    bulk_add_form = BulkAddForm
    bulk_add_help = ""

    def bulk_add(self, *, conference: Conference, data: dict) -> list:
        raise NotImplementedError

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_bulk_add"
        view = self.admin_site.admin_view(self.bulk_add_view)
        return [path("bulk-add/", view, name=name), *super().get_urls()]

    def bulk_add_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        conference = Conference.objects.filter(pk=id_param(request, "conference")).first()
        if conference is None:
            raise Http404(_("Open this page from a conference's setup checklist."))
        form = self.bulk_add_form(request.POST or None)
        refusals = []
        if form.is_valid():
            try:
                added = self.bulk_add(conference=conference, data=form.cleaned_data)
            except BulkAddRefused as refused:
                refusals = refused.refusals
            else:
                self.message_user(
                    request,
                    _("Added to %(conference)s: %(names)s.")
                    % {"conference": conference, "names": ", ".join(map(str, added))},
                )
                return redirect("admin:conference_conference_change", conference.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "conference": conference,
            "title": _("Add %(models)s to %(conference)s")
            % {"models": self.opts.verbose_name_plural, "conference": conference},
            "form": form,
            "help": self.bulk_add_help,
            "refusals": refusals,
        }
        return TemplateResponse(request, "admin/bulk_add.html", context)
