"""The /api/v1/ endpoints: thin views over the domain selectors and services.

Every view: a token of one conference (api.authentication), the scope it needs
(api.permissions), a rate per token, the conference's local time in every date-time,
an ETag on every read (If-None-Match answers 304), one JSON error shape
(api.exceptions), and one row in the call log per request, refused ones included.
"""

import datetime as dt
import hashlib
import uuid

from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from conference.models import Conference
from conference.security import client_ip
from documents.models import OutcomeDocument
from participants.accreditation.selectors import registration_closed_reason
from participants.accreditation.services import (
    AccreditationError,
    identity_access_record,
    identity_export_record,
    participant_nominate,
    participant_update_nomination,
)
from participants.badging.services import Checkpoint, badge_scan
from participants.enums import AccreditationStatus, DelegationRole, ScanAction
from participants.models import Delegation, Participant
from participants.uploads import file_response
from sessions.models import Session, Statement

from . import serializers as api_serializers
from .enums import Scope
from .exceptions import ApiError
from .permissions import CheckinScope, IdentityScope, NominationScope, ReadScope
from .services import api_call_record

# ``?include=identity`` adds passport data: identity scope only, and every read is logged.
INCLUDE_IDENTITY = "identity"


def _client_address(request) -> str | None:
    return client_ip(request) or None


class ApiView(generics.GenericAPIView):
    permission_classes = [ReadScope]

    @property
    def token(self):
        return self.request.auth

    @property
    def conference(self) -> Conference:
        return self.token.conference

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        timezone.activate(self.conference.tz)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        timezone.deactivate()
        # A file (a photo) carries its own ETag; a JSON body's is its content's digest.
        if request.method == "GET" and response.status_code == 200 and not response.streaming:
            response = self._conditional(request, response)
        response["Cache-Control"] = "private, no-store"
        token = getattr(request._request, "api_token", None)
        if token is not None:
            api_call_record(
                token=token,
                method=request.method,
                path=request.get_full_path(),
                status_code=response.status_code,
                address=_client_address(request._request),
            )
        return response

    def _conditional(self, request, response):
        response.render()
        etag = _etag(response.content)
        if _etag_matches(request, etag):
            return _not_modified(etag)
        response["ETag"] = etag
        return response

    # Filters -------------------------------------------------------------------------

    def _param(self, name: str) -> str | None:
        value = self.request.query_params.get(name)
        return value.strip() if value is not None and value.strip() else None

    def _bad_filter(self, name: str, hint: str):
        return ApiError(
            _("The filter “%(name)s” is not valid: %(hint)s") % {"name": name, "hint": hint},
            code="bad_filter",
            fields={name: [hint]},
        )

    def _int_param(self, name: str) -> int | None:
        value = self._param(name)
        if value is None:
            return None
        if not value.isdigit() or len(value) > 18:
            raise self._bad_filter(name, _("give a whole number."))
        return int(value)

    def _choice_param(self, name: str, choices) -> str | None:
        value = self._param(name)
        if value is not None and value not in choices:
            raise self._bad_filter(
                name, _("one of %(choices)s.") % {"choices": ", ".join(sorted(choices))}
            )
        return value

    def _datetime_param(self, name: str) -> dt.datetime | None:
        value = self._param(name)
        if value is None:
            return None
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise self._bad_filter(name, _("an ISO 8601 date and time, e.g. 2019-05-16T09:00."))
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=self.conference.tz)
        return moment

    def _date_param(self, name: str) -> dt.date | None:
        value = self._param(name)
        if value is None:
            return None
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise self._bad_filter(name, _("an ISO 8601 date, e.g. 2019-05-16."))
        return day


def _etag(value: bytes) -> str:
    return f'"{hashlib.sha256(value).hexdigest()[:32]}"'


def _etag_matches(request, etag: str) -> bool:
    wanted = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    return etag in wanted or f"W/{etag}" in wanted


def _not_modified(etag: str) -> HttpResponseNotModified:
    not_modified = HttpResponseNotModified()
    not_modified["ETag"] = etag
    return not_modified


class ConferenceList(ApiView, generics.ListAPIView):
    """The token's conference (a token serves one conference)."""

    serializer_class = api_serializers.ConferenceSerializer

    def get_queryset(self):
        return Conference.objects.filter(pk=self.conference.pk)


class ConferenceDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api_serializers.ConferenceSerializer

    def get_queryset(self):
        return Conference.objects.filter(pk=self.conference.pk)


class DelegationList(ApiView, generics.ListAPIView):
    serializer_class = api_serializers.DelegationSerializer

    @extend_schema(parameters=[OpenApiParameter("category", str), OpenApiParameter("status", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = Delegation.objects.filter(conference=self.conference)
        field = Delegation._meta.get_field
        category = self._choice_param("category", {v for v, _l in field("category").flatchoices})
        status_ = self._choice_param("status", {v for v, _l in field("status").flatchoices})
        if category:
            queryset = queryset.filter(category=category)
        if status_:
            queryset = queryset.filter(status=status_)
        return queryset


class DelegationDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api_serializers.DelegationSerializer

    def get_queryset(self):
        return Delegation.objects.filter(conference=self.conference)


class _ParticipantReads(ApiView):
    def _with_identity(self) -> bool:
        included = {part.strip() for part in (self._param("include") or "").split(",")} - {""}
        unknown = included - {INCLUDE_IDENTITY}
        if unknown:
            raise self._bad_filter("include", _("only “identity” can be included."))
        if INCLUDE_IDENTITY in included:
            if INCLUDE_IDENTITY not in self.token.scopes:
                raise ApiError(
                    _("Identity data needs a token with the identity scope."),
                    code="identity_scope_required",
                    status_code=status.HTTP_403_FORBIDDEN,
                )
            return True
        return False

    def _photo_links(self) -> bool:
        """An identity token sees where each photo is (``photo_url``); reading one is logged."""
        return self.token is not None and Scope.IDENTITY in self.token.scopes

    def get_serializer_class(self):
        if self._with_identity():
            return api_serializers.ParticipantWithIdentitySerializer
        if self._photo_links():
            return api_serializers.ParticipantWithPhotoSerializer
        return api_serializers.ParticipantSerializer

    def base_queryset(self):
        queryset = Participant.objects.filter(conference=self.conference).select_related(
            "badge_category"
        )
        queryset = queryset.prefetch_related("badge_category__zones")
        return queryset.select_related("identity") if self._photo_links() else queryset

    def _what(self, label: str) -> str:
        return f"API {self.token.prefix}: {label}"[:60]


PARTICIPANT_FILTERS = [
    OpenApiParameter("status", str, enum=AccreditationStatus.values),
    OpenApiParameter("role", str, enum=DelegationRole.values),
    OpenApiParameter("delegation", int),
    OpenApiParameter("badge_category", str, description="The category's code."),
    OpenApiParameter("updated_since", str, description="ISO 8601; conference time if no offset."),
    OpenApiParameter("include", str, enum=[INCLUDE_IDENTITY], description="Identity scope."),
]


class ParticipantList(_ParticipantReads, generics.ListAPIView):
    """Participants by id; ``?include=identity`` adds passport data (identity scope, logged).

    A token with the identity scope also gets ``photo_url``: the address of the photo, or
    null when there is none."""

    @extend_schema(parameters=PARTICIPANT_FILTERS)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self._with_identity():
            identity_export_record(
                user=self.token.created_by,
                export=self._what("participants"),
                row_count=len(response.data["results"]),
            )
        return response

    def get_queryset(self):
        queryset = self.base_queryset()
        status_ = self._choice_param("status", AccreditationStatus.values)
        role = self._choice_param("role", DelegationRole.values)
        delegation = self._int_param("delegation")
        category = self._param("badge_category")
        since = self._datetime_param("updated_since")
        if status_:
            queryset = queryset.filter(status=status_)
        if role:
            queryset = queryset.filter(role=role)
        if delegation is not None:
            queryset = queryset.filter(delegation_id=delegation)
        if category:
            queryset = queryset.filter(badge_category__code=category)
        if since:
            queryset = queryset.filter(updated_at__gte=since)
        return queryset


class ParticipantDetail(_ParticipantReads, generics.RetrieveAPIView):
    @extend_schema(parameters=PARTICIPANT_FILTERS[-1:])
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self._with_identity():
            identity_access_record(
                user=self.token.created_by,
                participant=Participant(pk=response.data["id"]),
                what=self._what("participant"),
            )
        return response

    def get_queryset(self):
        return self.base_queryset()


class ParticipantPhoto(_ParticipantReads):
    """The participant's photo as the badge prints it (the photo as uploaded until the first
    print): identity scope; every read, a 304 to its ETag too, is in the identity access log."""

    permission_classes = [ReadScope, IdentityScope]

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo."),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo."),
            304: OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match."),
            404: OpenApiResponse(description="No such participant, or no photo."),
        }
    )
    def get(self, request, pk: int):
        participant = generics.get_object_or_404(
            Participant.objects.filter(conference=self.conference).select_related("identity"),
            pk=pk,
        )
        document = getattr(participant, "identity", None)
        photo = document.photo_as_printed if document is not None else None
        if not photo:
            raise ApiError(
                _("This participant has no photo."),
                code="no_photo",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        # Stored names are random and never reused, so the name tells one file from another.
        etag = _etag(photo.name.encode())
        response = (
            _not_modified(etag)
            if _etag_matches(request, etag)
            else file_response(photo, download_name=f"participant-{participant.pk}")
        )
        response["ETag"] = etag
        identity_access_record(
            user=self.token.created_by, participant=participant, what=self._what("photo")
        )
        return response


class SessionList(ApiView, generics.ListAPIView):
    serializer_class = api_serializers.SessionSerializer

    @extend_schema(parameters=[OpenApiParameter("day", str), OpenApiParameter("kind", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = Session.objects.filter(conference=self.conference).select_related("room")
        kind = self._choice_param(
            "kind", {v for v, _l in Session._meta.get_field("kind").flatchoices}
        )
        day = self._date_param("day")
        if kind:
            queryset = queryset.filter(kind=kind)
        if day:
            start = dt.datetime.combine(day, dt.time(), tzinfo=self.conference.tz)
            queryset = queryset.filter(
                starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
            )
        return queryset


class SessionDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api_serializers.SessionSerializer

    def get_queryset(self):
        return Session.objects.filter(conference=self.conference).select_related("room")


class SpeakersList(ApiView, generics.ListAPIView):
    """A session's speakers' list in its order (withdrawn statements left out)."""

    serializer_class = api_serializers.StatementSerializer
    pagination_class = None

    def get_queryset(self):
        session = generics.get_object_or_404(
            Session.objects.filter(conference=self.conference), pk=self.kwargs["pk"]
        )
        return (
            Session.objects.filter(pk=session.pk).with_speakers().get().statements.all()
            if session
            else Statement.objects.none()
        )


class DocumentList(ApiView, generics.ListAPIView):
    serializer_class = api_serializers.OutcomeDocumentSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = OutcomeDocument.objects.filter(conference=self.conference)
        status_ = self._choice_param(
            "status", {v for v, _l in OutcomeDocument._meta.get_field("status").flatchoices}
        )
        return queryset.filter(status=status_) if status_ else queryset


class DocumentDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = api_serializers.OutcomeDocumentSerializer

    def get_queryset(self):
        return OutcomeDocument.objects.filter(conference=self.conference)


# Writes ---------------------------------------------------------------------------------


def _accreditation_refusal(error: AccreditationError) -> ApiError:
    return ApiError(str(error), code=error.code, status_code=status.HTTP_409_CONFLICT)


class _Nominations(ApiView):
    """The members of the token's delegation; another delegation's are not found."""

    permission_classes = [NominationScope]
    serializer_class = api_serializers.ParticipantSerializer

    def get_queryset(self):
        return (
            Participant.objects.filter(
                conference=self.conference, delegation=self.token.nomination_delegation
            )
            .select_related("badge_category")
            .prefetch_related("badge_category__zones")
        )

    def _input(self, *, partial: bool) -> dict:
        closed = registration_closed_reason(conference=self.conference)
        if closed:
            raise ApiError(closed, code="registration_closed", status_code=status.HTTP_409_CONFLICT)
        serializer = api_serializers.NominationSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return {"identity": dict(data.pop("identity", {})), "fields": data}


class NominationList(_Nominations, generics.ListAPIView):
    @extend_schema(
        request=api_serializers.NominationSerializer,
        responses={201: api_serializers.ParticipantSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = self._input(partial=False)
        participant = participant_nominate(delegation=self.token.nomination_delegation, **data)
        participant = self.get_queryset().get(pk=participant.pk)
        return Response(self.get_serializer(participant).data, status=status.HTTP_201_CREATED)


class NominationDetail(_Nominations, generics.RetrieveAPIView):
    @extend_schema(
        request=api_serializers.NominationSerializer,
        responses={200: api_serializers.ParticipantSerializer},
    )
    def patch(self, request, *args, **kwargs):
        participant = self.get_object()
        data = self._input(partial=True)
        try:
            participant = participant_update_nomination(participant=participant, **data)
        except AccreditationError as error:
            raise _accreditation_refusal(error) from None
        participant = self.get_queryset().get(pk=participant.pk)
        return Response(self.get_serializer(participant).data)


class CheckinInput(api_serializers.StrictSerializer):
    code = serializers.CharField(max_length=120, help_text="The badge's QR text or number.")
    action = serializers.ChoiceField(choices=[ScanAction.ENTRY, ScanAction.EXIT])
    key = serializers.UUIDField(help_text="The scan's own id: a scan sent twice counts once.")
    scanned_at = serializers.DateTimeField(required=False, help_text="When scanned, if queued.")


class CheckinResult(serializers.Serializer):
    scan = serializers.IntegerField()
    result = serializers.CharField()
    green = serializers.BooleanField()
    reason = serializers.CharField()
    participant = serializers.IntegerField(allow_null=True)
    badge_number = serializers.IntegerField(allow_null=True)
    zone = serializers.CharField()


class Checkin(ApiView):
    """Record an entry or exit at the token's zone, under the door's rules (participants)."""

    permission_classes = [CheckinScope]
    serializer_class = CheckinInput

    @extend_schema(request=CheckinInput, responses={201: CheckinResult})
    def post(self, request, *args, **kwargs):
        serializer = CheckinInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        zone, device = self.token.checkin_zone, self.token.checkin_device
        if device is not None and not device.is_active:
            raise ApiError(
                _("The scanner device of this token is revoked or not paired."),
                code="device_revoked",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        with transaction.atomic():
            outcome = badge_scan(
                conference=self.conference,
                code=data["code"],
                checkpoint=Checkpoint(action=data["action"], zone=zone),
                device=device,
                client_key=_scoped_key(self.token, data["key"]),
                scanned_at=data.get("scanned_at"),
            )
        if outcome.replayed:
            raise ApiError(
                _("This scan was sent before and is already recorded (scan %(scan)d).")
                % {"scan": outcome.scan.pk},
                code="replayed",
                status_code=status.HTTP_409_CONFLICT,
            )
        badge = outcome.badge
        return Response(
            {
                "scan": outcome.scan.pk,
                "result": outcome.result,
                "green": outcome.green,
                "reason": outcome.explanation or str(outcome.reason),
                "participant": badge.participant_id if badge else None,
                "badge_number": badge.number if badge else None,
                "zone": zone.code,
            },
            status=status.HTTP_201_CREATED,
        )


def _scoped_key(token, key: uuid.UUID) -> uuid.UUID:
    """The scan's key within this token: another token's scan with the same key is not ours."""
    return uuid.uuid5(key, f"api-token-{token.pk}")
