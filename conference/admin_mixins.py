"""Admin building blocks every app's admin shares."""

from operator import attrgetter

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import transaction
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Conference


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes go through the app's services.

    The services validate, write and retire the public pages that show the object;
    the admin only hands them what the form collected.
    """

    def save_object(self, request, obj, form) -> None:
        raise NotImplementedError

    def delete_object(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_object(request, obj, form)

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_object(request, obj)


class AuditLogAdmin(admin.ModelAdmin):
    """Audit rows are written by services only; the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on a change page; they change elsewhere, through services."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def in_conference_time(conference: Conference, view, *args):
    """The view's response, with its forms parsed and its page rendered in conference time."""
    with timezone.override(conference.tz):
        response = view(*args)
        # A TemplateResponse renders late, after the override would have ended.
        if hasattr(response, "render"):
            response.render()
        return response


class ConferenceSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, saying which time zone they are in.

    Django's calendar script appends "you are N hours behind server time" beside a date
    input unless its container already holds a ``.timezonewarning``; the note rendered
    here is that element, so the misleading comparison with the server never appears.
    """

    def __init__(self, *, note: str, attrs=None):
        super().__init__(attrs)
        self.note = note

    def render(self, name, value, attrs=None, renderer=None):
        # The form renderer does not read the project's templates, so the note goes in here:
        # inside the widget's <p>, the container the calendar script looks in.
        html = super().render(name, value, attrs, renderer)
        head, end, tail = html.rpartition("</p>")
        note = format_html('<span class="help timezonewarning">{}</span>', self.note)
        return mark_safe(f"{head}{note}{end}{tail}")  # both parts are escaped


class ConferenceTimeMixin:
    """Times are read and entered in the conference's own time zone, as the public sees them.

    The server's time zone is UTC; a programme officer in Dushanbe who typed 10:30
    would otherwise put the session at 15:30 local time.
    """

    local_time_fields: tuple[str, ...] = ()

    def form_conference(self, request, obj) -> Conference | None:
        raise NotImplementedError

    def _posted(self, request, name: str) -> str:
        value = request.POST.get(name) or request.GET.get(name) or ""
        return value if value.isdigit() else ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        conference = self.form_conference(request, obj)
        note = (
            _("Times are in the conference's time zone, %(zone)s.") % {"zone": conference.tz}
            if conference
            else _("Times are in the time zone of the chosen conference.")
        )
        # A view-only form has no editable fields to annotate.
        for name in set(self.local_time_fields) & set(form.base_fields):
            form.base_fields[name].widget = ConferenceSplitDateTime(note=note)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        conference = self.form_conference(request, obj)
        view = super().changeform_view
        if conference is None:
            return view(request, object_id, form_url, extra_context)
        return in_conference_time(conference, view, request, object_id, form_url, extra_context)


def _conference_of(obj, path: str) -> Conference | None:
    return attrgetter(path.replace(LOOKUP_SEP, "."))(obj)


class ConferenceFieldTimeMixin(ConferenceTimeMixin):
    """The conference is the object's (through ``conference_path``) or the one on the form."""

    conference_path = "conference"

    def form_conference(self, request, obj) -> Conference | None:
        if obj is not None:
            return _conference_of(obj, self.conference_path)
        pk = self._posted(request, "conference")
        return Conference.objects.filter(pk=pk).first() if pk else None


def local_time_column(model: type[Model], name: str, *, conference_path: str = "conference"):
    """A changelist column with a date-time in its row's conference zone.

    A list shows rows of several conferences at once, so no single time zone can be
    activated for it; list ``conference_path`` in ``list_select_related``.
    """
    field = model._meta.get_field(name)

    @admin.display(description=capfirst(field.verbose_name), ordering=name)
    def column(obj) -> str | None:
        moment = getattr(obj, name)
        return _conference_of(obj, conference_path).local_text(moment) if moment else None

    column.__name__ = f"local_{name}"
    return column


def slug_cut(slug: str, length: int) -> str:
    """``slug`` in at most ``length`` characters, ending with a whole word where it can."""
    if len(slug) <= length:
        return slug
    if slug[length] == "-":
        return slug[:length].rstrip("-")
    head, hyphen, _rest = slug[:length].rpartition("-")
    return head.rstrip("-") if hyphen and head else slug[:length]


class WordBoundarySlugField(forms.SlugField):
    """A slug the admin prepopulates from a longer title, cut at a word when saved.

    The prepopulating script cuts the slug at the field's ``max_length``, mid-word; this
    field lets it write the whole slug (up to the title's length) and cuts it here.
    """

    def __init__(self, *, stored_length: int, source_length: int, **kwargs):
        super().__init__(max_length=source_length, **kwargs)
        self.stored_length = stored_length

    def to_python(self, value):
        return slug_cut(super().to_python(value), self.stored_length)


class WordBoundarySlugMixin:
    """``prepopulated_fields`` slugs cut at a whole word, not at the column's length."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        sources = self.prepopulated_fields.get(db_field.name)
        if not sources:
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        source_length = max(self.model._meta.get_field(name).max_length for name in sources)
        return WordBoundarySlugField(
            stored_length=db_field.max_length,
            # The script transliterates, and "щ" becomes "shch": room for four letters each.
            source_length=4 * source_length,
            required=not db_field.blank,
            label=capfirst(db_field.verbose_name),
            help_text=db_field.help_text,
        )
