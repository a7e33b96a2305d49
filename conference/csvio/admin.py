"""Admin integration: the per-conference Exports page and the "Export selected as CSV" action.

Every download is CSV or Excel (.xlsx): the Exports page has a button for each, and the
changelists' action bar a format choice beside the export action (``export_format``).

``ConferenceCsvAdmin`` is mixed into the conference admin; it adds the Exports
page, the download URLs and the pages of every registered import under
/admin/conference/conference/.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.admin_mixins import selected_conference
from conference.models import Conference
from conference.selectors import conferences_newest_first

from . import registry
from .http import FORMATS, export_download

# The action bar's format choice (templates/admin/actions.html), posted with the action.
FORMAT_FIELD = "export_format"


def export_selected_action(identifier: str):
    """An admin action that streams the selected (or all filtered) rows through one export."""

    # Offered to those who may view the list; the export itself may ask for more (identity).
    @admin.action(description=gettext_lazy("Export selected as CSV"), permissions=["view"])
    def action(modeladmin, request, queryset):
        export = registry.get(identifier)
        if not export.is_permitted(request.user):
            modeladmin.message_user(
                request,
                _("You do not have permission to run the “%(label)s” export.")
                % {"label": export.label},
                messages.ERROR,
            )
            return None
        conference = selected_conference(
            modeladmin,
            request,
            queryset,
            refusal=_("Select rows of one conference at a time: filter the list by conference."),
            path=export.conference_path,
        )
        if conference is None:
            return None
        file_format = request.POST.get(FORMAT_FIELD) or "csv"
        if file_format not in FORMATS:
            modeladmin.message_user(request, _("Choose CSV or Excel."), messages.ERROR)
            return None
        return export_download(
            export=export,
            queryset=export.prepare(queryset),
            conference=conference,
            user=request.user,
            file_format=file_format,
        )

    action.__name__ = f"export_csv_{identifier.replace('-', '_')}"
    return action


FILTER_LABELS = {
    "delegation": gettext_lazy("Delegation"),
    "session": gettext_lazy("Session"),
    "status": gettext_lazy("Status"),
}


def _shared_options(conference: Conference) -> dict[str, list]:
    """Options of the filters several exports share: the conference's delegations and sessions."""
    return {
        "delegation": list(conference.delegations.order_by("name").values_list("pk", "name")),
        "session": list(conference.sessions.order_by("starts_at", "id").values_list("pk", "title")),
    }


def _filter_choices(export, conference: Conference, shared: dict) -> list[dict]:
    """The filters the Exports page shows for one export, with their options."""
    filters = []
    for name in export.filters:
        if name == "status":
            options = export.status_choices or export.model._meta.get_field("status").choices
        else:
            options = shared[name]
        filters.append({"name": name, "label": FILTER_LABELS[name], "options": options})
    return filters


def import_links(*, user, conference: Conference) -> list[tuple[str, str]]:
    """(label, URL) of each import ``user`` may run into ``conference``."""
    return [
        (i.label, reverse(f"admin:conference_import_{i.identifier}", args=[conference.pk]))
        for i in registry.all_imports()
        if i.is_permitted(user)
    ]


class ConferenceCsvAdmin(admin.ModelAdmin):
    def get_urls(self):
        view = self.admin_site.admin_view
        imports = []
        for csv_import in registry.all_imports():
            name = f"conference_import_{csv_import.identifier}"
            imports += [
                path(
                    f"import-{csv_import.identifier}/",
                    view(self.import_choose_view),
                    {"identifier": csv_import.identifier},
                    name=f"{name}_choose",
                ),
                path(
                    f"<path:object_id>/import-{csv_import.identifier}/",
                    view(self.import_view),
                    {"identifier": csv_import.identifier},
                    name=name,
                ),
            ]
        return [
            path("<path:object_id>/exports/", view(self.exports_view), name="conference_exports"),
            path(
                "<path:object_id>/exports/<slug:identifier>/",
                view(self.export_download_view),
                name="conference_export_download",
            ),
            *imports,
            *super().get_urls(),
        ]

    def _permitted_import(self, request, identifier: str) -> registry.CsvImport:
        csv_import = next(i for i in registry.all_imports() if i.identifier == identifier)
        if not csv_import.is_permitted(request.user):
            raise PermissionDenied
        return csv_import

    def _conference(self, request, object_id) -> Conference:
        conference = self.get_object(request, object_id)
        if conference is None:
            raise Http404
        if not self.has_view_permission(request, conference):
            raise PermissionDenied
        return conference

    def exports_view(self, request, object_id):
        conference = self._conference(request, object_id)
        shared = _shared_options(conference)
        exports = [
            {"export": export, "filters": _filter_choices(export, conference, shared)}
            for export in registry.permitted(request.user)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": conference,
            "title": _("Exports of %(conference)s") % {"conference": conference},
            "exports": exports,
            "imports": import_links(user=request.user, conference=conference),
        }
        return TemplateResponse(request, "admin/exports/conference_exports.html", context)

    def export_download_view(self, request, object_id, identifier):
        conference = self._conference(request, object_id)
        try:
            export = registry.get(identifier)
        except KeyError:
            raise Http404 from None
        if not export.is_permitted(request.user):
            raise PermissionDenied
        filters = {name: request.GET.get(name, "") for name in export.filters}
        # Only the page's own options: an id of another conference, or one too large for the
        # database, would otherwise fail in the middle of the streamed download.
        options = {
            choice["name"]: {str(value) for value, _label in choice["options"]}
            for choice in _filter_choices(export, conference, _shared_options(conference))
        }
        if any(value and value not in options[name] for name, value in filters.items()):
            return HttpResponseBadRequest(_("Choose the filter's value on the Exports page."))
        file_format = request.GET.get("format") or "csv"
        if file_format not in FORMATS:
            return HttpResponseBadRequest(_("Choose CSV or Excel."))
        return export_download(
            export=export,
            queryset=export.queryset(conference, **filters),
            conference=conference,
            user=request.user,
            file_format=file_format,
        )

    def import_choose_view(self, request, identifier):
        """An import's link from a changelist lands here when no conference is filtered."""
        csv_import = self._permitted_import(request, identifier)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(label)s: choose the conference") % {"label": csv_import.label},
            "conferences": [
                (conference, reverse(f"admin:conference_import_{identifier}", args=[conference.pk]))
                for conference in conferences_newest_first()
            ],
        }
        return TemplateResponse(request, "admin/exports/choose_conference.html", context)

    def import_view(self, request, object_id, identifier):
        csv_import = self._permitted_import(request, identifier)
        return csv_import.view(self, request, self._conference(request, object_id))
