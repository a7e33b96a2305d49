"""Forms of the drafting officer's steps in the admin; each one feeds a service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Delegation

from .enums import AdoptionMethod, AmendmentAction, AmendmentStatus, ParagraphKind, PositionKind
from .models import Amendment, Conference, OutcomeDocument, Paragraph


def _delegations(document: OutcomeDocument):
    return Delegation.objects.filter(conference_id=document.conference_id).order_by("name")


class DocumentStepForm(forms.Form):
    """Base of the step forms: each knows the document it acts on."""

    def __init__(self, *args, document: OutcomeDocument, **kwargs):
        self.document = document
        super().__init__(*args, **kwargs)


class NoteForm(DocumentStepForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConfirmForm(DocumentStepForm):
    pass


class PasteTextForm(DocumentStepForm):
    text = forms.CharField(
        label=_("Whole text"),
        widget=forms.Textarea(attrs={"rows": 30, "style": "width: 48em"}),
        help_text=_(
            "It replaces every paragraph of this version. Leave a blank line between paragraphs; "
            "start operative ones with their number (1.) and preambular ones with their letter "
            "((a)) or nothing. Plenary numbers them again."
        ),
    )


class SilenceForm(DocumentStepForm):
    deadline = forms.DateTimeField(
        label=_("Silence deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In the conference's time zone."),
    )


class SilenceBreakForm(DocumentStepForm):
    delegation = forms.ModelChoiceField(label=_("Delegation"), queryset=Delegation.objects.none())
    text = forms.CharField(label=_("Text of the break"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = _delegations(self.document)


class AdoptForm(DocumentStepForm):
    method = forms.ChoiceField(label=_("Method"), choices=AdoptionMethod.choices)
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.ModelChoiceField(
        label=_("Final version"),
        queryset=None,
        required=False,
        help_text=_("Empty: the latest issued version."),
    )
    votes_for = forms.IntegerField(label=_("Votes in favour"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = self.document.versions.filter(issued_at__isnull=False)


class PublishForm(DocumentStepForm):
    symbol = forms.CharField(
        label=_("Symbol"), max_length=60, required=False, help_text=_("e.g. A/73/886")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symbol"].initial = self.document.symbol


class PositionStatementForm(DocumentStepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PositionKind.choices)
    delegations = forms.ModelMultipleChoiceField(
        label=_("Delegations"), queryset=Delegation.objects.none()
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    made_on = forms.DateField(
        label=_("Made on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegations"].queryset = _delegations(self.document)


class AmendmentForm(DocumentStepForm):
    action = forms.ChoiceField(label=_("Action"), choices=AmendmentAction.choices)
    target_paragraph = forms.ModelChoiceField(
        label=_("Paragraph"),
        queryset=Paragraph.objects.none(),
        required=False,
        help_text=_("For an addition: the paragraph the new text follows (empty: the start)."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of an added paragraph"),
        choices=ParagraphKind.choices,
        initial=ParagraphKind.OPERATIVE,
    )
    proposed_text = forms.CharField(
        label=_("Proposed text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    delegations = forms.ModelMultipleChoiceField(
        label=_("Proposed by"), queryset=Delegation.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = (
            self.document.versions.filter(issued_at__isnull=False).order_by("-sequence").first()
        )
        if latest is not None:
            self.fields["target_paragraph"].queryset = latest.paragraphs.order_by("position")
            self.fields["target_paragraph"].label_from_instance = lambda p: (
                f"{p.get_kind_display()} {p.number}: {p.text[:80]}"
            )
        self.fields["delegations"].queryset = _delegations(self.document)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Amendment.objects.none())

    def __init__(self, *args, document_id: int, exclude: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Amendment.objects.filter(
            document_id=document_id,
            status__in=[AmendmentStatus.PROPOSED, AmendmentStatus.ACCEPTED],
        ).exclude(pk__in=exclude)


class ConsolidateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    theme = forms.CharField(label=_("Theme"), max_length=120)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    addressee = forms.CharField(label=_("Addressee"), max_length=200, required=False)
    source_conference = forms.ModelChoiceField(
        label=_("Consolidated at"), queryset=Conference.objects.all()
    )


class PresentedAtForm(forms.Form):
    conference = forms.ModelChoiceField(label=_("Presented at"), queryset=Conference.objects.all())
