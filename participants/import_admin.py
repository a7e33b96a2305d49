"""Admin pages for the participant CSV import: upload, preview, confirm, progress.

Confirming queues an ImportJob that a task worker runs batch by batch
(participants.imports.import_job_run); the page then shows the job's progress
(``?job=<pk>``), reloading itself until the job ends, so a reload or a second tab
loses nothing and no request lasts as long as the import.

The preview's parsed rows (canonical columns, as CSV) wait between preview and
confirmation in a file under MEDIA_ROOT/imports named by a random token, so the
confirmation validates them again without reading the upload a second time. Only
the session that uploaded it knows the token, and the session keeps the file's
SHA-256, so a swapped file is refused. A preview nobody confirms is deleted when
the same session previews another file, or after STASH_LIFETIME at the next visit
of any import page.
"""

import datetime as dt
import hashlib
import math
import secrets

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.csvio.reader import ImportFileError, decode
from conference.csvio.registry import CsvImport, register_import
from conference.models import Conference

from .imports import (
    MAX_BYTES,
    MAX_ROWS,
    ParsedFile,
    import_job_create,
    parse_file,
    participants_import_plan,
)
from .models import Delegation, ImportJob
from .uploads import stored_files_prune

STASH_DIR = "imports"
STASH_LIFETIME = dt.timedelta(hours=6)


class ImportForm(forms.Form):
    delegation = forms.ModelChoiceField(
        queryset=Delegation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole conference (the file has a delegation column)"),
        label=gettext_lazy("Delegation"),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 or Windows-1251, comma or semicolon separated, at most %(mb)d MB "
            "and %(rows)d rows."
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


def _session_key(token: str) -> str:
    return f"participant-import:{token}"


def _drop_earlier_stashes(request) -> None:
    """A new preview abandons the session's earlier ones: their files go at once."""
    prefix = _session_key("")
    # A session has keys() but is not iterable.
    for key in [key for key in request.session.keys() if key.startswith(prefix)]:  # noqa: SIM118
        default_storage.delete(request.session.pop(key)["name"])


def stash_put(request, parsed: ParsedFile, *, conference: Conference, delegation) -> str:
    _drop_earlier_stashes(request)
    token = secrets.token_urlsafe(24)
    raw = parsed.rows_csv().encode()
    name = default_storage.save(f"{STASH_DIR}/{token}.csv", ContentFile(raw))
    request.session[_session_key(token)] = {
        "name": name,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "conference": conference.pk,
        "delegation": delegation.pk if delegation else None,
        "titles": parsed.titles,
        "ignored": parsed.ignored,
        "header_length": parsed.header_length,
    }
    return token


def _stashed_rows(raw: bytes, meta: dict) -> ParsedFile:
    return ParsedFile.from_rows_csv(
        raw.decode(),
        titles=meta["titles"],
        ignored=meta["ignored"],
        header_length=meta["header_length"],
    )


def stash_take(request, token: str, *, conference: Conference) -> tuple[bytes, dict] | None:
    """The stashed upload for this session and conference, or None if gone or tampered with."""
    meta = request.session.get(_session_key(token))
    if not meta or meta["conference"] != conference.pk or not default_storage.exists(meta["name"]):
        return None
    with default_storage.open(meta["name"], "rb") as stored:
        raw = stored.read()
    if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
        return None
    return raw, meta


def stash_drop(request, token: str) -> None:
    meta = request.session.pop(_session_key(token), None)
    if meta:
        default_storage.delete(meta["name"])


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
    stored_files_prune(STASH_DIR, older_than=STASH_LIFETIME)
    if request.method == "GET" and "job" in request.GET:
        return _progress(model_admin, request, conference, request.GET["job"])
    if request.method == "POST" and "token" in request.POST:
        return _confirm(model_admin, request, conference, request.POST["token"])
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, conference=conference)
        if form.is_valid():
            return _preview(model_admin, request, conference, form)
    else:
        form = ImportForm(
            conference=conference, initial={"delegation": request.GET.get("delegation")}
        )
    return _render(model_admin, request, conference, form=form)


def _preview(model_admin, request, conference, form):
    delegation = form.cleaned_data["delegation"]
    try:
        parsed = parse_file(form.cleaned_data["text"], needs_delegation=delegation is None)
    except ImportFileError as error:
        form.add_error("file", str(error))
        return _render(model_admin, request, conference, form=form)
    plan = participants_import_plan(conference=conference, parsed=parsed, delegation=delegation)
    token = (
        None
        if plan.errors
        else stash_put(request, parsed, conference=conference, delegation=delegation)
    )
    return _render(
        model_admin, request, conference, form=form, plan=plan, delegation=delegation, token=token
    )


def _confirm(model_admin, request, conference, token):
    stashed = stash_take(request, token, conference=conference)
    if stashed is None:
        messages.error(
            request, _("That upload has expired or was already imported. Upload it again.")
        )
        return _render(model_admin, request, conference, form=ImportForm(conference=conference))
    raw, meta = stashed
    job = import_job_create(
        conference=conference,
        parsed=_stashed_rows(raw, meta),
        delegation=conference.delegations.filter(pk=meta["delegation"]).first(),
        by=request.user,
    )
    stash_drop(request, token)
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    return HttpResponseRedirect(f"{url}?job={job.pk}")


def _progress(model_admin, request, conference, job_pk: str):
    """The progress of one import job of this conference; it reloads itself while it runs."""
    job = (
        ImportJob.objects.filter(conference=conference, pk=job_pk).select_related("delegation")
        if job_pk.isdigit()
        else ImportJob.objects.none()
    ).first()
    if job is None:
        raise Http404
    url = reverse("admin:participants_participant_changelist")
    query = f"?delegation__id__exact={job.delegation_id}" if job.delegation_id else ""
    return _render(
        model_admin,
        request,
        conference,
        job=job,
        form=None
        if job.pending
        else ImportForm(conference=conference, initial={"delegation": job.delegation_id}),
        participants_url=f"{url}{query or f'?conference__id__exact={conference.pk}'}",
        refresh_seconds=2,
    )


register_import(
    CsvImport(
        identifier="participants",
        label=gettext_lazy("Import participants from CSV"),
        permissions=("participants.add_participant", "participants.change_participant"),
        view=import_participants,
    )
)
