import uuid
from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries
from modeltranslation.admin import TranslationAdmin

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    LateRowChangeListMixin,
    ReadOnlyInline,
    SameConferenceChoicesMixin,
    ServiceAdmin,
    local_time_column,
)
from conference.admin_setup import BulkAddForm, BulkAddMixin
from conference.csvio.admin import export_selected_action
from conference.models import Conference
from conference.selectors import conference_current, conferences_newest_first
from conference.setup import SetupStep, register_step
from participants.accreditation import mails, notifications, rules, selectors, services
from participants.accreditation.forms import CircularForm, ReasonForm
from participants.badging import selectors as badging_selectors
from participants.badging.admin import BADGE_ACTIONS, BadgeAdminMixin
from participants.counts import ParticipantCountPaginator
from participants.enums import (
    PENDING_STATUSES,
    STATE_CATEGORIES,
    AccreditationState,
    CircularAudience,
    DelegationCategory,
)
from participants.identity import admin as identity_admin  # noqa: F401  (registers its pages)
from participants.identity.photos import photo_reencode
from participants.letters.admin import (
    LETTER_ACTIONS,
    DelegationLettersMixin,
    ParticipantLettersMixin,
)
from participants.letters.nameplate_admin import NameplateAdminMixin
from participants.models import (
    AccreditationEvent,
    Delegation,
    IdentityDocument,
    Participant,
)
from participants.transliteration import query_spellings
from participants.uploads import file_response


class StoredFileLink:
    """What the admin's file widget shows of a stored file: its name and a checked URL."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class ProtectedFileWidget(AdminFileWidget):
    """Links the stored file to the view that checks permissions, not to its storage URL.

    The form sets ``url`` once it knows the instance.
    """

    url = ""

    def format_value(self, value):
        return StoredFileLink(value.name, self.url) if self.is_initial(value) else None


CIRCULAR_PERMISSION = "participants.send_circular"
CIRCULAR_RECIPIENTS_SHOWN = 20


def _protect_file_link(form: forms.ModelForm, field: str, url_name: str, pk) -> None:
    if field in form.fields and pk is not None:
        widget = ProtectedFileWidget(attrs=form.fields[field].widget.attrs)
        widget.url = reverse(url_name, args=[pk])
        form.fields[field].widget = widget


def _serve(request, *, field_file, participant, label: str, download_name: str):
    services.identity_access_record(user=request.user, participant=participant, what=label)
    return file_response(field_file, download_name=download_name)


# A delegation's page lists this many members; the participant list pages through the rest.
MEMBERS_SHOWN = 50


class StateColumnMixin:
    """The displayed state as a column; the queryset carries it (``with_state``)."""

    @admin.display(description=gettext_lazy("status"), ordering="annotated_state")
    def state_column(self, participant: Participant) -> str:
        return participant.get_state_display()


class MemberInline(StateColumnMixin, ReadOnlyInline):
    """Members are added and moved through the participant admin and its services.

    The first MEMBERS_SHOWN only: a delegation of 1,000 made a page of 1.5 MB.
    """

    model = Participant
    fields = ["member_name", "functional_title", "role", "state_column", "badge_number"]

    @admin.display(description=gettext_lazy("Participant"))
    def member_name(self, participant: Participant) -> str:
        return participant.display_name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("conference", "delegation").with_state()


# Operations on the nomination link: (service, success message).
LINK_OPERATIONS = {
    "send": (services.delegation_send_nomination_link, gettext_lazy("Nomination link sent")),
    "rotate": (services.delegation_rotate_nomination_link, gettext_lazy("New link issued")),
    "revoke": (services.delegation_revoke_nomination_link, gettext_lazy("Link revoked")),
}


class DelegationAdminForm(forms.ModelForm):
    # No Meta: the admin supplies the model and the fields.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _protect_file_link(
            self, "nomination_file", "admin:participants_delegation_note_verbale", self.instance.pk
        )


class DelegationBulkAddForm(BulkAddForm):
    state_category = forms.ChoiceField(
        label=gettext_lazy("Category of the States"),
        choices=[
            (value, label)
            for value, label in DelegationCategory.choices
            if value in STATE_CATEGORIES and value != DelegationCategory.HOST
        ],
        initial=DelegationCategory.PARTICIPATING_STATE,
        help_text=gettext_lazy("The host country's delegation is the host's."),
    )


for step in (
    SetupStep(
        key="delegations",
        label=gettext_lazy("Delegations"),
        order=40,
        model=Delegation,
        bulk_add=True,
    ),
    SetupStep(
        key="focal_points",
        label=gettext_lazy("Focal points (delegations with a focal point e-mail)"),
        order=50,
        model=Delegation,
        rows=~Q(focal_point_email=""),
        of="delegations",
        addable=False,
    ),
    SetupStep(
        key="nomination_links",
        label=gettext_lazy("Nomination links sent"),
        order=70,
        model=Delegation,
        rows=Q(nomination_link_expires_at__isnull=False),
        of="delegations",
        addable=False,
    ),
):
    register_step(step)


@admin.register(Delegation)
class DelegationAdmin(
    BulkAddMixin,
    NameplateAdminMixin,
    DelegationLettersMixin,
    ConferenceFieldTimeMixin,
    ServiceAdmin,
):
    form = DelegationAdminForm
    bulk_add_form = DelegationBulkAddForm
    bulk_add_help = gettext_lazy(
        "One delegation a line: a country by its name (English or Russian) or ISO code "
        "(KZ, KAZ), or an organization by its name or acronym as Organizations has it."
    )
    list_display = [
        "name",
        "conference",
        "category",
        "level",
        "credentials_status",
        "status",
        "hospitality_quota",
        "link_revoked",
    ]
    list_filter = ["conference", "category", "level", "credentials_status", "status"]
    list_select_related = ["conference", "organization"]
    search_fields = [
        "name",
        "country",
        "organization__name",
        "organization__acronym",
        "focal_point_name",
        "focal_point_email",
    ]
    autocomplete_fields = ["conference", "organization"]
    # The link's state changes only through the link buttons; "Revoked" is said only when so.
    exclude = ["nomination_link_revoked"]
    readonly_fields = ["nomination_link_expires_at", "link_revoked", "members_summary"]
    inlines = [MemberInline]
    change_form_template = "admin/participants/delegation/change_form.html"
    local_time_fields = ("nomination_link_expires_at",)
    actions = [
        "send_links",
        "rotate_links",
        "revoke_links",
        "print_nameplates",
        export_selected_action("delegations"),
    ]
    change_list_template = "admin/participants/delegation/change_list.html"

    def save_object(self, request, obj, form):
        services.delegation_save(delegation=obj)

    def bulk_add(self, *, conference, data):
        return services.delegations_add(
            conference=conference,
            lines=data["names"],
            state_category=data["state_category"],
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MemberInline) and obj.pk:
            first = Participant.objects.filter(delegation=obj).order_by(
                "family_name", "given_names", "pk"
            )
            kwargs["queryset"] = kwargs["queryset"].filter(
                pk__in=Subquery(first.values("pk")[:MEMBERS_SHOWN])
            )
        return kwargs

    @admin.display(description=gettext_lazy("Members"))
    def members_summary(self, delegation: Delegation) -> str:
        if not delegation.pk:
            return ""
        count = delegation.members.count()
        url = reverse("admin:participants_participant_changelist")
        return format_html(
            '{} <a href="{}?delegation__id__exact={}">{}</a>',
            ngettext(
                "%(count)d member; the first %(shown)d are listed below.",
                "%(count)d members; the first %(shown)d are listed below.",
                count,
            )
            % {"count": count, "shown": min(count, MEMBERS_SHOWN)},
            url,
            delegation.pk,
            _("All members in the participant list"),
        )

    def delete_object(self, request, obj):
        services.delegation_delete(delegation=obj)

    # The note verbale is identity data (note_verbale_view): without the permission the form
    # says whether one is on file, with no link that would only answer 403; a read-only page
    # links it to that view, never to the storage URL.
    def _note_verbale_display(self, request, obj) -> str | None:
        if not selectors.can_view_identity(request.user):
            return "note_verbale_on_file"
        if not self.has_change_permission(request, obj):
            return "note_verbale_link"
        return None  # the upload field, its link protected (DelegationAdminForm)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._note_verbale_display(request, obj):
            exclude.append("nomination_file")
        return exclude

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        display = self._note_verbale_display(request, obj)
        return [*fields, display] if display else fields

    @admin.display(description=gettext_lazy("note verbale"))
    def note_verbale_on_file(self, delegation: Delegation) -> str:
        if not delegation.nomination_file:
            return _("None uploaded.")
        return _("On file; only staff with access to identity data can open it.")

    @admin.display(description=gettext_lazy("note verbale"))
    def note_verbale_link(self, delegation: Delegation) -> str:
        if not delegation.nomination_file:
            return _("None uploaded.")
        url = reverse("admin:participants_delegation_note_verbale", args=[delegation.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the note verbale"))

    @admin.display(description=gettext_lazy("Nomination link"), ordering="nomination_link_revoked")
    def link_revoked(self, delegation: Delegation) -> str:
        # Said only when it is so: a boolean column would mark every open link with a red ✗.
        return _("Revoked") if delegation.nomination_link_revoked else ""

    def get_urls(self):
        return [
            path(
                "<int:pk>/nomination-link/<str:operation>/",
                self.admin_site.admin_view(self.nomination_link_view),
                name="participants_delegation_nomination_link",
            ),
            path(
                "<int:pk>/note-verbale/",
                self.admin_site.admin_view(self.note_verbale_view),
                name="participants_delegation_note_verbale",
            ),
            path(
                "circular/",
                self.admin_site.admin_view(self.circular_view),
                name="participants_delegation_circular",
            ),
            *super().get_urls(),
        ]

    def circular_view(self, request):
        """Compose a circular, preview it in each language, then send it (to the outbox)."""
        if not request.user.has_perm(CIRCULAR_PERMISSION):
            raise PermissionDenied
        form = CircularForm(
            request.POST if request.method == "POST" else None,
            initial={
                "send_id": uuid.uuid4().hex,
                "conference": conference_current(),
                "audience": CircularAudience.FOCAL_POINTS,
            },
            placeholders_help=_(
                "Placeholders: %(names)s. The greeting and the signature are added around "
                "this text; see the preview."
            )
            % {"names": ", ".join(f"{{{name}}}" for name in mails.CIRCULAR_PLACEHOLDERS)},
        )
        preview = None
        if form.is_bound and form.is_valid():
            conference, which = form.cleaned_data["conference"], form.which()
            subject, body = form.texts()
            recipients = selectors.circular_recipients(conference=conference, which=which)
            if not recipients:
                form.add_error(
                    None, _("No recipient matches these filters: the circular was not sent.")
                )
            elif "send" in request.POST:
                count = services.circular_send(
                    conference=conference,
                    which=which,
                    subject=subject,
                    body=body,
                    send_id=form.cleaned_data["send_id"],
                )
                self.message_user(
                    request,
                    ngettext(
                        "The circular is queued for %(count)d recipient.",
                        "The circular is queued for %(count)d recipients.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:participants_delegation_changelist")
            else:
                preview = {
                    "count": len(recipients),
                    "recipients": recipients[:CIRCULAR_RECIPIENTS_SHOWN],
                    "languages": sorted(Counter(r.language for r in recipients).items()),
                    "renderings": [
                        (language, dict(settings.LANGUAGES)[language], rendered)
                        for language, rendered in notifications.circular_preview(
                            conference=conference,
                            recipient=recipients[0],
                            subject=subject,
                            body=body,
                            languages=settings.MODELTRANSLATION_LANGUAGES,
                        ).items()
                    ],
                }
        return TemplateResponse(
            request,
            "admin/participants/delegation/circular.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send a circular"),
                "opts": self.model._meta,
                "form": form,
                "preview": preview,
            },
        )

    def note_verbale_view(self, request, pk: int):
        delegation = get_object_or_404(Delegation, pk=pk)
        # The note verbale names and identifies the delegation's members: identity data.
        if not self.has_view_permission(request, delegation) or not selectors.can_view_identity(
            request.user
        ):
            raise PermissionDenied
        if not delegation.nomination_file:
            raise Http404(_("No note verbale has been uploaded."))
        return _serve(
            request,
            field_file=delegation.nomination_file,
            participant=None,
            label=f"note verbale: {delegation}"[:60],
            download_name=f"note-verbale-{delegation.pk}",
        )

    def _portal_url(self, request):
        return lambda token: request.build_absolute_uri(
            reverse("participants:portal", kwargs={"token": token})
        )

    def _link_operation(self, request, delegation, operation: str) -> bool:
        service, done = LINK_OPERATIONS[operation]
        extra = {"portal_url": self._portal_url(request)} if operation == "send" else {}
        try:
            service(delegation=delegation, **extra)
        except services.AccreditationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return False
        self.log_change(request, delegation, [{"changed": {"name": f"nomination link ({done})"}}])
        return True

    def nomination_link_view(self, request, pk: int, operation: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if operation not in LINK_OPERATIONS:
            raise Http404
        delegation = get_object_or_404(Delegation, pk=pk)
        if not self.has_change_permission(request, delegation):
            raise PermissionDenied
        if self._link_operation(request, delegation, operation):
            self.message_user(request, f"{LINK_OPERATIONS[operation][1]}: {delegation}.")
        return redirect("admin:participants_delegation_change", pk)

    def _bulk_link(self, request, queryset, operation: str):
        done = [d for d in queryset if self._link_operation(request, d, operation)]
        if done:
            self.message_user(
                request, f"{LINK_OPERATIONS[operation][1]}: {', '.join(map(str, done))}."
            )

    @admin.action(description=gettext_lazy("Send the nomination link"), permissions=["change"])
    def send_links(self, request, queryset):
        self._bulk_link(request, queryset, "send")

    @admin.action(description=gettext_lazy("Rotate the nomination link"), permissions=["change"])
    def rotate_links(self, request, queryset):
        self._bulk_link(request, queryset, "rotate")

    @admin.action(description=gettext_lazy("Revoke the nomination link"), permissions=["change"])
    def revoke_links(self, request, queryset):
        self._bulk_link(request, queryset, "revoke")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        delegation = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if delegation is not None:
            can_change = self.has_change_permission(request, delegation)
            token = selectors.nomination_token(delegation=delegation)
            extra_context.update(
                events=selectors.delegation_events(delegation=delegation)[:100],
                link_problem=selectors.nomination_link_invalid_reason(
                    delegation=delegation, current=True
                )
                or selectors.registration_closed_reason(conference=delegation.conference),
                link_url=self._portal_url(request)(token) if can_change else None,
                can_change_link=can_change,
            )
        return super().change_view(request, object_id, form_url, extra_context)


class IdentityDocumentForm(forms.ModelForm):
    # No Meta: the inline supplies the model and the fields.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participant = self.instance.participant_id if self.instance.pk else None
        _protect_file_link(self, "photo", "admin:participants_participant_photo", participant)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # Only a fresh upload is re-encoded; the stored file was re-encoded when it came in.
        return photo_reencode(photo) if isinstance(photo, UploadedFile) else photo


class IdentityDocumentInline(admin.StackedInline):
    model = IdentityDocument
    form = IdentityDocumentForm
    extra = 0
    can_delete = False


class MissingDataFilter(admin.SimpleListFilter):
    """Yes/no on a condition that says the data is missing."""

    missing: Q

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(self.missing)
        if self.value() == "no":
            return queryset.filter(self.missing)
        return queryset


class HasPhotoFilter(MissingDataFilter):
    title = gettext_lazy("has photo")
    parameter_name = "has_photo"
    missing = selectors.PHOTO_MISSING


class IdentityCompleteFilter(MissingDataFilter):
    title = gettext_lazy("identity data complete")
    parameter_name = "identity_complete"
    missing = selectors.IDENTITY_INCOMPLETE


class StateFilter(admin.SimpleListFilter):
    """The displayed state: the decision, and how far an approved participant's badge came."""

    title = gettext_lazy("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return AccreditationState.choices

    def queryset(self, request, queryset):
        if self.value() in AccreditationState.values:
            return queryset.in_state(self.value())
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """Countries by name, and only those with a delegation."""

    title = gettext_lazy("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Delegation.objects.exclude(country="").values_list("country", flat=True)
        return sorted(((code, countries.name(code)) for code in set(codes)), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(delegation__country=self.value()) if self.value() else queryset


class ParticipantAdminForm(forms.ModelForm):
    # No Meta: the admin supplies the model and the fields, which depend on the permissions.

    def clean(self):
        cleaned = super().clean()
        delegation = cleaned.get("delegation")
        if delegation is not None and not self.errors:
            candidate = self.instance
            for name, value in cleaned.items():
                setattr(candidate, name, value)
            rules.validate_membership(
                delegation=delegation,
                members=rules.members_with(delegation=delegation, candidate=candidate),
            )
        return cleaned


# The bulk actions offered on the participant list, in workflow order.
BULK_TRANSITIONS = ["review", "send_to_vetting", "approve", "print_badge", "reject", "revoke"]


def _transition_action(name: str):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_confirm(request, queryset, name)

    action.__name__ = f"transition_{name}"
    return admin.action(description=f"{services.TRANSITIONS[name].label}…", permissions=["change"])(
        action
    )


# Passports matched by one search word that are passed on as a list of ids; a word that
# matches more (one letter) is passed as a subquery, which scans but stays one statement.
PASSPORT_MATCHES_LISTED = 1000


def _passport_match(word: str) -> Q:
    passports = IdentityDocument.objects.filter(passport_number__istartswith=word).values_list(
        "participant_id", flat=True
    )
    ids = list(passports[: PASSPORT_MATCHES_LISTED + 1])
    return Q(pk__in=ids if len(ids) <= PASSPORT_MATCHES_LISTED else passports)


@admin.register(Participant)
class ParticipantAdmin(
    StateColumnMixin,
    LateRowChangeListMixin,
    ParticipantLettersMixin,
    BadgeAdminMixin,
    SameConferenceChoicesMixin,
    ConferenceFieldTimeMixin,
    TranslationAdmin,
    ServiceAdmin,
):
    form = ParticipantAdminForm
    list_display = [
        "family_name",
        "given_names",
        "functional_title",
        "delegation_column",
        "role",
        "state_column",
        "badge_category",
        "badge_number",
    ]
    list_filter = [
        "conference",
        StateFilter,
        "badge_category",
        "delegation__category",
        CountryFilter,
        "role",
        HasPhotoFilter,
        IdentityCompleteFilter,
        "delegation__credentials_status",
    ]
    list_select_related = ["delegation", "badge_category", "conference", "identity"]
    # One count per page, not a second one over the whole table for "N total".
    show_full_result_count = False
    # Each word matches the start of these (see get_search_results).
    search_fields = ["^family_name", "^given_names", "^email", "^delegation__name"]
    # The participant's own identity field; the rest lives on IdentityDocument.
    identity_fields = ["passport_name"]
    identity_search_fields = ["^passport_name", "^identity__passport_number"]
    autocomplete_fields = ["conference", "delegation", "badge_category"]
    readonly_fields = ["badge_number", "state_column"]
    inlines = [IdentityDocumentInline]
    actions = [
        *(_transition_action(name) for name in BULK_TRANSITIONS),
        *BADGE_ACTIONS,
        *LETTER_ACTIONS,
        export_selected_action("participants"),
    ]
    change_list_template = "admin/participants/participant/change_list.html"
    # The count is cached until a participant, identity document or delegation changes, and a
    # sort by delegation pages by delegation windows (conference/admin_mixins.py).
    paginator = ParticipantCountPaginator
    window_orderings = {"delegation__name": "delegation"}

    # Sorted by the delegation's name alone: its default ordering (conference date, name)
    # joins two tables and sorts every row, 0.4 s at 100,000 participants.
    @admin.display(description=gettext_lazy("delegation"), ordering="delegation__name")
    def delegation_column(self, participant: Participant):
        return participant.delegation or self.get_empty_value_display()

    class Media:
        css = {"all": ["conference/admin/plenary_admin.css"]}

    local_time_fields = ("arrival_at", "departure_at")
    change_form_template = "admin/participants/participant/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    # Identity data (passport, birth, nationality) only for holders of the permission.

    def get_inlines(self, request, obj):
        return self.inlines if selectors.can_view_identity(request.user) else []

    def get_search_fields(self, request):
        extra = self.identity_search_fields if selectors.can_view_identity(request.user) else []
        return [*self.search_fields, *extra]

    def get_exclude(self, request, obj=None):
        # The status changes through the transitions only; the state column shows it.
        hidden = [] if selectors.can_view_identity(request.user) else self.identity_fields
        return ["status", *hidden]

    def get_search_results(self, request, queryset, search_term):
        """Each word matches the start of a name (in either script), the e-mail, the
        delegation's name or, with the permission, of passport data.

        The delegations and passports that match are looked up first, each in its own table,
        so the participants are found by an OR of indexed prefixes on their own table: a join
        inside the OR scanned all 100,000 rows of a large conference, twice per page.
        """
        words = [
            unescape_string_literal(bit) if bit[:1] in "\"'" and bit[-1:] == bit[:1] else bit
            for bit in smart_split(search_term)
        ]
        identity = selectors.can_view_identity(request.user)
        condition = Q()
        for word in words:
            match = (
                Q(family_name__istartswith=word)
                | Q(given_names__istartswith=word)
                | Q(email__istartswith=word)
                | Q(delegation_id__in=list(
                    Delegation.objects.filter(name__istartswith=word).values_list("pk", flat=True)
                ))
            )  # fmt: skip
            # A name in the other script: the word's Latin spellings start a word of the key.
            for spelling in query_spellings(word):
                match |= Q(search_name__icontains=f" {spelling}")
            if identity:
                match |= Q(passport_name__istartswith=word) | _passport_match(word)
            condition &= match
        return queryset.filter(condition), False

    def lookup_allowed(self, lookup, value, request=None):
        # The admin allows URL filters on any local field: without this, a query such as
        # ?passport_name__startswith=A would reveal, letter by letter, a hidden field.
        field = lookup.split(LOOKUP_SEP, 1)[0]
        if field in self.identity_fields and not (
            request is not None and selectors.can_view_identity(request.user)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and selectors.can_view_identity(request.user):
            # get_object, not a filter on the raw id: a malformed id must reach the admin's
            # "doesn't exist" redirect rather than fail here.
            participant = self.get_object(request, object_id)
            if (
                participant is not None
                and hasattr(participant, "identity")
                and self.has_view_or_change_permission(request, participant)
            ):
                services.identity_access_record(user=request.user, participant=participant)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # What approval will refuse for, told before the organizer gets there.
        if obj is not None and obj.status in PENDING_STATUSES:
            context["approval_missing"] = ", ".join(rules.approval_missing(participant=obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            services.participant_register(participant=obj, by=request.user)
        # An edit is saved in save_related, once the identity inline says what changed.

    def save_formset(self, request, form, formset, change):
        if formset.model is not IdentityDocument:
            return super().save_formset(request, form, formset, change)
        # The identity inline (no deletion, no m2m) through the service that saves documents.
        for document in formset.save(commit=False):
            services.identity_document_save(document=document)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            # The service decides whether any of this is identity or public data.
            changed = [*form.changed_data]
            for formset in formsets:
                if formset.model is IdentityDocument:
                    changed += [name for inline in formset.forms for name in inline.changed_data]
            services.participant_edit(
                participant=form.instance, by=request.user, changed_fields=changed
            )

    def delete_object(self, request, obj):
        services.participant_delete(participant=obj)

    def transition_confirm(self, request, queryset, name: str):
        transition = services.TRANSITIONS[name]
        form = ReasonForm(
            request.POST if "confirm" in request.POST else None,
            submit_label=str(transition.label),
            required=transition.needs_reason,
            with_message=True,
        )
        participants = list(queryset.select_related("delegation", "identity", "conference"))
        # Approval issues a badge: the organizer picks its category, the default preselected.
        categories = (
            selectors.approval_badge_categories(participants=participants)
            if name == "approve"
            else {}
        )
        if form.is_bound and form.is_valid():
            picked = {}
            for participant in participants if name == "approve" else ():
                offered, _default = categories[participant.pk]
                chosen = request.POST.get(f"badge_category-{participant.pk}", "")
                picked[participant.pk] = next((c for c in offered if str(c.pk) == chosen), None)
            # A refused row leaves the others applied; each delegation gets one digest.
            done, refused = services.participants_transition(
                name=name,
                participants=participants,
                by=request.user,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                badge_categories=picked,
            )
            self.message_user(
                request,
                ngettext(
                    "%(action)s: %(count)d participant done.",
                    "%(action)s: %(count)d participants done.",
                    len(done),
                )
                % {"action": transition.label, "count": len(done)},
                messages.SUCCESS if done else messages.INFO,
            )
            self._report_refusals(request, refused)
            return None
        # Reviewers compare the photo with the person before they approve.
        show_photos = badging_selectors.can_see_photos(request.user)
        return TemplateResponse(
            request,
            "admin/participants/participant/transition_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(action)s: confirm") % {"action": transition.label},
                "opts": self.model._meta,
                "transition": transition,
                "target_label": AccreditationState(transition.target).label,
                "action": f"transition_{name}",
                "form": form,
                "rows": [
                    self._transition_row(p, transition=transition, show_photo=show_photos)
                    | {"categories": categories.get(p.pk)}
                    for p in participants
                ],
                "show_photos": show_photos,
                "mailed": any(name in p.conference.mailed_transitions for p in participants),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _transition_row(self, p: Participant, *, transition, show_photo: bool) -> dict:
        """A row of the confirmation page: whether the participant will move, and for an
        approval what the conference requires that they lack."""
        missing = rules.approval_missing(participant=p) if transition.name == "approve" else []
        return {
            "participant": p,
            "allowed": transition.allows(p.state, conference=p.conference) and not missing,
            "missing": ", ".join(missing),
            "status": p.get_state_display(),
            "photo": self.photo_thumbnail(p) if show_photo else None,
        }

    # The accreditation dashboard, one per conference.

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_latest),
                name="participants_participant_dashboard_latest",
            ),
            path(
                "dashboard/<int:conference_id>/",
                self.admin_site.admin_view(self.dashboard_view),
                name="participants_participant_dashboard",
            ),
            path(
                "<int:pk>/photo/",
                self.admin_site.admin_view(self.photo_view),
                name="participants_participant_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, pk: int):
        """The full-size badge photo: identity data, so for holders of the permission only."""
        participant = get_object_or_404(Participant.objects.select_related("identity"), pk=pk)
        if not (
            selectors.can_view_identity(request.user)
            and self.has_view_permission(request, participant)
        ):
            raise PermissionDenied
        document = getattr(participant, "identity", None)
        if document is None or not document.photo:
            raise Http404(_("This participant has no photo."))
        return _serve(
            request,
            field_file=document.photo,
            participant=participant,
            label="photo",
            download_name=f"photo-{participant.pk}",
        )

    def dashboard_latest(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = conference_current()
        if conference is None:
            raise Http404(_("There is no conference yet."))
        return redirect("admin:participants_participant_dashboard", conference.pk)

    def dashboard_view(self, request, conference_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = get_object_or_404(Conference, pk=conference_id)
        return TemplateResponse(
            request,
            "admin/participants/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Accreditation: %(conference)s") % {"conference": conference},
                "opts": self.model._meta,
                "conference": conference,
                "conferences": conferences_newest_first().only("pk", "short_title", "start_date"),
                "now": timezone.now(),
                **selectors.accreditation_dashboard(conference=conference),
                "badges": badging_selectors.badge_figures(conference=conference),
            },
        )


@admin.register(AccreditationEvent)
class AccreditationEventAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    conference_path = "participant__conference"
    list_display = [
        "participant",
        "from_status",
        "to_status",
        "by",
        "actor_label",
        "reason",
        "badge_number",
        local_time_column(AccreditationEvent, "at", conference_path=conference_path),
    ]
    list_filter = ["to_status"]
    list_select_related = ["participant__conference", "by"]
    search_fields = ["participant__family_name", "reason"]
