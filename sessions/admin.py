from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from conference.admin_mixins import (
    ConferenceFieldTimeMixin,
    ConferenceTimeMixin,
    ReadOnlyInline,
    SameConferenceChoicesMixin,
    ServiceAdmin,
)
from conference.admin_setup import BulkAddMixin
from conference.csvio.admin import export_selected_action
from conference.models import Conference
from conference.printing.pdf import pdf_response
from conference.selectors import conferences_newest_first
from conference.setup import SetupStep, register_step
from participants.models import Delegation

from .enums import StatementStatus
from .inscription import inscription_confirm, inscription_refuse
from .models import (
    InscriptionEvent,
    Room,
    SeatingPlan,
    SeatSwap,
    Session,
    Statement,
    StatementMove,
)
from .printing import seating_pdf
from .record_admin import record_urls
from .selectors import (
    agenda_conflicts,
    conflict_counts,
    seating_plan_places,
    session_conflicts,
    session_time_label,
    speakers_list_protocol_order_changes,
)
from .services import (
    agenda_item_delete,
    agenda_item_save,
    rooms_add,
    seat_swap,
    seating_plan_delete,
    seating_plan_save,
    speakers_list_apply_protocol_order,
    statement_inscribe,
    statement_move,
)


class AgendaServiceAdmin(ServiceAdmin):
    def save_object(self, request, obj, form):
        agenda_item_save(item=obj)

    def delete_object(self, request, obj):
        agenda_item_delete(item=obj)


class ConferenceTimeAdmin(ConferenceTimeMixin, AgendaServiceAdmin):
    """Agenda items, timed in their conference's zone and saved through the agenda services."""


def warn_about_conflicts(request, session: Session) -> None:
    for conflict in session_conflicts(session=session):
        messages.warning(request, conflict.message)


register_step(SetupStep(key="rooms", label=_("Rooms"), order=10, model=Room, bulk_add=True))
register_step(SetupStep(key="sessions", label=_("Sessions"), order=60, model=Session))


@admin.register(Room)
class RoomAdmin(BulkAddMixin, TranslationAdmin, AgendaServiceAdmin):
    list_display = ["name", "conference", "capacity", "interpretation_languages"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name"]
    autocomplete_fields = ["conference"]
    bulk_add_help = _(
        "One room a line, as it is called in English; its Russian name, capacity and "
        "interpretation languages are added on each room's page."
    )

    def bulk_add(self, *, conference, data):
        return rooms_add(conference=conference, lines=data["names"])


class StatementInline(SameConferenceChoicesMixin, admin.TabularInline):
    model = Statement
    extra = 0
    fields = [
        "order",
        "speaker",
        "delegation",
        "on_behalf_of",
        "mode",
        "allotted_minutes",
        "status",
        "is_right_of_reply",
    ]
    # The speaker's level is on the statement's own page: the inline fits a laptop as it is.
    # New statements take their protocol place; moves need a reason (see "Move").
    readonly_fields = ["order"]
    autocomplete_fields = ["speaker", "delegation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "delegation")


@admin.register(Session)
class SessionAdmin(
    SameConferenceChoicesMixin, ConferenceFieldTimeMixin, TranslationAdmin, ConferenceTimeAdmin
):
    list_display = [
        "title",
        "conference",
        "kind",
        "local_times",
        "room",
        "chair",
        "is_public",
        "floor_console",
    ]
    list_filter = ["conference", "kind", "room", "is_public"]
    list_select_related = ["conference", "room", "chair"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["conference", "room", "chair"]
    inlines = [StatementInline]
    actions = ["apply_protocol_order", export_selected_action("agenda")]
    change_list_template = "sessions/admin/session_change_list.html"
    local_time_fields = ("starts_at", "ends_at", "inscription_closes_at")

    class Media:
        css = {"all": ["sessions/admin.css"]}

    @admin.display(description=_("Floor console"))
    def floor_console(self, session: Session) -> str:
        url = reverse("agenda:console", args=[session.conference.slug, session.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    @admin.display(description=_("When (local time)"), ordering="starts_at")
    def local_times(self, session: Session) -> str:
        return session_time_label(session.conference, session)

    def save_formset(self, request, form, formset, change):
        statements = formset.save(commit=False)
        for statement in formset.deleted_objects:
            agenda_item_delete(item=statement)
        for statement in statements:
            if statement.pk:
                agenda_item_save(item=statement)
            else:
                statement_inscribe(statement=statement)
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_conflicts(request, form.instance)

    @admin.action(
        description=_("Put the speakers' lists back into protocol order"), permissions=["change"]
    )
    def apply_protocol_order(self, request, queryset):
        sessions = list(queryset.select_related("conference"))
        # Restoring protocol order undoes audited manual moves: show which, then ask.
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Put the speakers' lists back into protocol order?"),
                "opts": self.model._meta,
                "sessions": sessions,
                "changes": speakers_list_protocol_order_changes(sessions=sessions),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "sessions/admin/protocol_order_confirmation.html", context
            )
        for session in sessions:
            speakers_list_apply_protocol_order(session=session)
        self.message_user(request, _("Protocol order applied to %d session(s).") % len(sessions))

    def get_urls(self):
        return [
            path(
                "conflicts/",
                self.admin_site.admin_view(self.conflicts_index),
                name="agenda_session_conflicts_index",
            ),
            path(
                "conflicts/<int:conference_id>/",
                self.admin_site.admin_view(self.conflicts_view),
                name="agenda_session_conflicts",
            ),
            *record_urls(self),
            *super().get_urls(),
        ]

    def conflicts_index(self, request):
        # Conflicts name non-public sessions, also of conferences hidden from the public.
        if not self.has_view_permission(request):
            raise PermissionDenied
        conferences = conflict_counts(conferences=conferences_newest_first())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Agenda conflicts"),
            "conferences": conferences,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "sessions/admin/conflicts_index.html", context)

    def conflicts_view(self, request, conference_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = get_object_or_404(Conference, pk=conference_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Agenda conflicts: %s") % conference,
            "conference": conference,
            "conflicts": agenda_conflicts(conference=conference),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "sessions/admin/conflicts.html", context)


class StatementMoveInline(ReadOnlyInline):
    model = StatementMove
    fields = ["at", "from_position", "to_position", "reason", "by"]


class InscriptionEventInline(ReadOnlyInline):
    model = InscriptionEvent
    fields = ["at", "action", "actor_label", "by", "reason"]
    show_change_link = False
    verbose_name_plural = _("Inscription (who asked, who decided)")


class InscriptionRefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the refusal, e.g. “The list is closed to observers”."),
    )


class StatementMoveForm(forms.Form):
    to_position = forms.IntegerField(label=_("New position"), min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the move, e.g. “Head of State arrives late”."),
    )


class StatementAdminForm(forms.ModelForm):
    # No Meta: the admin supplies the model and the fields.

    def clean_inscribed_at(self):
        # Left empty on an add page opened without a session: the moment of saving.
        return self.cleaned_data.get("inscribed_at") or timezone.now()


@admin.register(Statement)
class StatementAdmin(SameConferenceChoicesMixin, ConferenceTimeAdmin):
    form = StatementAdminForm
    list_display = [
        "speaker",
        "session",
        "delegation",
        "mode",
        "order",
        "allotted_minutes",
        "status",
    ]
    list_filter = ["mode", "status", "session__conference", "is_right_of_reply"]
    list_select_related = ["speaker", "session", "delegation"]
    search_fields = ["speaker__family_name", "session__title", "title", "on_behalf_of"]
    autocomplete_fields = ["session", "speaker", "delegation"]
    readonly_fields = ["order", "move_link", "decision_links"]
    inlines = [StatementMoveInline, InscriptionEventInline]
    actions = ["confirm_requests", export_selected_action("speakers")]
    local_time_fields = ("inscribed_at",)

    def form_conference(self, request, obj) -> Conference | None:
        if obj is not None:
            return obj.session.conference
        pk = self._posted(request, "session")
        return Conference.objects.filter(sessions=pk).first() if pk else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("inscribed_at")
        if obj is None and field is not None:
            # Empty means the moment of saving. Before a session is chosen no zone is known:
            # the server's clock (UTC) would be pre-filled, then read as conference time.
            field.required = False
            field.help_text = _(
                "Leave empty for the moment you save. A time you type is in the time zone of "
                "the session's conference."
            )
            if self.form_conference(request, obj) is None:
                field.initial = None
        return form

    def save_model(self, request, obj, form, change):
        if change:
            agenda_item_save(item=obj)
        else:
            statement_inscribe(statement=obj)
        warn_about_conflicts(request, obj.session)

    @admin.display(description=_("Manual move"))
    def move_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:agenda_statement_move", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Move on the speakers' list…"))

    @admin.display(description=_("Request for the floor"))
    def decision_links(self, obj):
        if not obj.pk or obj.status != StatementStatus.REQUESTED:
            return "—"
        url = reverse("admin:agenda_statement_refuse", args=[obj.pk])
        return format_html(
            '{} <a href="{}">{}</a>',
            _("Confirm it with the list's action “Confirm the selected requests”, or"),
            url,
            _("refuse it…"),
        )

    @admin.action(description=_("Confirm the selected requests"), permissions=["change"])
    def confirm_requests(self, request, queryset):
        confirmed = 0
        for statement in queryset.select_related("session"):
            try:
                inscription_confirm(statement=statement, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{statement}: {' '.join(error.messages)}", "error")
            else:
                confirmed += 1
        self.message_user(request, _("%d request(s) confirmed.") % confirmed)

    def get_urls(self):
        return [
            path(
                "<int:pk>/move/",
                self.admin_site.admin_view(self.move_view),
                name="agenda_statement_move",
            ),
            path(
                "<int:pk>/refuse/",
                self.admin_site.admin_view(self.refuse_view),
                name="agenda_statement_refuse",
            ),
            *super().get_urls(),
        ]

    def refuse_view(self, request, pk: int):
        statement = get_object_or_404(
            Statement.objects.select_related("session", "speaker", "delegation"), pk=pk
        )
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        form = InscriptionRefusalForm(request.POST or None)
        if form.is_valid():
            try:
                inscription_refuse(
                    statement=statement, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The request has been refused."))
                return redirect("admin:agenda_statement_change", statement.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refuse %s") % statement,
            "statement": statement,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "sessions/admin/statement_refuse.html", context)

    def move_view(self, request, pk: int):
        statement = get_object_or_404(Statement.objects.select_related("session"), pk=pk)
        if not self.has_change_permission(request, statement):
            return redirect("admin:index")
        form = StatementMoveForm(request.POST or None, initial={"to_position": statement.order})
        if form.is_valid():
            try:
                statement_move(
                    statement=statement,
                    to_position=form.cleaned_data["to_position"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field, errors)
            else:
                self.message_user(request, _("The statement has been moved."))
                return redirect("admin:agenda_session_change", statement.session_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move %s") % statement,
            "statement": statement,
            "speakers_list": statement.session.statements.select_related("speaker", "delegation"),
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "sessions/admin/statement_move.html", context)


# Seating plans (issue 15) ------------------------------------------------------------------


class SeatSwapInline(ReadOnlyInline):
    model = SeatSwap
    fields = ["at", "first", "second", "reason", "by"]
    show_change_link = False
    verbose_name_plural = _("Swaps (who, when, why)")


class SeatSwapForm(forms.Form):
    first = forms.ModelChoiceField(label=_("Delegation"), queryset=Delegation.objects.none())
    second = forms.ModelChoiceField(
        label=_("Swaps places with"), queryset=Delegation.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the swap, e.g. “Seated beside its interpreter booth”."),
    )

    def __init__(self, *args, seating, **kwargs):
        super().__init__(*args, **kwargs)
        places = {d.pk: number for number, d in enumerate(seating.order, start=1)}
        seated = len(seating.places)
        for name in ("first", "second"):
            field = self.fields[name]
            field.queryset = Delegation.objects.filter(pk__in=places).order_by("name")
            field.label_from_instance = lambda d: (
                _("%(delegation)s (place %(number)d)")
                % {"delegation": d.local_name, "number": places[d.pk]}
                if places[d.pk] <= seated
                else _("%(delegation)s (no place)") % {"delegation": d.local_name}
            )


@admin.register(SeatingPlan)
class SeatingPlanAdmin(SameConferenceChoicesMixin, ConferenceFieldTimeMixin, ServiceAdmin):
    """The change page (its swap log included) reads in the conference's time zone."""

    list_display = ["room", "conference", "layout", "places", "places_per_row", "seats"]
    list_filter = ["conference", "layout"]
    list_select_related = ["conference", "room"]
    autocomplete_fields = ["conference", "room"]
    inlines = [SeatSwapInline]
    change_form_template = "sessions/admin/seating_plan_change_form.html"

    def save_object(self, request, obj, form):
        seating_plan_save(plan=obj)

    def delete_object(self, request, obj):
        seating_plan_delete(plan=obj)

    @admin.display(description=_("seats"))
    def seats(self, plan: SeatingPlan) -> int:
        return plan.seats

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", view(self.pdf_view), name="agenda_seatingplan_pdf"),
            path("<int:pk>/swap/", view(self.swap_view), name="agenda_seatingplan_swap"),
            *super().get_urls(),
        ]

    def _plan(self, request, pk: int, *, change: bool) -> SeatingPlan:
        plan = get_object_or_404(SeatingPlan.objects.select_related("conference", "room"), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, plan):
            raise PermissionDenied
        return plan

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, object_id)
        if plan is not None:
            extra_context = {
                "seating": seating_plan_places(plan=plan),
                "can_swap": self.has_change_permission(request, plan),
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request, pk: int):
        plan = self._plan(request, pk, change=False)
        seating = seating_plan_places(plan=plan)
        language = get_language()
        return pdf_response(
            seating_pdf(seating=seating, language=language),
            filename=f"seating-{plan.conference.slug}-{plan.pk}-{language}.pdf",
        )

    def swap_view(self, request, pk: int):
        plan = self._plan(request, pk, change=True)
        seating = seating_plan_places(plan=plan)
        form = SeatSwapForm(request.POST or None, seating=seating)
        if form.is_valid():
            try:
                seat_swap(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(request, _("The two delegations have swapped places."))
                return redirect("admin:agenda_seatingplan_change", plan.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Swap two delegations on %s") % plan,
            "plan": plan,
            "seating": seating,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "sessions/admin/seat_swap.html", context)
