"""The participant and delegation admin's letters: visa-support letters and certificates.

Mixins, as for the badges: the services decide and number, ``participants.letters.printing`` draws,
these views only ask and answer.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    local_time_column,
    selected_conference,
)
from conference.models import Conference
from conference.printing.pdf import pdf_response
from participants.accreditation import selectors
from participants.enums import PreferredLanguage
from participants.letters import printing as letters
from participants.letters import selectors as letters_selectors
from participants.letters import services as letters_services
from participants.models import Delegation, Participant, VisaLetter

LETTER_RELATED = ("conference", "delegation__organization", "identity")


def _language(request) -> str | None:
    """The organizer's choice of language, or None for each recipient's own."""
    chosen = request.POST.get("language") or request.GET.get("language") or ""
    return chosen if chosen in PreferredLanguage.values else None


def _report(modeladmin, request, refused: list[str]) -> None:
    if refused:
        modeladmin.message_user(request, " ".join(refused), messages.WARNING)


def visa_letters_response(modeladmin, request, participants, *, filename: str):
    """Produce, number and log a letter for each of ``participants``; answer with the PDF."""
    if not selectors.can_view_identity(request.user):
        raise PermissionDenied
    produced, refused = letters_services.visa_letters_produce(
        participants=participants, by=request.user, language=_language(request)
    )
    _report(modeladmin, request, refused)
    if not produced:
        modeladmin.message_user(request, _("No visa-support letter was produced."), messages.ERROR)
        return None
    pdf = letters.visa_letters_pdf(produced, conference=produced[0].conference)
    return pdf_response(pdf, filename=filename)


@admin.action(description=gettext_lazy("Visa-support letters (PDF)"), permissions=["identity"])
def produce_visa_letters(modeladmin, request, queryset):
    refusal = _("Produce the letters of one conference at a time.")
    if selected_conference(modeladmin, request, queryset, refusal=refusal) is None:
        return None
    participants = queryset.select_related(*LETTER_RELATED).order_by("family_name", "pk")
    return visa_letters_response(
        modeladmin, request, list(participants), filename="visa-letters.pdf"
    )


def certificates_response(modeladmin, request, conference: Conference, participants):
    refusal = letters_selectors.certificate_refusal_of_conference(conference=conference)
    if refusal:
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    given, never = letters_selectors.certificates_in_protocol_order(
        conference=conference, participants=participants
    )
    _report(
        modeladmin, request, [letters_selectors.never_collected_text(participant=p) for p in never]
    )
    if not given:
        modeladmin.message_user(request, _("No certificate to print."), messages.ERROR)
        return None
    pdf = letters.certificates_pdf(given, conference=conference, language=_language(request))
    return pdf_response(pdf, filename=f"certificates-{conference.slug}.pdf")


@admin.action(description=gettext_lazy("Certificates of attendance (PDF)"), permissions=["view"])
def print_certificates(modeladmin, request, queryset):
    refusal = _("Print the certificates of one conference at a time.")
    conference = selected_conference(modeladmin, request, queryset, refusal=refusal)
    if conference is None:
        return None
    return certificates_response(modeladmin, request, conference, queryset)


LETTER_ACTIONS = [produce_visa_letters, print_certificates]


class ParticipantLettersMixin:
    """The letter buttons of the participant page and the per-conference certificates."""

    def has_identity_permission(self, request) -> bool:
        """Offers the visa-letter action (``permissions=["identity"]``) to permission holders."""
        return selectors.can_view_identity(request.user) and self.has_view_permission(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/visa-letter/",
                view(self.visa_letter_view),
                name="participants_participant_visa_letter",
            ),
            path(
                "<int:pk>/certificate/",
                view(self.certificate_view),
                name="participants_participant_certificate",
            ),
            path(
                "certificates/<int:conference_id>/",
                view(self.conference_certificates_view),
                name="participants_participant_certificates",
            ),
            *super().get_urls(),
        ]

    def visa_letter_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        participant = get_object_or_404(Participant.objects.select_related(*LETTER_RELATED), pk=pk)
        if not self.has_view_permission(request, participant):
            raise PermissionDenied
        response = visa_letters_response(
            self, request, [participant], filename=f"visa-letter-{participant.pk}.pdf"
        )
        return response or redirect("admin:participants_participant_change", pk)

    def certificate_view(self, request, pk: int):
        participant = get_object_or_404(Participant.objects.select_related(*LETTER_RELATED), pk=pk)
        if not self.has_view_permission(request, participant):
            raise PermissionDenied
        refusal = letters_selectors.certificate_refusal(participant=participant)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:participants_participant_change", pk)
        pdf = letters.certificates_pdf(
            [participant], conference=participant.conference, language=_language(request)
        )
        return pdf_response(pdf, filename=f"certificate-{participant.pk}.pdf")

    def conference_certificates_view(self, request, conference_id: int):
        """Every certificate of a conference, in protocol order."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = get_object_or_404(Conference, pk=conference_id)
        response = certificates_response(self, request, conference, conference.participants.all())
        return response or redirect("admin:participants_participant_changelist")


class DelegationLettersMixin:
    """ "Visa-support letters for all who need one" on the delegation page."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/visa-letters/",
                self.admin_site.admin_view(self.visa_letters_view),
                name="participants_delegation_visa_letters",
            ),
            *super().get_urls(),
        ]

    def visa_letters_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        delegation = get_object_or_404(Delegation, pk=pk)
        if not self.has_view_permission(request, delegation):
            raise PermissionDenied
        candidates = list(letters_selectors.visa_letter_candidates(delegation=delegation))
        if not candidates:
            self.message_user(
                request, _("No member of this delegation asked for visa support."), messages.INFO
            )
            return redirect("admin:participants_delegation_change", pk)
        response = visa_letters_response(
            self, request, candidates, filename=f"visa-letters-{delegation.pk}.pdf"
        )
        return response or redirect("admin:participants_delegation_change", pk)


@admin.register(VisaLetter)
class VisaLetterAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    """The register of visa-support letters: every reference issued, reissues included."""

    list_display = [
        "reference",
        "participant_name",
        "consulate",
        "language",
        "produced_by",
        "actor_label",
        local_time_column(VisaLetter, "produced_at"),
    ]
    list_filter = ["conference", "language"]
    list_select_related = ["conference", "produced_by"]
    search_fields = ["reference", "participant_name"]
    exclude = ["content_digest"]
