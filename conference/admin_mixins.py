from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponseBadRequest, QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .models import Conference


class AuditLogAdmin(admin.ModelAdmin):
    """Audit rows are written by services only; the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# One conference at a time ---------------------------------------------------------------------
# Rooms, delegations and people of every edition carry the same names ("UNODC" three times),
# so a form offers only those of the conference it edits, and a list that has to show several
# conferences says which one each row belongs to.


def is_conference_bound(model) -> bool:
    try:
        field = model._meta.get_field("conference")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model._meta.label == "conference.Conference"


def conference_label(obj) -> str:
    return f"{obj} — {obj.conference}"


def id_param(request, name: str) -> int | None:
    """A positive integer id from the posted form or the query string, else None."""
    value = request.POST.get(name) or request.GET.get(name) or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class ConferenceAutocompleteMixin:
    """Asks the autocomplete view for the rows of one conference."""

    def __init__(self, *args, conference_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference_id = conference_id

    def get_url(self):
        return f"{super().get_url()}?{urlencode({'conference': self.conference_id})}"


class ConferenceAutocompleteSelect(ConferenceAutocompleteMixin, AutocompleteSelect):
    pass


class ConferenceAutocompleteSelectMultiple(ConferenceAutocompleteMixin, AutocompleteSelectMultiple):
    pass


# Where get_form and get_formset leave the conference for the form fields they build.
EDITED_CONFERENCE = "_plenary_edited_conference"


class SameConferenceChoicesMixin:
    """Choices of conference-bound rows (rooms, people, delegations…) are the edited conference's.

    For a model admin the conference is the object's; for an inline, its parent's; on an add
    page, the one in the query string or the posted form (``?conference=…``). Without one,
    each choice names its conference. The models' ``clean()`` refuses a mix all the same.
    """

    class Media:
        js = ["admin/js/jquery.init.js", "conference/admin/same_conference.js"]

    def form_conference(self, request, obj):
        if obj is not None and getattr(obj, "conference_id", None):
            return obj.conference
        pk = id_param(request, "conference")
        return Conference.objects.filter(pk=pk).first() if pk else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        setattr(request, EDITED_CONFERENCE, self.form_conference(request, obj))
        return super().get_form(request, obj, change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # An inline's obj is its parent: the statements of a session are of its conference.
        setattr(request, EDITED_CONFERENCE, self.form_conference(request, obj))
        return super().get_formset(request, obj, **kwargs)

    def _scope(self, db_field, request, kwargs, widget_class):
        model = db_field.remote_field.model
        if not is_conference_bound(model):
            return kwargs
        conference = getattr(request, EDITED_CONFERENCE, None)
        if conference is None:
            return kwargs
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = model._default_manager.using(kwargs.get("using"))
        kwargs["queryset"] = queryset.filter(conference=conference)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = widget_class(
                db_field, self.admin_site, using=kwargs.get("using"), conference_id=conference.pk
            )
        return kwargs

    def _label(self, field, request):
        bound = field is not None and is_conference_bound(field.queryset.model)
        if bound and getattr(request, EDITED_CONFERENCE, None) is None:
            field.queryset = field.queryset.select_related("conference")
            field.label_from_instance = conference_label
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope(db_field, request, kwargs, ConferenceAutocompleteSelect)
        return self._label(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope(db_field, request, kwargs, ConferenceAutocompleteSelectMultiple)
        return self._label(super().formfield_for_manytomany(db_field, request, **kwargs), request)


class ConferenceAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, limited to ``?conference=`` when the form passes one."""

    label_conference = False

    def get_queryset(self):
        queryset = super().get_queryset()
        if not is_conference_bound(queryset.model):
            return queryset
        conference_id = id_param(self.request, "conference")
        if conference_id is not None:
            return queryset.filter(conference=conference_id)
        self.label_conference = True
        return queryset.select_related("conference")

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if self.label_conference:
            result["text"] = conference_label(obj)
        return result


# No 500 from a query parameter ------------------------------------------------------------------
# PostgreSQL refuses a NUL byte in any text parameter, the date hierarchy computes the year
# after the one asked for, and the search ANDs one condition per word over every search field:
# a 3,000-word search ran past a minute. So every admin view sees a checked query string.

SEARCH_PARAMS = ("q", "term")  # the change list's search and the autocomplete's
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARS = 200
# Date parts a lookup may filter on, and the values that make a date. The year stops before
# 9999 because the date hierarchy asks for the start of the next one.
DATE_PARTS = {
    "year": (1, 9998),
    "iso_year": (1, 9998),
    "quarter": (1, 4),
    "month": (1, 12),
    "week": (1, 53),
    "day": (1, 31),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}


def _date_part_values_ok(key: str, value: str) -> bool:
    parts = key.split("__")
    bounds = next((DATE_PARTS[part] for part in reversed(parts) if part in DATE_PARTS), None)
    if bounds is None:
        return True
    values = value.split(",") if parts[-1] == "in" else [value]
    low, high = bounds
    return all(
        v.isascii() and v.isdigit() and len(v) <= 4 and low <= int(v) <= high for v in values
    )


def query_problem(query: QueryDict) -> str | None:
    """Why the query string cannot be used, or None."""
    for key, values in query.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return _("The address contains a NUL character, which no search or filter can use.")
        if not all(_date_part_values_ok(key, value) for value in values):
            return _("“%(parameter)s” needs a whole number that makes a date.") % {"parameter": key}
    return None


def search_too_long(term: str) -> bool:
    return len(term) > SEARCH_MAX_CHARS or len(term.split()) > SEARCH_MAX_WORDS


def cut_search(term: str) -> str:
    return " ".join(term.split()[:SEARCH_MAX_WORDS])[:SEARCH_MAX_CHARS]


def checked_query(view):
    """``view`` answering 400 to an unusable query string and cutting a long search."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        problem = query_problem(request.GET)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
        long = [name for name in SEARCH_PARAMS if search_too_long(request.GET.get(name, ""))]
        if long:
            query = request.GET.copy()
            for name in long:
                query[name] = cut_search(query[name])
            request.GET = query
        if "q" in long:
            messages.warning(
                request,
                _("A search uses at most %(words)d words and %(chars)d characters; "
                  "the rest was left out.")
                % {"words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_CHARS},
            )  # fmt: skip
        return view(request, *args, **kwargs)

    return checked


class PlenaryAdminSite(admin.AdminSite):
    """The admin with a checked query string on every view, the autocomplete included."""

    def admin_view(self, view, cacheable=False):
        return super().admin_view(checked_query(view), cacheable)

    def autocomplete_view(self, request):
        return ConferenceAutocompleteJsonView.as_view(admin_site=self)(request)
