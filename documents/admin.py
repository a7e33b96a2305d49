from collections import namedtuple

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextField
from django.forms import Textarea
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    ReadOnlyInline,
    ServiceAdmin,
    WordBoundarySlugMixin,
    in_conference_time,
    local_time_column,
)
from conference.csvio.admin import export_selected_action

from . import charts, compilation, forms, printing, selectors, services
from .diff import comparison_context
from .enums import DocumentStatus
from .models import (
    Amendment,
    Bracket,
    DocumentEvent,
    DocumentVersion,
    OutcomeDocument,
    Paragraph,
    PositionStatement,
    Recommendation,
    SilenceBreak,
)

# Outcome documents ----------------------------------------------------------------------------
# Every change of state, version or amendment goes through conference.services; the admin
# pages below only collect the input and report the service's answer.

Step = namedtuple("Step", "name label states form run")
S = DocumentStatus


def _propose(document, data, user):
    return services.amendment_propose(
        document=document,
        action=data["action"],
        target_paragraph=data["target_paragraph"],
        kind=data["kind"],
        proposed_text=data["proposed_text"],
        proposed_text_ru=data["proposed_text_ru"],
        delegations=data["delegations"],
    )


def _adopt(document, data, user):
    return services.document_adopt(
        document=document,
        by=user,
        method=data["method"],
        adopted_on=data["adopted_on"],
        version=data["version"],
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        abstentions=data["abstentions"],
    )


STEPS = {
    step.name: step
    for step in [
        Step("zero_draft", _("Write the zero draft"), {S.CONCEPT}, forms.ConfirmForm,
             lambda d, data, u: services.version_create_zero_draft(document=d, by=u)),
        Step("circulate", _("Circulate the zero draft"), {S.CONCEPT}, forms.ConfirmForm,
             lambda d, data, u: services.document_circulate_zero_draft(document=d, by=u)),
        Step("negotiate", _("Open negotiation"), {S.ZERO_DRAFT}, forms.NoteForm,
             lambda d, data, u: services.document_open_negotiation(document=d, by=u, **data)),
        Step("revision", _("Open a new revision"), {S.UNDER_NEGOTIATION}, forms.ConfirmForm,
             lambda d, data, u: services.version_create_revision(document=d, by=u)),
        Step("amend", _("Record an amendment"), services.AMENDABLE, forms.AmendmentForm, _propose),
        Step("silence", _("Start the silence procedure"), {S.UNDER_NEGOTIATION}, forms.SilenceForm,
             lambda d, data, u, link: services.document_start_silence(
                 document=d, by=u, link=link, **data)),
        Step("extend_silence", _("Extend the silence deadline"), {S.SILENCE_PROCEDURE},
             forms.SilenceExtendForm,
             lambda d, data, u, link: services.silence_extend(
                 document=d, by=u, link=link, **data)),
        Step("break_silence", _("Record a silence break"), {S.SILENCE_PROCEDURE},
             forms.SilenceBreakForm,
             lambda d, data, u: services.silence_break(document=d, by=u, **data)),
        Step("publish_draft", _("Publish a draft"), selectors.PUBLIC_DRAFT_STATUSES,
             forms.PublicDraftForm,
             lambda d, data, u: services.document_publish_draft(document=d, by=u, **data)),
        Step("withdraw_draft", _("Take the draft off the public site"),
             selectors.PUBLIC_DRAFT_STATUSES, forms.ConfirmForm,
             lambda d, data, u: services.document_withdraw_draft(document=d, by=u)),
        Step("adopt", _("Adopt"), services.SOURCES[S.ADOPTED], forms.AdoptForm, _adopt),
        Step("statement", _("Add a position statement"), {S.ADOPTED, S.PUBLISHED},
             forms.PositionStatementForm,
             lambda d, data, u: services.position_statement_add(document=d, **data)),
        Step("publish", _("Publish"), {S.ADOPTED}, forms.PublishForm,
             lambda d, data, u: services.document_publish(document=d, by=u, **data)),
        Step("fail", _("Close as failed"), services.SOURCES[S.FAILED], forms.NoteForm,
             lambda d, data, u: services.document_fail(document=d, by=u, **data)),
    ]
}  # fmt: skip


# Steps that mail each focal point their delegation's link to the portal.
LINKED_STEPS = {"silence", "extend_silence"}


def _link(request):
    return lambda token: request.build_absolute_uri(reverse("silence_portal:break", args=[token]))


def _admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


class ServiceFormMixin:
    """Renders a small form on an admin page and hands its data to a service."""

    form_template = "admin/documents/form_page.html"

    def render_form(self, request, *, form, title: str, obj=None, hidden=(), submit=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": title,
            "form": form,
            "hidden": hidden,
            "submit": submit or title,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.form_template, context)

    def get_object_or_404(self, request, pk: int, *, permission: str = "change"):
        """The object a custom view acts on: 404 if there is none, 403 if it is not allowed."""
        obj = self.get_object(request, str(pk))
        if obj is None:
            raise Http404
        if not getattr(self, f"has_{permission}_permission")(request, obj):
            raise PermissionDenied
        return obj

    def action_page(self, request, form, selected, action: str, title: str):
        """The intermediate page of an admin action: the form plus the selection."""
        hidden = [("action", action), ("apply", "1")] + [
            (helpers.ACTION_CHECKBOX_NAME, obj.pk) for obj in selected
        ]
        return self.render_form(request, form=form, title=title, hidden=hidden)


@admin.display(description=_("proposed by"))
def sponsors(amendment: Amendment) -> str:
    return ", ".join(str(d) for d in amendment.proposed_by.all())


class DocumentVersionInline(ReadOnlyInline):
    model = DocumentVersion
    fields = ["label", "sequence", "based_on", "author", "created_at", "issued_at"]
    ordering = ["sequence"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("based_on__document", "author")


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fk_name = "document"
    fields = ["version", "action", "target_paragraph", sponsors, "status", "merged_into"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "version__document", "target_paragraph", "merged_into__target_paragraph"
            )
            .prefetch_related("proposed_by")
        )


class PositionStatementInline(ReadOnlyInline):
    model = PositionStatement
    fields = ["kind", "text", "made_on"]
    show_change_link = True


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(
    ServiceFormMixin, WordBoundarySlugMixin, ConferenceFieldTimeMixin, TranslationAdmin
):
    list_display = [
        "title",
        "conference",
        "kind",
        "symbol",
        "status",
        "adoption_method",
        "adopted_on",
        "translation",
    ]
    list_filter = ["status", "kind", "adoption_method", "conference"]
    list_select_related = ["conference"]
    search_fields = ["title", "symbol"]
    autocomplete_fields = ["conference"]
    prepopulated_fields = {"slug": ["title"]}
    # Status and adoption are the services' to write; they show here, read-only.
    readonly_fields = [
        "status",
        "adoption_method",
        "adopted_on",
        "votes_for",
        "votes_against",
        "abstentions",
        "silence_deadline",
        "final_version",
        "public_draft",
    ]
    inlines = [DocumentVersionInline, AmendmentInline, PositionStatementInline]
    change_form_template = "admin/documents/outcomedocument/change_form.html"

    def save_model(self, request, obj, form, change):
        services.document_save(document=obj, previous_conference_id=form.initial.get("conference"))

    def get_queryset(self, request):
        return selectors.with_translation_flag(super().get_queryset(request))

    @admin.display(description=_("translation"), boolean=False)
    def translation(self, document) -> str:
        """Whether the latest version has a paragraph without its English or Russian text."""
        if getattr(document, "translation_incomplete", False):
            return format_html(
                '<span class="translation-incomplete">{}</span>', _("Translation incomplete")
            )
        return "—"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/step/<str:step>/", wrap(self.step_view), name="documents_document_step"),
            path("<int:pk>/compare/", wrap(self.compare_view), name="documents_document_compare"),
            path(
                "<int:pk>/progress.svg",
                wrap(self.progress_view),
                name="documents_document_progress",
            ),
            path(
                "<int:pk>/compilation.<str:format>",
                wrap(self.compilation_view),
                name="documents_document_compilation",
            ),
            *super().get_urls(),
        ]

    def has_delete_permission(self, request, obj=None):
        # Deleting the document would take its issued versions with it.
        if obj is not None and obj.versions.filter(issued_at__isnull=False).exists():
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        if document is not None:
            # Only those who may change the document are offered its steps.
            may_change = self.has_change_permission(request, document)
            extra_context = {
                **(extra_context or {}),
                "steps": [s for s in STEPS.values() if may_change and document.status in s.states],
                "can_compare": document.versions.count() > 1,
                "silence": selectors.running_silence(document=document),
                "silence_breaks": selectors.silence_register(document=document),
                "now": timezone.now(),
                "progress": selectors.progress(document=document),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk: int, step: str):
        document = self.get_object_or_404(request, pk)
        # The silence deadline is typed and read in the conference's time zone.
        return in_conference_time(document.conference, self._step, request, document, step)

    def _step(self, request, document, step: str):
        if step not in STEPS:
            raise Http404
        step = STEPS[step]
        data = request.POST if request.method == "POST" else None
        form = step.form(data, document=document)
        if form.is_bound and form.is_valid():
            try:
                if step.name in LINKED_STEPS:
                    result = step.run(document, form.cleaned_data, request.user, _link(request))
                else:
                    result = step.run(document, form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Done: %(step)s.") % {"step": step.label})
                target = result if isinstance(result, DocumentVersion) else document
                return HttpResponseRedirect(_admin_url(target))
        title = f"{step.label}: {document}"
        return self.render_form(request, form=form, title=title, obj=document, submit=step.label)

    def progress_view(self, request, pk: int):
        document = self.get_object_or_404(request, pk, permission="view")
        rows = selectors.progress(document=document)
        response = HttpResponse(
            charts.progress_svg(rows, tz=document.conference.tz), content_type="image/svg+xml"
        )
        # The SVG styles its own lines; it is an image, no script runs in it.
        response._csp_exempt = True
        return response

    def compilation_view(self, request, pk: int, format: str):
        document = self.get_object_or_404(request, pk, permission="view")
        if format == "csv":
            response = HttpResponse(
                compilation.compilation_csv(document=document), content_type="text/csv"
            )
        elif format == "pdf":
            language = request.GET.get("language", "en")
            if language not in dict(settings.LANGUAGES):
                language = "en"
            response = HttpResponse(
                compilation.compilation_pdf(document=document, language=language),
                content_type="application/pdf",
            )
        else:
            raise Http404
        filename = f"{document.slug}-compilation.{format}"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    def compare_view(self, request, pk: int):
        document = self.get_object_or_404(request, pk, permission="view")
        versions = list(document.versions.order_by("sequence"))
        old, new = selectors.versions_to_compare(
            versions=versions, old=request.GET.get("old"), new=request.GET.get("new")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": document,
            "title": _("Compare versions of %(document)s") % {"document": document},
            "versions": versions,
            **comparison_context(old, new),
        }
        return TemplateResponse(request, "admin/documents/outcomedocument/compare.html", context)


PARAGRAPHS_PER_PAGE = 100


def paragraph_page(request) -> int:
    """The page of paragraphs the version's form shows (``?paragraphs=2``); 1 if unusable."""
    value = request.GET.get("paragraphs", "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 10_000 else 1


class ParagraphInline(TranslationTabularInline):
    """Paragraphs of a working revision; the inline turns read-only once it is issued.

    It shows one page of paragraphs, so that a long text's form stays under Django's limit
    of posted fields (DATA_UPLOAD_MAX_NUMBER_FIELDS); added paragraphs go to the end.
    """

    model = Paragraph
    fk_name = "version"
    extra = 0
    fields = ["number", "kind", "text", "is_bracketed"]
    readonly_fields = ["number"]
    ordering = ["position"]
    formfield_overrides = {
        TextField: {"widget": Textarea(attrs={"rows": 3, "style": "width: 42em"})}
    }

    def get_queryset(self, request):
        last = paragraph_page(request) * PARAGRAPHS_PER_PAGE
        return (
            super()
            .get_queryset(request)
            .filter(position__gt=last - PARAGRAPHS_PER_PAGE, position__lte=last)
        )

    def _editable(self, request, obj) -> bool:
        return obj is not None and DocumentVersionAdmin.is_editable(obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ServiceFormMixin, ConferenceFieldTimeMixin, admin.ModelAdmin):
    conference_path = "document__conference"
    list_display = [
        "label",
        "document",
        "sequence",
        local_time_column(DocumentVersion, "issued_at", conference_path=conference_path),
        "author",
    ]
    list_filter = ["document__conference"]
    list_select_related = ["document__conference", "author"]
    search_fields = ["label", "document__title"]
    fields = ["document", "sequence", "label", "based_on", "author", "created_at", "issued_at"]
    readonly_fields = fields
    inlines = [ParagraphInline]
    change_form_template = "admin/documents/documentversion/change_form.html"

    @staticmethod
    def is_editable(version: DocumentVersion) -> bool:
        return not version.is_issued and version.document.status in services.DRAFTING

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/issue/", wrap(self.issue_view), name="documents_version_issue"),
            path("<int:pk>/paste/", wrap(self.paste_view), name="documents_version_paste"),
            path(
                "<int:pk>/pdf/<str:language>/",
                wrap(self.pdf_view),
                name="documents_version_pdf",
            ),
            path(
                "paragraph/<int:paragraph>/bracket/",
                wrap(self.bracket_add_view),
                name="documents_paragraph_bracket",
            ),
            path(
                "paragraph/<int:paragraph>/payload.json",
                wrap(self.payload_view),
                name="documents_paragraph_payload",
            ),
            path(
                "paragraph/<int:paragraph>/status/",
                wrap(self.status_view),
                name="documents_paragraph_status",
            ),
            path(
                "bracket/<int:bracket>/",
                wrap(self.bracket_change_view),
                name="documents_bracket_change",
            ),
            path(
                "bracket/<int:bracket>/lift/",
                wrap(self.bracket_lift_view),
                name="documents_bracket_lift",
            ),
            *super().get_urls(),
        ]

    def _paragraph(self, request, pk: int, permission: str = "change") -> Paragraph:
        paragraph = Paragraph.objects.filter(pk=pk).select_related("version__document").first()
        if paragraph is None:
            raise Http404
        self.get_object_or_404(request, paragraph.version_id, permission=permission)
        return paragraph

    def _bracket(self, request, pk: int) -> Bracket:
        bracket = (
            Bracket.objects.filter(pk=pk).select_related("paragraph__version__document").first()
        )
        if bracket is None:
            raise Http404
        self.get_object_or_404(request, bracket.paragraph.version_id)
        return bracket

    def _service_page(self, request, *, form, run, title, obj, redirect_to):
        if form.is_bound and form.is_valid():
            try:
                run(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Done: %(step)s.") % {"step": title})
                return HttpResponseRedirect(redirect_to)
        return self.render_form(request, form=form, title=title, obj=obj)

    def bracket_add_view(self, request, paragraph: int):
        paragraph = self._paragraph(request, paragraph)
        form = forms.BracketForm(request.POST or None, paragraph=paragraph)
        return self._service_page(
            request,
            form=form,
            run=lambda f: services.bracket_add(
                paragraph=paragraph, by=request.user, **f.service_arguments()
            ),
            title=_("Bracket words of %(paragraph)s")
            % {"paragraph": services.paragraph_label(paragraph)},
            obj=paragraph.version,
            redirect_to=_admin_url(paragraph.version),
        )

    def bracket_change_view(self, request, bracket: int):
        bracket = self._bracket(request, bracket)
        form = forms.BracketChangeForm(request.POST or None, bracket=bracket)
        return self._service_page(
            request,
            form=form,
            run=lambda f: services.bracket_update(
                bracket=bracket,
                holders=list(f.cleaned_data["holders"]),
                options=f.cleaned_data["option_rows"],
                by=request.user,
            ),
            title=_("Bracket “%(words)s”") % {"words": bracket.words()},
            obj=bracket.paragraph.version,
            redirect_to=_admin_url(bracket.paragraph.version),
        )

    def bracket_lift_view(self, request, bracket: int):
        bracket = self._bracket(request, bracket)
        form = forms.ParagraphStatusForm(
            request.POST or None, paragraph=bracket.paragraph, lifting=True
        )
        return self._service_page(
            request,
            form=form,
            run=lambda f: services.bracket_remove(
                bracket=bracket,
                by=request.user,
                status=f.cleaned_data["status"],
                confirm_by=list(f.cleaned_data["confirm_by"]),
            ),
            title=_("Lift the bracket “%(words)s”") % {"words": bracket.words()},
            obj=bracket.paragraph.version,
            redirect_to=_admin_url(bracket.paragraph.version),
        )

    def status_view(self, request, paragraph: int):
        paragraph = self._paragraph(request, paragraph)
        form = forms.ParagraphStatusForm(request.POST or None, paragraph=paragraph)
        return self._service_page(
            request,
            form=form,
            run=lambda f: services.paragraph_set_status(
                paragraph=paragraph,
                by=request.user,
                status=f.cleaned_data["status"],
                confirm_by=list(f.cleaned_data["confirm_by"]),
            ),
            title=_("Status of %(paragraph)s") % {"paragraph": services.paragraph_label(paragraph)},
            obj=paragraph.version,
            redirect_to=_admin_url(paragraph.version),
        )

    def payload_view(self, request, paragraph: int):
        paragraph = self._paragraph(request, paragraph, permission="view")
        return JsonResponse(selectors.paragraph_payload(paragraph=paragraph))

    def pdf_view(self, request, pk: int, language: str):
        version = self.get_object_or_404(request, pk, permission="view")
        if language not in dict(settings.LANGUAGES):
            raise Http404
        response = HttpResponse(
            printing.version_pdf(version=version, language=language),
            content_type="application/pdf",
        )
        filename = f"{version.document.slug}-{version.sequence}-{language}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")

    def has_add_permission(self, request):
        # Versions come from the document's steps: the zero draft, then each revision.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.is_editable(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Every field of the version is read-only; only its paragraphs change."""

    def save_formset(self, request, form, formset, change):
        saved = formset.save(commit=False)
        services.paragraphs_save(
            version=form.instance,
            edited=[paragraph for paragraph in saved if paragraph.pk],
            added=[
                {
                    "kind": p.kind,
                    "text": p.text_en or "",
                    "text_ru": p.text_ru or "",
                    "is_bracketed": p.is_bracketed,
                }
                for p in saved
                if not p.pk
            ],
            deleted=formset.deleted_objects,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        count = Paragraph.objects.filter(version_id=object_id).count() if object_id.isdigit() else 0
        pages = range(1, -(-count // PARAGRAPHS_PER_PAGE) + 1)
        page = paragraph_page(request)
        version = self.get_object(request, object_id)
        context = {
            "paragraph_pages": pages if len(pages) > 1 else (),
            "paragraph_page": page,
            **(extra_context or {}),
        }
        if version is not None:
            last = page * PARAGRAPHS_PER_PAGE
            context.update(
                negotiated=selectors.version_paragraphs(
                    version=version, positions=(last - PARAGRAPHS_PER_PAGE, last)
                ),
                translation_gaps=services.translation_gaps(version),
                can_negotiate=self.has_change_permission(request, version),
            )
        return super().change_view(request, object_id, form_url, context)

    def paste_view(self, request, pk: int):
        version = self.get_object_or_404(request, pk)
        data = request.POST if request.method == "POST" else None
        form = forms.PasteTextForm(data, document=version.document)
        if form.is_bound and form.is_valid():
            try:
                count = services.version_replace_text(
                    version=version, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(version)s now has %(count)d paragraphs.")
                    % {"version": version.label, "count": count},
                )
                return HttpResponseRedirect(_admin_url(version))
        title = _("Paste the whole text of %(version)s") % {"version": version}
        return self.render_form(request, form=form, title=title, obj=version)

    def issue_view(self, request, pk: int):
        version = self.get_object_or_404(request, pk)
        data = request.POST if request.method == "POST" else None
        gaps = services.translation_gaps(version)
        form = forms.IssueForm(data, document=version.document, gaps=gaps)
        if form.is_bound and form.is_valid():
            try:
                services.version_issue(
                    version=version,
                    by=request.user,
                    require_translation=not form.cleaned_data.get("confirm_incomplete_translation"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("%(version)s issued.") % {"version": version.label})
                return HttpResponseRedirect(_admin_url(version))
        title = _("Issue %(version)s") % {"version": version}
        if gaps:
            title = _("Issue %(version)s — translation incomplete in %(paragraphs)s") % {
                "version": version,
                "paragraphs": ", ".join(services.paragraph_label(p) for p in gaps),
            }
        return self.render_form(request, form=form, title=title, obj=version)


@admin.register(Paragraph)
class ParagraphAdmin(AuditLogAdmin):
    """A view of all paragraphs; they are written in their version's page only."""

    list_display = ["__str__", "version", "position", "kind", "is_bracketed"]
    list_filter = ["kind", "is_bracketed"]
    list_select_related = ["version__document"]
    search_fields = ["text", "version__document__title"]


@admin.register(Amendment)
class AmendmentAdmin(ServiceFormMixin, ConferenceFieldTimeMixin, AuditLogAdmin):
    """Amendments are recorded from their document's page and decided by the actions."""

    conference_path = "document__conference"
    list_display = [
        "__str__",
        "document",
        "version",
        sponsors,
        "status",
        local_time_column(Amendment, "submitted_at", conference_path=conference_path),
    ]
    list_filter = ["status", "action", "document"]
    list_select_related = ["document__conference", "version__document", "target_paragraph"]
    search_fields = ["proposed_text", "document__title"]
    actions = ["accept", "reject", "withdraw", "merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("proposed_by")

    def has_decide_permission(self, request) -> bool:
        # The rows themselves stay read-only (AuditLogAdmin); deciding them is a change.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def decide_each(self, request, amendments, service, verb: str, **kwargs) -> None:
        done = 0
        for amendment in amendments:
            try:
                service(amendment=amendment, by=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(
                    request, f"{amendment}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(
                request, _("%(count)d amendment(s) %(verb)s.") % {"count": done, "verb": verb}
            )

    @admin.action(description=_("Accept into the working revision"), permissions=["decide"])
    def accept(self, request, queryset):
        self.decide_each(request, queryset, services.amendment_accept, _("accepted"))

    @admin.action(description=_("Reject"), permissions=["decide"])
    def reject(self, request, queryset):
        self.decide_each(request, queryset, services.amendment_reject, _("rejected"))

    @admin.action(description=_("Withdraw"), permissions=["decide"])
    def withdraw(self, request, queryset):
        self.decide_each(request, queryset, services.amendment_withdraw, _("withdrawn"))

    @admin.action(description=_("Merge into another amendment…"), permissions=["decide"])
    def merge(self, request, queryset):
        selected = list(queryset)
        if len({a.document_id for a in selected}) != 1:
            self.message_user(
                request, _("Merge amendments of one document at a time."), messages.ERROR
            )
            return None
        form = forms.MergeForm(
            request.POST if "apply" in request.POST else None,
            document_id=selected[0].document_id,
            exclude=[a.pk for a in selected],
        )
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            self.decide_each(request, selected, services.amendment_merge, _("merged"), into=into)
            return None
        return self.action_page(request, form, selected, "merge", _("Merge amendments"))


@admin.register(DocumentEvent)
class DocumentEventAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    conference_path = "document__conference"
    list_display = [
        "document",
        "from_status",
        "to_status",
        "by",
        local_time_column(DocumentEvent, "at", conference_path=conference_path),
    ]
    list_filter = ["to_status"]
    list_select_related = ["document__conference", "by"]
    search_fields = ["document__title", "note"]


@admin.register(SilenceBreak)
class SilenceBreakAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    conference_path = "document__conference"
    list_display = [
        "document",
        "delegation",
        local_time_column(SilenceBreak, "broken_at", conference_path=conference_path),
    ]
    list_select_related = ["document__conference", "delegation"]
    search_fields = ["document__title", "delegation__name", "text"]


@admin.register(PositionStatement)
class PositionStatementAdmin(AuditLogAdmin):
    list_display = ["__str__", "document", "kind", "made_on"]
    list_filter = ["kind"]
    list_select_related = ["document"]
    search_fields = ["text", "document__title", "delegations__name"]


@admin.register(Recommendation)
class RecommendationAdmin(ServiceFormMixin, TranslationAdmin, ServiceAdmin):
    list_display = [
        "code",
        "theme",
        "addressee",
        "source_conference",
        "status",
        "consolidated_into",
    ]
    list_filter = ["theme", "status", "source_conference", "presented_at"]
    list_select_related = ["source_conference", "consolidated_into"]
    search_fields = ["code", "text", "theme", "addressee"]
    autocomplete_fields = ["source_conference", "presented_at", "consolidated_into"]
    actions = ["consolidate", "mark_presented", export_selected_action("recommendations")]

    def save_object(self, request, obj, form):
        services.recommendation_save(
            recommendation=obj, presented_at=form.cleaned_data["presented_at"]
        )

    def save_related(self, request, form, formsets, change):
        """Nothing is left to save: the service wrote ``presented_at`` with the recommendation."""

    def delete_object(self, request, obj):
        services.recommendation_delete(recommendation=obj)

    @admin.action(
        description=_("Consolidate the selected into a new recommendation…"), permissions=["change"]
    )
    def consolidate(self, request, queryset):
        selected = list(queryset.select_related("source_conference"))
        themes = {r.theme for r in selected}
        initial = {
            "theme": themes.pop() if len(themes) == 1 else "",
            "text": "\n\n".join(r.text for r in selected),
            "source_conference": max(
                (r.source_conference for r in selected), key=lambda c: c.start_date
            ),
        }
        form = forms.ConsolidateForm(
            request.POST if "apply" in request.POST else None, initial=initial
        )
        if form.is_bound and form.is_valid():
            try:
                result = services.recommendation_consolidate(
                    recommendations=selected, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(count)d recommendations consolidated into %(code)s.")
                    % {"count": len(selected), "code": result.code},
                )
                return None
        title = _("Consolidate recommendations")
        return self.action_page(request, form, selected, "consolidate", title)

    @admin.action(description=_("Mark as presented at a conference…"), permissions=["change"])
    def mark_presented(self, request, queryset):
        selected = list(queryset)
        form = forms.PresentedAtForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            conference = form.cleaned_data["conference"]
            count = services.recommendation_mark_presented(
                recommendations=selected, conference=conference
            )
            self.message_user(
                request,
                _("%(count)d recommendations marked as presented at %(conference)s.")
                % {"count": count, "conference": conference},
            )
            return None
        title = _("Mark recommendations as presented")
        return self.action_page(request, form, selected, "mark_presented", title)
