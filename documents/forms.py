"""Forms of the drafting officer's steps in the admin; each one feeds a service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Delegation

from .enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    ParagraphKind,
    ParagraphStatus,
    PositionKind,
)
from .models import Amendment, Conference, DocumentVersion, OutcomeDocument, Paragraph


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


class SilenceExtendForm(DocumentStepForm):
    deadline = forms.DateTimeField(
        label=_("New silence deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In the conference's time zone. The text goes out again with it."),
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


class PublicDraftForm(DocumentStepForm):
    version = forms.ModelChoiceField(
        label=_("Version"),
        queryset=DocumentVersion.objects.none(),
        help_text=_("An issued version; the public site shows it until another is published."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        issued = self.document.versions.filter(issued_at__isnull=False).order_by("-sequence")
        self.fields["version"].queryset = issued
        self.fields["version"].initial = issued.first()


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
    proposed_text_ru = forms.CharField(
        label=_("Proposed text (Russian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Without it, accepting the amendment leaves the paragraph untranslated."),
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


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BracketForm(forms.Form):
    """Bracket words of a paragraph: which words, in each language, held by whom."""

    words = forms.CharField(
        label=_("Bracketed words (English)"),
        max_length=2000,
        help_text=_("Exactly as they stand in the English text."),
    )
    occurrence = forms.IntegerField(
        label=_("Occurrence"),
        min_value=1,
        required=False,
        help_text=_("If the words occur more than once: which one (1 for the first)."),
    )
    words_ru = forms.CharField(
        label=_("Bracketed words (Russian)"),
        max_length=2000,
        required=False,
        help_text=_("Exactly as they stand in the Russian text; empty if it has none."),
    )
    occurrence_ru = forms.IntegerField(label=_("Occurrence (Russian)"), min_value=1, required=False)
    holders = forms.ModelMultipleChoiceField(
        label=_("Held by"), queryset=Delegation.objects.none(), required=False
    )
    options = forms.CharField(
        label=_("Further options (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: Option 2, Option 3… The bracketed words are Option 1."),
    )
    options_ru = forms.CharField(
        label=_("Further options (Russian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in the same order."),
    )

    def __init__(self, *args, paragraph: Paragraph, **kwargs):
        self.paragraph = paragraph
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = _delegations(paragraph.version.document)

    def clean(self):
        data = super().clean()
        english, russian = _lines(data.get("options", "")), _lines(data.get("options_ru", ""))
        if len(russian) > len(english):
            raise forms.ValidationError(
                _("Each Russian option needs its English one."), code="options_mismatch"
            )
        data["option_rows"] = [
            {"text": text, "text_ru": russian[i] if i < len(russian) else ""}
            for i, text in enumerate(english)
        ]
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "words": data["words"],
            "words_ru": data.get("words_ru") or "",
            "occurrence": data.get("occurrence") or 0,
            "occurrence_ru": data.get("occurrence_ru") or 0,
            "holders": list(data["holders"]),
            "options": data["option_rows"],
        }


class BracketChangeForm(BracketForm):
    """Who holds an existing bracket and its options; its words stay."""

    def __init__(self, *args, bracket, **kwargs):
        super().__init__(*args, paragraph=bracket.paragraph, **kwargs)
        del self.fields["words"], self.fields["occurrence"]
        del self.fields["words_ru"], self.fields["occurrence_ru"]
        if not self.is_bound:
            options = list(bracket.options.order_by("position"))
            self.initial = {
                "holders": list(bracket.holders.all()),
                "options": "\n".join(o.text_en or "" for o in options),
                "options_ru": "\n".join(o.text_ru or "" for o in options),
            }


class ParagraphStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=())
    confirm_by = forms.ModelMultipleChoiceField(
        label=_("To be confirmed by"),
        queryset=Delegation.objects.none(),
        required=False,
        help_text=_("For a paragraph agreed ad referendum: whose capitals must confirm."),
    )

    def __init__(self, *args, paragraph: Paragraph, lifting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [c for c in ParagraphStatus.choices if c[0] != ParagraphStatus.BRACKETED]
        if lifting:
            choices = [c for c in choices if c[0] != ParagraphStatus.NOT_DISCUSSED]
        self.fields["status"].choices = choices
        self.fields["status"].initial = ParagraphStatus.AGREED
        self.fields["confirm_by"].queryset = _delegations(paragraph.version.document)


class IssueForm(DocumentStepForm):
    """Issuing a version; a version whose translation is incomplete asks for confirmation."""

    confirm_incomplete_translation = forms.BooleanField(
        label=_("Issue it with the translation incomplete"), required=False
    )

    def __init__(self, *args, gaps=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not gaps:
            del self.fields["confirm_incomplete_translation"]
