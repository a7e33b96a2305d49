"""What the API shows and accepts. Reads never include identity data unless asked for with
the identity scope (``?include=identity``); a token with that scope also sees each photo's
address (``photo_url``), whose every read is logged. Writes refuse any field they do not know."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from rest_framework import serializers

from conference.models import Conference
from documents.models import OutcomeDocument
from participants.models import Delegation, Participant
from sessions.models import Session, Statement


class StrictSerializer(serializers.Serializer):
    """Refuses a body that is not a JSON object, and every field it does not declare."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object.")]}, code="not_an_object"
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field.")] for name in unknown}, code="unknown_field"
            )
        return super().to_internal_value(data)


class ConferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conference
        fields = [
            "id",
            "slug",
            "title",
            "short_title",
            "title_en",
            "title_ru",
            "short_title_en",
            "short_title_ru",
            "start_date",
            "end_date",
            "time_zone",
            "status",
        ]


class DelegationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Delegation
        fields = ["id", "name", "country", "organization", "category", "level", "status"]


class ParticipantSerializer(serializers.ModelSerializer):
    badge_category = serializers.SerializerMethodField()
    zones = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "delegation",
            "honorific",
            "given_names",
            "family_name",
            "functional_title",
            "role",
            "status",
            "badge_number",
            "badge_category",
            "zones",
            "updated_at",
        ]

    def get_badge_category(self, participant) -> str | None:
        category = participant.badge_category
        return category.code if category else None

    def get_zones(self, participant) -> list[str]:
        category = participant.badge_category
        return [zone.code for zone in category.zones.all()] if category else []


class IdentitySerializer(serializers.Serializer):
    nationality = serializers.CharField(source="nationality.code", allow_blank=True)
    date_of_birth = serializers.DateField(allow_null=True)
    place_of_birth = serializers.CharField(allow_blank=True)
    passport_number = serializers.CharField(allow_blank=True)
    passport_issued_on = serializers.DateField(allow_null=True)
    passport_expires_on = serializers.DateField(allow_null=True)


class ParticipantWithPhotoSerializer(ParticipantSerializer):
    """For an identity token: the address of the photo (null without one)."""

    photo_url = serializers.SerializerMethodField()

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "photo_url"]

    def get_photo_url(self, participant) -> str | None:
        document = getattr(participant, "identity", None)  # None: no identity document
        if document is None or not document.photo:
            return None
        path = reverse("api:participant-photo", args=[participant.pk])
        return self.context["request"].build_absolute_uri(path)


class ParticipantWithIdentitySerializer(ParticipantWithPhotoSerializer):
    passport_name = serializers.CharField(read_only=True)
    identity = serializers.SerializerMethodField()

    class Meta(ParticipantWithPhotoSerializer.Meta):
        fields = [*ParticipantWithPhotoSerializer.Meta.fields, "passport_name", "identity"]

    def get_identity(self, participant) -> dict | None:
        document = getattr(participant, "identity", None)
        return IdentitySerializer(document).data if document is not None else None


class StatementSerializer(serializers.ModelSerializer):
    speaker_name = serializers.CharField(source="speaker.full_name", default=None)

    class Meta:
        model = Statement
        fields = [
            "id",
            "order",
            "speaker",
            "speaker_name",
            "delegation",
            "on_behalf_of",
            "mode",
            "status",
            "is_right_of_reply",
            "allotted_minutes",
            "started_at",
            "ended_at",
        ]


class SessionSerializer(serializers.ModelSerializer):
    room = serializers.CharField(source="room.name", default=None)

    class Meta:
        model = Session
        fields = ["id", "title", "kind", "starts_at", "ends_at", "room", "chair", "is_public"]


class OutcomeDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeDocument
        fields = [
            "id",
            "kind",
            "title",
            "symbol",
            "status",
            "adoption_method",
            "adopted_on",
            "votes_for",
            "votes_against",
            "abstentions",
        ]


class NominationIdentitySerializer(StrictSerializer):
    nationality = serializers.ChoiceField(
        choices=[code for code, _name in countries], required=False
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    place_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=120)
    passport_number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    passport_issued_on = serializers.DateField(required=False, allow_null=True)
    passport_expires_on = serializers.DateField(required=False, allow_null=True)


NOMINATION_FIELDS = (
    "honorific",
    "given_names",
    "family_name",
    "passport_name",
    "gender",
    "functional_title",
    "email",
    "phone",
    "preferred_language",
    "role",
    "name_cyrillic",
)


def _model_field(name: str, **kwargs) -> serializers.Field:
    """A write field shaped by the model's own (choices, lengths); the model validates again."""
    field = Participant._meta.get_field(name)
    if field.choices:
        return serializers.ChoiceField(
            choices=[value for value, _label in field.flatchoices],
            allow_blank=field.blank,
            **kwargs,
        )
    if name == "email":
        return serializers.EmailField(max_length=field.max_length, **kwargs)
    return serializers.CharField(max_length=field.max_length, allow_blank=field.blank, **kwargs)


class NominationSerializer(StrictSerializer):
    """A delegation's nomination of a member: the focal point's fields, and passport data."""

    def get_fields(self):
        partial = self.partial
        fields = {}
        for name in NOMINATION_FIELDS:
            model_field = Participant._meta.get_field(name)
            required = not (partial or model_field.blank or model_field.has_default())
            fields[name] = _model_field(name, required=required)
        fields["identity"] = NominationIdentitySerializer(required=False)
        return fields
