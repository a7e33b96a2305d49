from datetime import date

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from conference.models import Conference
from participants.enums import RepresentationLevel

from .enums import SessionKind
from .models import Room


class AgendaFilterForm(forms.Form):
    """Filters of the public agenda: a plain GET form, so it works without JavaScript."""

    day = forms.TypedChoiceField(
        label=_("Day"), required=False, coerce=date.fromisoformat, empty_value=None
    )
    room = forms.TypedChoiceField(label=_("Room"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of session"), required=False)

    def __init__(self, data, *, conference: Conference, rooms: list[Room]):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["day"].choices = everything + [
            (day.isoformat(), date_format(day, "l, j E")) for day in conference.days
        ]
        self.fields["room"].choices = everything + [(room.pk, room.name) for room in rooms]
        self.fields["kind"].choices = everything + list(SessionKind.choices)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "agenda-filters d-print-none mb-4"
        self.helper.attrs = {"aria-label": _("Filter the agenda")}
        self.helper.layout = Layout(
            Row(
                Column("day", css_class="col-sm"),
                Column("room", css_class="col-sm"),
                Column("kind", css_class="col-sm"),
                Column(
                    StrictButton(_("Show"), type="submit", css_class="btn-primary"),
                    css_class="col-sm-auto align-self-end mb-3",
                ),
            )
        )

    def filters(self) -> dict:
        """The chosen filters; invalid input filters nothing and shows its error."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class InscriptionForm(forms.Form):
    """A delegation asks for the floor. The choices are the delegation's; the service
    refuses the rest with a clear message, so the fields take any number."""

    session = forms.IntegerField(label=_("Session"), widget=forms.Select)
    speaker = forms.IntegerField(label=_("Who speaks"), widget=forms.Select)
    level = forms.TypedChoiceField(
        label=_("At which level"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Empty: your delegation's level of representation."),
    )

    def __init__(self, data=None, *, sessions, speakers, delegation):
        super().__init__(data)
        self.fields["session"].widget.choices = [("", "—")] + [(s.pk, s.title) for s in sessions]
        self.fields["speaker"].widget.choices = [("", "—")] + [
            (p.pk, f"{p.display_name}, {p.get_role_display()}".strip(", ")) for p in speakers
        ]
        default = RepresentationLevel(delegation.level).label if delegation.level else "—"
        self.fields["level"].choices = [("", _("As the delegation (%s)") % default)] + list(
            RepresentationLevel.choices
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
