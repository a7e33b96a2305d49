"""Forms of the organizers' accreditation pages: a reason for a transition, a circular.

They validate input; services decide.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy

from conference.selectors import conferences_newest_first
from participants.accreditation.selectors import CircularFilter
from participants.accreditation.services import circular_text_errors
from participants.enums import (
    AccreditationState,
    CircularAudience,
    DelegationCategory,
    DelegationStatus,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(
        self, *args, submit_label: str, required: bool = True, with_message: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if with_message:
            # An organizer's reason can say what the delegation must not read; what it is
            # told goes in a field of its own.
            self.fields["message"] = forms.CharField(
                label=gettext_lazy("Message to the delegation"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("confirm", submit_label, css_class="btn-danger"))


class CircularForm(forms.Form):
    """Who a circular goes to, and what it says in each language (the Russian text optional)."""

    conference = forms.ModelChoiceField(
        label=gettext_lazy("Conference"), queryset=conferences_newest_first()
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Send to"), choices=CircularAudience.choices, widget=forms.RadioSelect
    )
    delegation_statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Delegations with the status"),
        choices=DelegationStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every status."),
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Delegations of the kind"),
        choices=DelegationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every kind."),
    )
    without_note_verbale = forms.BooleanField(
        label=gettext_lazy("Only delegations without a note verbale"), required=False
    )
    participant_statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Participants with the accreditation status"),
        choices=AccreditationState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("For participants only. None ticked: every status."),
    )
    subject_en = forms.CharField(
        label=gettext_lazy("Subject (English)"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text (English)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    subject_ru = forms.CharField(
        label=gettext_lazy("Subject (Russian)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    body_ru = forms.CharField(
        label=gettext_lazy("Text (Russian)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=gettext_lazy("Empty: Russian-speaking recipients read the English text."),
    )
    # Names this circular: sending the same form twice writes each message once.
    send_id = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, placeholders_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body_en"].help_text = placeholders_help

    def clean(self):
        data = super().clean()
        if {"subject_en", "body_en"} <= data.keys():
            subject, body = self.texts()
            for field, message in circular_text_errors(subject=subject, body=body).items():
                self.add_error(field, message)
        return data

    def which(self) -> CircularFilter:
        data = self.cleaned_data
        return CircularFilter(
            audience=data["audience"],
            delegation_statuses=tuple(data["delegation_statuses"]),
            categories=tuple(data["categories"]),
            without_note_verbale=data["without_note_verbale"],
            participant_statuses=tuple(data["participant_statuses"]),
        )

    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        """(subject, body), each by language; a language left empty is not there."""
        data = self.cleaned_data
        subject = {"en": data["subject_en"]}
        body = {"en": data["body_en"]}
        if data.get("subject_ru", "").strip():
            subject["ru"] = data["subject_ru"]
        if data.get("body_ru", "").strip():
            body["ru"] = data["body_ru"]
        return subject, body
