"""The badge admin: zones and badge categories, and the participant admin's badge pages.

The badge pages (print, reprint, the batch PDF, photos and holds) are a mixin of
ParticipantAdmin, kept apart so the badge workflow reads in one place. Every write goes
through the services (the core's for transitions, badging's for zones, categories and
printing); these pages only ask and answer.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.admin import TranslationAdmin

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    SameConferenceChoicesMixin,
    ServiceAdmin,
    local_time_column,
    selected_conference,
)
from conference.models import Conference
from conference.printing.pdf import pdf_response
from conference.selectors import conferences_newest_first
from conference.setup import SetupStep, register_step
from participants.accreditation import selectors, services
from participants.accreditation.forms import ReasonForm
from participants.badging import printing as badges
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.badging.device_admin import ZoneOpeningInline
from participants.enums import BADGE_HOLDING_STATES
from participants.models import AccessZone, BadgeCategory, IssuedBadge, Participant

register_step(
    SetupStep(
        key="badge_categories",
        label=gettext_lazy("Badge categories"),
        order=20,
        model=BadgeCategory,
    )
)
register_step(
    SetupStep(key="zones", label=gettext_lazy("Access zones"), order=30, model=AccessZone)
)


@admin.register(AccessZone)
class AccessZoneAdmin(SameConferenceChoicesMixin, TranslationAdmin, ServiceAdmin):
    list_display = ["code", "name", "conference", "single_entry", "anti_passback", "auto_exit_at"]
    inlines = [ZoneOpeningInline]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["conference"]

    def save_object(self, request, obj, form):
        badging_services.access_zone_save(zone=obj)

    def delete_object(self, request, obj):
        badging_services.access_zone_delete(zone=obj)


class BadgeCategoryAdminForm(forms.ModelForm):
    # No Meta: the admin supplies the model and the fields.

    def clean(self):
        cleaned = super().clean()
        conference, zones = cleaned.get("conference"), cleaned.get("zones")
        if conference is not None and zones is not None:
            # The service's own check, asked first so the form shows its answer.
            try:
                badging_services.access_zones_check(conference_id=conference.pk, zones=zones)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(BadgeCategory)
class BadgeCategoryAdmin(SameConferenceChoicesMixin, TranslationAdmin, ServiceAdmin):
    form = BadgeCategoryAdminForm
    list_display = ["code", "name", "colour_name", "colour", "conference"]
    list_filter = ["conference", "colour_name"]
    list_select_related = ["conference"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["conference", "zones"]

    def save_object(self, request, obj, form):
        badging_services.badge_category_save(category=obj, zones=form.cleaned_data["zones"])

    def save_related(self, request, form, formsets, change):
        # The zones were saved by the service; a category has no inlines.
        pass

    def delete_object(self, request, obj):
        badging_services.badge_category_delete(category=obj)


def badges_response(issued, *, conference: Conference, layout: str, filename: str) -> FileResponse:
    # The photos are drawn one at a time; the finished PDF itself is a few megabytes.
    output = io.BytesIO()
    badges.render_badges(issued, conference=conference, layout=layout, output=output)
    return pdf_response(output, filename=filename)


class LayoutForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=gettext_lazy("Conference"),
        queryset=conferences_newest_first(),
        empty_label=None,
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=[
            (badges.Layout.SHEETS, gettext_lazy("A4 sheets with crop marks")),
            (badges.Layout.CARDS, gettext_lazy("One card per page")),
        ],
        initial=badges.Layout.SHEETS,
    )


def _print_action(layout: str, description):
    def action(modeladmin, request, queryset):
        return modeladmin.print_selected(request, queryset, layout)

    action.__name__ = f"print_badges_{layout}"
    return admin.action(description=description, permissions=["change"])(action)


BADGE_ACTIONS = [
    _print_action(badges.Layout.SHEETS, gettext_lazy("Print badges (PDF, A4 sheets)")),
    _print_action(badges.Layout.CARDS, gettext_lazy("Print badges (PDF, one card per page)")),
]


class BadgeAdminMixin:
    """Needs ``self.admin_site`` and the ModelAdmin permission methods; list BADGE_ACTIONS."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/badge/print/",
                view(self.print_one_view),
                name="participants_participant_print_badge",
            ),
            path(
                "<int:pk>/badge/reprint/",
                view(self.reprint_view),
                name="participants_participant_reprint_badge",
            ),
            path(
                "<int:pk>/security-hold/",
                view(self.security_hold_view),
                name="participants_participant_security_hold",
            ),
            path(
                "badges/print-pending/",
                view(self.print_pending_view),
                name="participants_participant_print_pending",
            ),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return (
            ["photo_thumbnail", *shown] if badging_selectors.can_see_photos(request.user) else shown
        )

    def get_readonly_fields(self, request, obj=None):
        fields = [
            *super().get_readonly_fields(request, obj),
            "printed_number",
            "badge_copies",
            "security_hold",
        ]
        if badging_selectors.can_see_photos(request.user):
            fields.insert(0, "photo_thumbnail")
        return fields

    @admin.display(description=gettext_lazy("photo"))
    def photo_thumbnail(self, participant: Participant):
        identity = getattr(participant, "identity", None)
        if identity is None or not identity.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="45" height="60" loading="lazy" class="photo-thumbnail">',
            reverse("desk:photo", args=[participant.pk]),
        )

    @admin.display(description=gettext_lazy("printed badge number"))
    def printed_number(self, participant: Participant) -> str:
        return participant.printed_badge_number or "—"

    @admin.display(description=gettext_lazy("badge copies"))
    def badge_copies(self, participant: Participant):
        copies = badging_selectors.badge_copies(participant=participant)
        if not copies:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} {} · {} · {}",
            (
                (
                    copy.badge.printed_number,
                    _("copy"),
                    copy.copy_number,
                    participant.conference.local(copy.at).strftime("%d.%m.%Y %H:%M"),
                    copy.by or "—",
                )
                for copy in copies
            ),
        )

    @admin.display(description=gettext_lazy("security hold"))
    def security_hold(self, participant: Participant) -> str:
        if not participant.on_security_hold:
            return "—"
        return _("Since %(at)s: %(reason)s") % {
            "at": participant.conference.local(participant.security_hold_at).strftime(
                "%d.%m.%Y %H:%M"
            ),
            "reason": participant.security_hold_reason,
        }

    def _require_change(self, request, participant=None):
        if not self.has_change_permission(request, participant):
            raise PermissionDenied

    def _report_refusals(self, request, refused: list[str]) -> None:
        if refused:
            self.message_user(
                request,
                ngettext("%(count)d refused: ", "%(count)d refused: ", len(refused))
                % {"count": len(refused)}
                + "; ".join(refused),
                messages.WARNING,
            )

    def print_selected(self, request, queryset, layout: str):
        refusal = _("Print the badges of one conference at a time.")
        conference = selected_conference(self, request, queryset, refusal=refusal)
        if conference is None:
            return None
        ordered = badging_selectors.badges_in_protocol_order(
            conference=conference,
            badges=conference.issued_badges.filter(
                participant__in=queryset.in_state(*BADGE_HOLDING_STATES),
                voided_at__isnull=True,
            ),
        )
        skipped = [
            f"{p}: {p.get_state_display()}"
            for p in queryset.with_state().exclude(annotated_state__in=BADGE_HOLDING_STATES)
        ]
        return self._print(request, conference, [b.participant for b in ordered], layout, skipped)

    def _print(self, request, conference, participants, layout, refused):
        """New badges printed and printed ones downloaded again, in the order given."""
        printed = {b.participant_id for b in badging_selectors.printed_badges(participants)}
        first = [p for p in participants if p.pk not in printed]
        again = [p for p in participants if p.pk in printed]
        new, more = badging_services.badges_print(participants=first, by=request.user)
        copies, still = badging_services.badges_download_again(participants=again, by=request.user)
        self._report_refusals(request, [*refused, *more, *still])
        order = {p.pk: index for index, p in enumerate(participants)}
        issued = sorted([*new, *copies], key=lambda badge: order[badge.participant_id])
        if not issued:
            self.message_user(request, _("No approved badge to print."), messages.INFO)
            return redirect("admin:participants_participant_changelist")
        return badges_response(
            issued, conference=conference, layout=layout, filename=f"badges-{conference.slug}.pdf"
        )

    def print_pending_view(self, request):
        """All approved badges of a conference not printed yet, in protocol order."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._require_change(request)
        form = LayoutForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a conference and a layout."), messages.ERROR)
            return redirect("admin:participants_participant_changelist")
        conference, layout = form.cleaned_data["conference"], form.cleaned_data["layout"]
        pending = badging_selectors.badges_to_print(conference=conference)
        return self._print(request, conference, [b.participant for b in pending], layout, [])

    def print_one_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        participant = get_object_or_404(Participant.objects.with_delegation(), pk=pk)
        self._require_change(request, participant)
        # A badge printed before is downloaded again with the same number, never renumbered.
        write = (
            badging_services.badges_download_again
            if badging_selectors.printed_badges([participant])
            else badging_services.badges_print
        )
        issued, refused = write(participants=[participant], by=request.user)
        if not issued:
            self._report_refusals(request, refused)
            return redirect("admin:participants_participant_change", pk)
        return badges_response(
            issued,
            conference=participant.conference,
            layout=badges.Layout.CARDS,
            filename=f"badge-{issued[0].printed_number}.pdf",
        )

    def reprint_view(self, request, pk: int):
        participant = get_object_or_404(Participant.objects.with_delegation(), pk=pk)
        self._require_change(request, participant)
        form = ReasonForm(request.POST or None, submit_label=_("Void and issue a new badge"))
        if request.method == "POST" and form.is_valid():
            try:
                badge = badging_services.badge_void_and_reissue(
                    participant=participant, by=request.user, reason=form.cleaned_data["reason"]
                )
            except services.AccreditationError as error:
                form.add_error(None, str(error))
            else:
                return badges_response(
                    [badge],
                    conference=participant.conference,
                    layout=badges.Layout.CARDS,
                    filename=f"badge-{badge.printed_number}.pdf",
                )
        return self._reason_page(
            request,
            participant,
            form,
            _("Void the badge of %(name)s") % {"name": participant},
            _(
                "For a lost or stolen badge only: to print the same badge again, use "
                "“Download the badge again”. The badge %(number)s is voided: its QR code will "
                "be refused at every door. The new badge gets the next number, and the "
                "delegation's focal point is told it."
            )
            % {"number": participant.printed_badge_number or "—"},
        )

    def security_hold_view(self, request, pk: int):
        participant = get_object_or_404(Participant.objects.with_delegation(), pk=pk)
        if not request.user.has_perm(selectors.HOLD_PERMISSION):
            raise PermissionDenied
        releasing = participant.on_security_hold
        form = ReasonForm(
            request.POST or None,
            submit_label=_("Lift the hold") if releasing else _("Put on security hold"),
            required=not releasing,
        )
        if request.method == "POST" and form.is_valid():
            try:
                if releasing:
                    services.participant_security_release(participant=participant, by=request.user)
                else:
                    services.participant_security_hold(
                        participant=participant, by=request.user, reason=form.cleaned_data["reason"]
                    )
            except services.AccreditationError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("Security hold updated: %(name)s.") % {"name": participant}
                )
                return redirect("admin:participants_participant_change", pk)
        return self._reason_page(
            request,
            participant,
            form,
            _("Security hold: %(name)s") % {"name": participant},
            _("Every scan of this badge turns red until the hold is lifted.")
            if not releasing
            else participant.security_hold_reason,
        )

    def _reason_page(self, request, participant, form, title, explanation):
        return TemplateResponse(
            request,
            "admin/participants/participant/badge_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "original": participant,
                "form": form,
                "explanation": explanation,
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["layout_form"] = LayoutForm()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_hold"] = request.user.has_perm(selectors.HOLD_PERMISSION)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(IssuedBadge)
class IssuedBadgeAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    list_display = [
        "number",
        "participant",
        "conference",
        local_time_column(IssuedBadge, "issued_at"),
        local_time_column(IssuedBadge, "voided_at"),
    ]
    list_filter = ["conference"]
    list_select_related = ["participant", "conference"]
    search_fields = ["participant__family_name", "=number"]
