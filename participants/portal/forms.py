"""Forms of the focal-point portal: a member, a note verbale. Forms validate; services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.enums import (
    PreferredLanguage,
)
from participants.identity.photos import photo_discard_kept, photo_keep, photo_kept, photo_reencode
from participants.models import (
    LOGISTICS_FIELDS,
    PASSPORT_FIELDS,
    REQUIRED_PASSPORT_FIELDS,
    Delegation,
    IdentityDocument,
    Participant,
    passport_expiry_problem,
    passport_expiry_warning,
)

MAX_NOTE_BYTES = 10 * 1024 * 1024
# The models carry no verbose names (adding them would mean migrations), so the portal,
# which focal points read in English or Russian, names its fields here.
PASSPORT_LABELS = {
    "nationality": gettext_lazy("Nationality"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "passport_number": gettext_lazy("Passport number"),
    "passport_issued_on": gettext_lazy("Passport issued on"),
    "passport_expires_on": gettext_lazy("Passport expires on"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


def _row(*names: str) -> Row:
    return Row(*[Column(name, css_class="col-md-6") for name in names])


# The version of the consent texts below; change it whenever their wording changes, so each
# member's record says which text they agreed to.
CONSENT_TEXT_VERSION = "2026-12-01"


class MemberForm(forms.ModelForm):
    """One delegation member with their identity document, as the focal point fills it in."""

    consent_processing = forms.BooleanField(
        label=gettext_lazy(
            "The member agrees that the organizers process the data on this form, passport data "
            "and photo included, for accreditation, security vetting and visa support, and "
            "erase the identity data after the conference's retention date."
        ),
        required=True,
        error_messages={
            "required": gettext_lazy(
                "The member's consent to the processing of the data is needed."
            )
        },
    )
    consent_public_list = forms.BooleanField(
        label=gettext_lazy(
            "The member agrees to appear, with name, title and delegation, on a public list of "
            "participants."
        ),
        required=False,
    )

    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        help_text=gettext_lazy(
            "A recent colour portrait photo, 3 wide by 4 high, at least 300 × 400 pixels; "
            "JPEG or PNG, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    # The token of a photo that passed its checks on an earlier, failed submission.
    kept_photo = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Participant
        fields = [
            "honorific",
            "given_names",
            "family_name",
            "passport_name",
            "gender",
            "functional_title",
            "role",
            "email",
            "phone",
            "preferred_language",
            "correspondence_language",
            *LOGISTICS_FIELDS,
            "visa_consulate",
        ]
        widgets = {"arrival_at": DateTimeInput(), "departure_at": DateTimeInput()}
        labels = {
            "honorific": gettext_lazy("Honorific"),
            "given_names": gettext_lazy("Given names"),
            "family_name": gettext_lazy("Family name"),
            "passport_name": gettext_lazy("Name as in the passport"),
            "gender": gettext_lazy("Gender"),
            "functional_title": gettext_lazy("Functional title"),
            "role": gettext_lazy("Role in the delegation"),
            "email": gettext_lazy("E-mail"),
            "phone": gettext_lazy("Phone"),
            "preferred_language": gettext_lazy("Preferred language"),
            "correspondence_language": gettext_lazy("Language of e-mails"),
            "hospitality_requested": gettext_lazy("Hosted by the organizers"),
            "arrival_at": gettext_lazy("Arrival (date and time)"),
            "arrival_flight": gettext_lazy("Arrival flight"),
            "departure_at": gettext_lazy("Departure (date and time)"),
            "departure_flight": gettext_lazy("Departure flight"),
            "hotel": gettext_lazy("Hotel"),
            "needs_airport_transfer": gettext_lazy("Needs an airport transfer"),
            "needs_visa_support": gettext_lazy("Needs visa support"),
            "visa_consulate": gettext_lazy("Consular section for the visa"),
            "dietary_needs": gettext_lazy("Dietary needs"),
            "accessibility_needs": gettext_lazy("Accessibility needs"),
        }

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.document = getattr(self.instance, "identity", None) if self.instance.pk else None
        self.kept_scope = f"delegation-{self.instance.delegation_id}"
        self.initial["consent_public_list"] = self.instance.consent_public_list
        self.initial["consent_processing"] = bool(
            self.instance.consent_processing_at
            and self.instance.consent_text_version == CONSENT_TEXT_VERSION
        )
        self.kept = photo_kept(self.data.get("kept_photo", ""), scope=self.kept_scope)
        self.fields["correspondence_language"].choices = [
            ("", _("The delegation's")),
            *PreferredLanguage.choices,
        ]
        passport = PASSPORT_FIELDS if conference.requires_passport_data else ()
        self.fields.update(
            fields_for_model(
                IdentityDocument,
                fields=passport,
                labels=PASSPORT_LABELS,
                widgets={
                    "date_of_birth": DateInput(),
                    "passport_issued_on": DateInput(),
                    "passport_expires_on": DateInput(),
                },
            )
        )
        for name in set(passport).intersection(REQUIRED_PASSPORT_FIELDS):
            self.fields[name].required = True
        if self.document:
            for name in passport:
                self.initial[name] = getattr(self.document, name)
        delegation = self.instance.delegation
        if passport and delegation and not self.initial.get("nationality"):
            self.initial["nationality"] = delegation.country.code
        # Every badge needs a photo; after the first upload a new one is optional.
        self.fields["photo"].required = not (self.document and self.document.photo)
        if self.kept:
            self._show_photo_kept()
        self.fields["arrival_at"].input_formats = self.fields["departure_at"].input_formats = [
            "%Y-%m-%dT%H:%M"
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                _row("honorific", "gender"),
                _row("given_names", "family_name"),
                "passport_name",
                "photo",
                "kept_photo",
            ),
            Fieldset(_("Role"), _row("functional_title", "role")),
            Fieldset(
                _("Contact"),
                _row("email", "phone"),
                _row("preferred_language", "correspondence_language"),
            ),
            *(
                [
                    Fieldset(
                        _("Passport (for visa support and security vetting)"),
                        _row("nationality", "passport_number"),
                        _row("date_of_birth", "place_of_birth"),
                        _row("passport_issued_on", "passport_expires_on"),
                    )
                ]
                if passport
                else []
            ),
            Fieldset(
                _("Logistics"),
                "hospitality_requested",
                _row("arrival_at", "arrival_flight"),
                _row("departure_at", "departure_flight"),
                "hotel",
                _row("needs_airport_transfer", "needs_visa_support"),
                "visa_consulate",
                _row("dietary_needs", "accessibility_needs"),
            ),
            Fieldset(_("Consent"), "consent_processing", "consent_public_list"),
            Submit("save", _("Save member"), css_class="w-100 w-md-auto"),
        )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return photo_reencode(upload) if upload else self.kept

    def clean_passport_expires_on(self):
        expires_on = self.cleaned_data["passport_expires_on"]
        problem = passport_expiry_problem(expires_on=expires_on, conference=self.conference)
        if problem:
            raise forms.ValidationError(problem, code="passport_expires_too_soon")
        return expires_on

    def passport_warning(self) -> str | None:
        return passport_expiry_warning(
            expires_on=self.cleaned_data.get("passport_expires_on"), conference=self.conference
        )

    def keep_photo(self) -> None:
        """After a failed submission: hold on to a photo that passed, for the next one."""
        photo = getattr(self, "cleaned_data", {}).get("photo")
        if photo is None or photo is self.kept:
            return
        self.data = self.data.copy()
        self.data["kept_photo"] = photo_keep(photo, scope=self.kept_scope)
        self._show_photo_kept()

    def _show_photo_kept(self) -> None:
        self.fields["photo"].required = False
        # The bound field copies the help text when created, which validation has done.
        self.fields["photo"].help_text = self["photo"].help_text = _(
            "The photo you chose is kept. Choose a file only to replace it."
        )

    def discard_kept_photo(self) -> None:
        """After a successful save the kept copy has been stored with the member."""
        photo_discard_kept(self.data.get("kept_photo", ""), scope=self.kept_scope)

    def identity_data(self) -> dict:
        """Identity-document values for the service; a photo of None means "keep the old one"."""
        names = [*PASSPORT_FIELDS, "photo"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def participant_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        return {**data, **self._consent_data()}

    def _consent_data(self) -> dict:
        # The time of agreement stays that of the first agreement to the same text.
        instance = self.instance
        agreed_before = (
            instance.consent_processing_at and instance.consent_text_version == CONSENT_TEXT_VERSION
        )
        return {
            "consent_processing_at": (
                instance.consent_processing_at if agreed_before else timezone.now()
            ),
            "consent_public_list": self.cleaned_data["consent_public_list"],
            "consent_text_version": CONSENT_TEXT_VERSION,
        }


class NoteVerbaleForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["nomination_reference", "nomination_date", "nomination_file"]
        # No link to the stored file: the portal has no business serving identity files.
        widgets = {"nomination_date": DateInput(), "nomination_file": forms.FileInput()}
        labels = {
            "nomination_reference": gettext_lazy("Note verbale number"),
            "nomination_date": gettext_lazy("Date of the note verbale"),
            "nomination_file": gettext_lazy("Scanned note verbale (PDF, JPEG or PNG, max. 10 MB)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model checks the file's extension and content, whoever uploads it.
        for field in self.fields.values():
            field.required = True
        self.helper = FormHelper()
        self.helper.add_input(Submit("upload", _("Upload note verbale")))

    def clean_nomination_file(self):
        upload = self.cleaned_data["nomination_file"]
        if upload and upload.size > MAX_NOTE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
