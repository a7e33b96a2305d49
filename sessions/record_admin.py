"""Staff pages of the record (issue 22), mounted under the session admin:

- ``record/<conference>/``: statements delivered and speaking time per delegation and per
  group, for the conference or one session (``?session=``), with the CSV and the PDF;
- ``composition/<conference>/``: the composition report with its charts and its CSV.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from conference.admin_mixins import id_param
from conference.csvio import registry
from conference.csvio.http import csv_download
from conference.models import Conference
from conference.printing.pdf import pdf_response

from .composition import (
    GENDERS,
    GROUPS,
    composition_csv,
    composition_report,
    gender_chart,
    gender_label,
    level_chart,
    size_chart,
)
from .record import sessions_with_record, speaking_time
from .record_printing import statements_delivered_pdf

LANGUAGES = ("en", "ru")


def record_urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view
    pages = [
        ("record/", record_index, "agenda_session_record_index"),
        ("record/<int:conference_id>/", record_page, "agenda_session_record"),
        ("record/<int:conference_id>/pdf/", record_pdf, "agenda_session_record_pdf"),
        ("record/<int:conference_id>/csv/", record_csv, "agenda_session_record_csv"),
        ("composition/<int:conference_id>/", composition_page, "agenda_session_composition"),
        (
            "composition/<int:conference_id>/csv/",
            composition_csv_download,
            "agenda_session_composition_csv",
        ),
    ]
    return [
        path(route, view(_bound(function, model_admin)), name=name)
        for route, function, name in pages
    ]


def _bound(function, model_admin):
    def bound(request, **kwargs):
        return function(model_admin, request, **kwargs)

    bound.__name__ = function.__name__
    return bound


def _conference(model_admin, request, conference_id: int) -> Conference:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return get_object_or_404(Conference, pk=conference_id)


def _session(request, conference: Conference):
    """The ``?session=`` of this conference, or None (any other value: the whole conference)."""
    pk = id_param(request, "session")
    return conference.sessions.filter(pk=pk).first() if pk else None


def record_index(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Record and composition"),
        "opts": model_admin.model._meta,
        "conferences": Conference.objects.order_by("-start_date", "title"),
    }
    return TemplateResponse(request, "sessions/admin/record_index.html", context)


def record_page(model_admin, request, conference_id: int):
    conference = _conference(model_admin, request, conference_id)
    session = _session(request, conference)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Statements delivered: %s") % (session or conference),
        "opts": model_admin.model._meta,
        "conference": conference,
        "session": session,
        "record": speaking_time(conference=conference, session=session),
        "conference_record": speaking_time(conference=conference) if session else None,
        "sessions": sessions_with_record(conference=conference),
        "languages": LANGUAGES,
    }
    # Every time on the page is the conference's wall time.
    with timezone.override(conference.tz):
        return render(request, "sessions/admin/record.html", context)


def record_pdf(model_admin, request, conference_id: int):
    conference = _conference(model_admin, request, conference_id)
    session = _session(request, conference)
    language = request.GET.get("language")
    language = language if language in LANGUAGES else (get_language() or "en")[:2]
    name = f"statements-{conference.slug}{f'-{session.pk}' if session else ''}-{language}.pdf"
    pdf = statements_delivered_pdf(conference=conference, session=session, language=language)
    return pdf_response(pdf, filename=name)


def record_csv(model_admin, request, conference_id: int):
    conference = _conference(model_admin, request, conference_id)
    export = registry.get("statements-delivered")
    if not export.is_permitted(request.user):
        raise PermissionDenied
    session = _session(request, conference)
    queryset = export.queryset(conference, session=str(session.pk) if session else "")
    return csv_download(export=export, queryset=queryset, conference=conference, user=request.user)


def composition_page(model_admin, request, conference_id: int):
    conference = _conference(model_admin, request, conference_id)
    composition = composition_report(conference=conference)
    genders = [(value, gender_label(value)) for value in GENDERS]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Composition of delegations: %s") % conference,
        "opts": model_admin.model._meta,
        "conference": conference,
        "composition": composition,
        "groups": GROUPS,
        "genders": genders,
        "gender_table": [
            (label, [(counter[g], composition.percent(counter, g)) for g in GENDERS])
            for label, counter in composition.gender_rows
        ],
        "size_rows": [(band, [c[g] for g in GROUPS]) for band, c in composition.sizes.items()],
        "level_rows": [(level, [c[g] for g in GROUPS]) for level, c in composition.levels.items()],
        "charts": {
            "size": size_chart(composition),
            "level": level_chart(composition),
            "gender": gender_chart(composition),
        },
    }
    return TemplateResponse(request, "sessions/admin/composition.html", context)


def composition_csv_download(model_admin, request, conference_id: int):
    conference = _conference(model_admin, request, conference_id)
    text = composition_csv(composition_report(conference=conference))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="composition-{conference.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
