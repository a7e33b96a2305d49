"""Admin building blocks every app's admin shares."""

import re
from functools import partial, wraps
from operator import attrgetter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Model, Q
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import selectors, two_factor
from .admin_counts import cached_figure
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

    def _posted(self, request, name: str) -> int | None:
        return id_param(request, name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # By keyword: modeltranslation's TranslationAdmin.get_form takes ``change`` no other way.
        form = super().get_form(request, obj, change=change, **kwargs)
        conference = self.form_conference(request, obj)
        note = (
            _("Times are in the conference's time zone, %(zone)s.")
            % {"zone": conference.zone_label}
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
        if not moment:
            return None
        conference = _conference_of(obj, conference_path)
        # A row of no conference (a message to an organizer) is read in the site's zone.
        if conference is None:
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        return conference.local_text(moment)

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

    # A property, not a Media class: an admin that declares its own ``class Media`` (the
    # participant admin does) would silently drop the script otherwise.
    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "conference/admin/same_conference.js"]
        )

    def form_conference(self, request, obj):
        if obj is not None and getattr(obj, "conference_id", None):
            return obj.conference
        pk = id_param(request, "conference")
        return Conference.objects.filter(pk=pk).first() if pk else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        setattr(request, EDITED_CONFERENCE, self.form_conference(request, obj))
        return super().get_form(request, obj, change=change, **kwargs)

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


# Where the changelist's filters name the conference in view: ?conference__id__exact=3 and,
# through a relation, ?session__conference__id__exact=3.
CONFERENCE_FILTER_PARAM = re.compile(r"^(?:\w+__)?conference(?:__id|_id)?(?:__exact)?$")


def conference_in_view(request) -> int | None:
    """The conference a changelist is filtered to, from its query string, else None."""
    for key, value in request.GET.items():
        if CONFERENCE_FILTER_PARAM.match(key) and value.isascii() and value.isdigit():
            return int(value) if len(value) < 10 else None
    return None


class ConferenceScopedChoicesMixin:
    """A list filter on a relation offers only the rows of the conference in view.

    Once the list is filtered to one conference, "By badge category" (or room, delegation,
    session…) lists that conference's rows, not every edition's "Delegate" and "Press".
    Registered for every relation to a conference-bound model (below), so a filter added to
    any admin later is scoped too.
    """

    def field_choices(self, field, request, model_admin):
        conference_id = conference_in_view(request)
        if conference_id is None or not is_conference_bound(field.related_model):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = {"conference": conference_id}
        # A RelatedOnlyFieldListFilter also keeps to the rows the list has.
        if isinstance(self, admin.RelatedOnlyFieldListFilter):
            pk_qs = (
                model_admin.get_queryset(request)
                .distinct()
                .values_list(f"{self.field_path}__pk", flat=True)
            )
            limit["pk__in"] = pk_qs
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


class ConferenceRelatedFieldListFilter(ConferenceScopedChoicesMixin, admin.RelatedFieldListFilter):
    pass


class ConferenceRelatedOnlyFieldListFilter(
    ConferenceScopedChoicesMixin, admin.RelatedOnlyFieldListFilter
):
    pass


def _relation_to_conference_bound(field) -> bool:
    return bool(field.remote_field) and is_conference_bound(field.related_model)


admin.FieldListFilter.register(
    _relation_to_conference_bound, ConferenceRelatedFieldListFilter, take_priority=True
)


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


def initial_value_problem(model: type[Model], query: QueryDict) -> str | None:
    """Why a parameter that pre-fills a relation on an add page names no possible row, or None.

    ``/add/?conference=abc`` would reach the relation's widget and fail while it renders.
    """
    for key, values in query.lists():
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if not field.is_relation:
            continue
        target = field.target_field
        for value in values:
            for part in value.split(",") if field.many_to_many else [value]:
                try:
                    target.run_validators(target.to_python(part))
                except (ValidationError, TypeError, ValueError):
                    return _("“%(parameter)s” does not name a %(model)s.") % {
                        "parameter": key,
                        "model": field.related_model._meta.verbose_name,
                    }
    return None


def selection_problem(model: type[Model], data: QueryDict) -> str | None:
    """Why the rows ticked for an admin action cannot be rows of ``model``, or None."""
    pk = model._meta.pk
    for value in data.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
        try:
            pk.run_validators(pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return _("The selection names no %(model)s.") % {"model": model._meta.verbose_name}
    return None


def search_too_long(term: str) -> bool:
    return len(term) > SEARCH_MAX_CHARS or len(term.split()) > SEARCH_MAX_WORDS


def cut_search(term: str) -> str:
    return " ".join(term.split()[:SEARCH_MAX_WORDS])[:SEARCH_MAX_CHARS]


def checked_query(view):
    """``view`` answering 400 to an unusable query string and cutting a long search."""

    model_admin = getattr(view, "__self__", None)
    model = getattr(model_admin, "model", None)

    @wraps(view)
    def checked(request, *args, **kwargs):
        problem = query_problem(request.GET)
        if problem is None and model is not None:
            problem = initial_value_problem(model, request.GET) or selection_problem(
                model, request.POST
            )
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
    """The admin with a checked query string on every view, the autocomplete included, and
    two-factor sign-in (conference.two_factor).

    Staff who must have a second factor (selectors.otp_required) get no admin page until a
    code from a confirmed device verified their session; other staff without a device may go
    on, and are sent to the setup page after each sign-in.
    """

    login_form = two_factor.TwoFactorLoginForm
    login_template = "admin/two_factor_login.html"

    def admin_view(self, view, cacheable=False):
        return super().admin_view(checked_query(view), cacheable)

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return two_factor.second_factor_satisfied(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if (
            request.method == "GET"
            and user.is_active
            and user.is_staff
            and not user.is_verified()
            and selectors.otp_required(user)
            and not selectors.otp_has_device(user)
        ):
            return two_factor.ask_for_a_device(request, request.GET.get("next", ""))
        response = super().login(request, extra_context)
        signed_in = request.method == "POST" and response.status_code == 302
        # The login form put the verified device on the user (None: the user has none yet).
        if signed_in and getattr(request.user, "otp_device", None) is None:
            return two_factor.ask_for_a_device(request, response["Location"])
        return response

    def get_urls(self):
        setup = partial(two_factor.setup_view, admin_site=self)
        return [path("otp/setup/", setup, name="otp_setup"), *super().get_urls()]

    def autocomplete_view(self, request):
        return ConferenceAutocompleteJsonView.as_view(admin_site=self)(request)


def selected_conference(
    modeladmin, request, queryset, *, refusal: str, path: str = "conference_id"
) -> Conference | None:
    """The one conference of an admin action's selection, or None after saying ``refusal``.

    Printing and exporting work on one conference at a time: its letterhead, its numbering,
    its protocol order.
    """
    conference_ids = list(queryset.order_by().values_list(path, flat=True).distinct()[:2])
    if len(conference_ids) != 1:
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    return Conference.objects.get(pk=conference_ids[0])


class LateRowChangeList(ChangeList):
    """Sorts and pages over the ids alone, then reads the full rows of the one page.

    A changelist row joins several tables (``list_select_related``) and is a few kilobytes
    wide; sorting 100,000 of them by a joined column (the delegation's name) to keep 100
    took 0.36 s. The ids with their sort keys are narrow, and the page's rows are then read
    by primary key.

    A sort by a column of a related table that the model admin names in
    ``window_orderings`` (``{"delegation__name": "delegation"}``) is paged by windows: the
    rows are counted per related row (one grouped query, cached with the paginator's count
    when the paginator has a ``count_scope``), the related rows are put in the sort's order
    (a small table), and the page's ids are read from the few related rows whose members
    hold the page, through an index on (…, delegation, id), never by sorting every row.

    Each row's link to its change page is the page's one reversed URL with the row's key put
    in, the list's filters already added: Django reverses it and then resolves it again, to
    add the filters, for every row (0.6 ms a row, 60 ms a page of 100).
    """

    _ROW_KEY = "~plenary-row~"

    def get_results(self, request):
        super().get_results(request)
        multi_page = self.result_count > self.list_per_page
        if not multi_page or (self.show_all and self.can_show_all) or self.list_editable:
            return
        offset = (self.page_num - 1) * self.list_per_page
        ids = self._window_ids(offset, self.list_per_page)
        if ids is None:
            ids = list(
                self.queryset.values_list("pk", flat=True)[offset : offset + self.list_per_page]
            )
        rows = self.queryset.order_by().in_bulk(ids)
        self.result_list = [rows[pk] for pk in ids if pk in rows]

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):
            return super().url_for_result(result)
        template = self.__dict__.get("_row_url")
        if template is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(self._ROW_KEY,),
                current_app=self.model_admin.admin_site.name,
            )
            filters = self.__dict__.setdefault("_row_filters", self.preserved_filters)
            template = add_preserved_filters({"preserved_filters": filters, "opts": self.opts}, url)
            self._row_url = template
            # items_for_result adds the filters to each row's URL: they are in it already.
            self.preserved_filters = ""
        return template.replace(self._ROW_KEY, str(pk), 1)

    def _window_ids(self, offset: int, limit: int) -> list | None:
        ordering = list(self.queryset.query.order_by)
        first = ordering[0] if ordering and isinstance(ordering[0], str) else ""
        descending, name = first.startswith("-"), first.lstrip("-")
        relation = getattr(self.model_admin, "window_orderings", {}).get(name)
        if relation is None:
            return None
        remote = name[len(relation) + len(LOOKUP_SEP) :]
        column = f"{relation}_id"
        grouped = self.queryset.order_by().values_list(column).annotate(n=Count("pk"))
        scope = getattr(self.model_admin.paginator, "count_scope", "")
        members = dict(
            cached_figure(scope, "window", grouped, lambda: list(grouped))
            if scope
            else list(grouped)
        )
        related = self.model._meta.get_field(relation).related_model
        keys = related._base_manager.filter(pk__in=[pk for pk in members if pk is not None])
        keys = keys.order_by(f"-{remote}" if descending else remote).values_list("pk", remote)
        # Related rows with the same sort key interleave by the next key: one window each.
        buckets: list[list] = []
        last = object()
        for pk, key in keys:
            if buckets and key == last:
                buckets[-1].append(pk)
            else:
                buckets.append([pk])
            last = key
        if None in members:  # rows without a related row sort as NULL does in this database
            nulls_first = connection.features.nulls_order_largest == descending
            buckets.insert(0, [None]) if nulls_first else buckets.append([None])
        start, chosen = 0, []
        for bucket in buckets:
            size = sum(members.get(pk, 0) for pk in bucket)
            if start + size <= offset and not chosen:
                start += size
                continue
            chosen += bucket
            if start + sum(members.get(pk, 0) for pk in chosen) >= offset + limit:
                break
        if not chosen:
            return []
        window = Q(**{f"{column}__in": [pk for pk in chosen if pk is not None]})
        if None in chosen:
            window |= Q(**{f"{column}__isnull": True})
        inside = offset - start
        return list(
            self.queryset.filter(window).values_list("pk", flat=True)[inside : inside + limit]
        )


class LateRowChangeListMixin:
    def get_changelist(self, request, **kwargs):
        return LateRowChangeList
