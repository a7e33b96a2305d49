"""Admin pages for the participant CSV import: upload, preview, confirm, progress.

Each upload is one ImportJob, and every stage is its page (``?job=<pk>``): the upload
keeps the file and queues its check, the page shows the check's progress, then the
preview with its errors or the confirmation, then the import's progress, then the
result. A task worker does the checking and the importing
(participants.imports.services.import_job_validate and import_job_run), so no request lasts as
long as a large file, and the page reloads itself while a worker is busy: a reload or a
second tab loses nothing.

A job is shown only to the user who uploaded it, under its own conference. A preview
nobody confirms is emptied when the same user uploads another file, or after
PREVIEW_LIFETIME at the next visit of any import page.
"""

import datetime as dt
import math

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.csvio.reader import ImportFileError, decode
from conference.csvio.registry import CsvImport, register_import
from conference.models import Conference
from participants.enums import ImportJobStatus
from participants.imports.services import (
    MAX_BYTES,
    MAX_ROWS,
    ImportJobGone,
    RowError,
    import_job_confirm,
    import_job_progress,
    import_job_upload,
    import_jobs_expire,
)
from participants.models import Delegation, ImportJob

PREVIEW_LIFETIME = dt.timedelta(hours=6)
# Seconds between the reloads of a job's page while a worker is busy.
REFRESH_SECONDS = 2


class ImportForm(forms.Form):
    delegation = forms.ModelChoiceField(
        queryset=Delegation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole conference (the file has a delegation column)"),
        label=gettext_lazy("Delegation"),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file"),
        help_text=gettext_lazy(
            "CSV in UTF-8 or Windows-1251, comma or semicolon separated, or an Excel workbook "
            "(.xlsx, its first sheet); at most %(mb)d MB and %(rows)d rows."
        )
        % {"mb": MAX_BYTES // (1024 * 1024), "rows": MAX_ROWS},
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = conference.delegations.order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is %(max)d MB. Split it into parts.")
                # Rounded up, so a file just above the limit never reads as the limit itself.
                % {"size": math.ceil(upload.size / 1024 / 102.4) / 10, "max": MAX_BYTES // 2**20}
            )
        raw = upload.read()
        try:
            self.cleaned_data["text"] = decode(raw)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return raw


def _render(model_admin, request, conference, **context):
    return TemplateResponse(
        request,
        "admin/participants/participant_import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": conference,
            "title": _("Import participants into %(conference)s") % {"conference": conference},
            **context,
        },
    )


def import_participants(model_admin, request, conference: Conference):
    """The import page of a conference; the CSV framework checks the permissions first."""
    import_jobs_expire(older_than=PREVIEW_LIFETIME)
    # The page of a job also offers the upload of another file: a POST there is an upload.
    if request.method == "POST" and "job" in request.POST:
        job = _job(request, conference, request.POST["job"])
        return _confirm(model_admin, request, conference, job)
    if request.method == "GET" and "job" in request.GET:
        return _job_page(
            model_admin, request, conference, _job(request, conference, request.GET["job"])
        )
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, conference=conference)
        if form.is_valid():
            job = import_job_upload(
                conference=conference,
                text=form.cleaned_data["text"],
                delegation=form.cleaned_data["delegation"],
                by=request.user,
            )
            return _redirect(conference, job)
    else:
        form = ImportForm(
            conference=conference, initial={"delegation": request.GET.get("delegation")}
        )
    return _render(model_admin, request, conference, form=form)


def _job(request, conference, job_pk: str) -> ImportJob:
    """The user's own job of this conference; 404 for any other, as for an unknown one."""
    jobs = ImportJob.objects.filter(conference=conference, created_by=request.user)
    job = (
        jobs.select_related("delegation").defer("source").filter(pk=job_pk).first()
        if job_pk.isdigit()
        else None
    )
    if job is None:
        raise Http404
    return job


def _redirect(conference, job):
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    return HttpResponseRedirect(f"{url}?job={job.pk}")


def _confirm(model_admin, request, conference, job):
    try:
        import_job_confirm(job=job, by=request.user)
    except ImportJobGone:
        messages.error(
            request, _("That upload has expired or was already imported. Upload it again.")
        )
        return _render(model_admin, request, conference, form=ImportForm(conference=conference))
    return _redirect(conference, job)


def _job_page(model_admin, request, conference, job):
    """One job at its stage; the page reloads itself while a worker is busy with it."""
    url = reverse("admin:participants_participant_changelist")
    query = f"?delegation__id__exact={job.delegation_id}" if job.delegation_id else ""
    errors = [RowError(**error) for error in job.errors]
    return _render(
        model_admin,
        request,
        conference,
        job=import_job_progress(job),
        # Row 0 is the file as a whole: its message stands above the table of rows.
        file_errors=[error.message for error in errors if not error.row],
        errors=[error for error in errors if error.row],
        form=None
        if job.working
        else ImportForm(conference=conference, initial={"delegation": job.delegation_id}),
        participants_url=f"{url}{query or f'?conference__id__exact={conference.pk}'}",
        refresh_seconds=REFRESH_SECONDS,
        statuses=ImportJobStatus,
    )


register_import(
    CsvImport(
        identifier="participants",
        label=gettext_lazy("Import participants from CSV"),
        permissions=("participants.add_participant", "participants.change_participant"),
        view=import_participants,
    )
)
