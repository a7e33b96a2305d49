"""Factories for real objects; every test builds what it needs from these."""

import datetime as dt
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from conference.enums import OrganizationKind
from conference.models import Conference, Organization
from documents.enums import DocumentKind, ParagraphKind
from documents.models import DocumentVersion, OutcomeDocument, Paragraph, Recommendation
from participants.enums import (
    BADGE_HOLDING_STATUSES,
    AccreditationStatus,
    BadgeKind,
    DelegationCategory,
    DelegationRole,
    RepresentationLevel,
)
from participants.models import BadgeCategory, Delegation, IdentityDocument, Participant
from sessions.enums import SessionKind
from sessions.models import Room, Session, Statement

DUSHANBE = zoneinfo.ZoneInfo("Asia/Dushanbe")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@plenary.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Regional Conference on Border Co-operation {n}")
    short_title = factory.Sequence(lambda n: f"Conference {n}")
    slug = factory.Sequence(lambda n: f"conference-{n}")
    city = "Dushanbe"
    country = "TJ"
    venue_name = "Kokhi Somon"
    start_date = dt.date(2019, 5, 16)
    end_date = dt.date(2019, 5, 17)
    time_zone = "Asia/Dushanbe"
    working_languages = "English, Russian"
    is_public = True
    # Participants made by these factories carry no identity data: the tests of approval's
    # requirements turn them on.
    requires_passport_data = False
    requires_photo = False

    @factory.post_generation
    def delegate_badge(conference, create, extracted, **kwargs):
        """A "Delegate" category, so approval has a default (pass delegate_badge=False: none)."""
        if create and extracted is not False:
            BadgeCategory.objects.create(
                conference=conference,
                code="DEL",
                name="Delegate",
                colour_name="Red",
                colour="#C8102E",
                kind=BadgeKind.DELEGATE,
            )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Example Regional Organization {n}")
    acronym = factory.Sequence(lambda n: f"ERO{n}")
    kind = OrganizationKind.REGIONAL


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    conference = factory.SubFactory(ConferenceFactory)
    country = factory.Iterator(["KZ", "KG", "TM", "UZ", "AF", "DE", "FR", "JP", "SK", "AT"])
    category = DelegationCategory.PARTICIPATING_STATE
    level = RepresentationLevel.MINISTER
    focal_point_name = "Focal Point"
    focal_point_email = factory.Sequence(lambda n: f"focal{n}@mfa.example")
    hospitality_quota = 3


class BadgeCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeCategory

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = "Delegate"
    colour_name = "Red"
    colour = "#C8102E"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    delegation = factory.SubFactory(DelegationFactory)
    conference = factory.LazyAttribute(lambda p: p.delegation.conference)
    given_names = factory.Sequence(lambda n: f"Testbek{n}")
    family_name = factory.Sequence(lambda n: f"Demoyev{n}")
    functional_title = "Counsellor"
    email = factory.Sequence(lambda n: f"delegate{n}@mfa.example")
    role = DelegationRole.REPRESENTATIVE
    status = AccreditationStatus.NOMINATED
    # Most delegates agree to the public list; the tests of the refusal say so.
    consent_public_list = True
    # Every badge holder has a category (a database constraint); one of the same conference.
    badge_category = factory.Maybe(
        factory.LazyAttribute(lambda p: p.status in BADGE_HOLDING_STATUSES),
        factory.SubFactory(BadgeCategoryFactory, conference=factory.SelfAttribute("..conference")),
        None,
    )


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    participant = factory.SubFactory(ParticipantFactory)
    nationality = "KZ"
    date_of_birth = dt.date(1975, 3, 14)
    place_of_birth = "Exampleabad"
    passport_number = factory.Sequence(lambda n: f"P{n:07d}")
    passport_issued_on = dt.date(2016, 1, 10)
    passport_expires_on = dt.date(2026, 1, 9)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Committee Room {n}")
    capacity = 80


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Thematic session {n}")
    kind = SessionKind.THEMATIC
    starts_at = dt.datetime(2019, 5, 16, 10, 0, tzinfo=DUSHANBE)
    ends_at = dt.datetime(2019, 5, 16, 11, 30, tzinfo=DUSHANBE)
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))


class InscribableSessionFactory(SessionFactory):
    """A session tomorrow whose online inscription is open for another hour."""

    starts_at = factory.LazyFunction(lambda: _now() + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))
    inscription_closes_at = factory.LazyFunction(lambda: _now() + dt.timedelta(hours=1))


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    session = factory.SubFactory(SessionFactory)
    # Accredited, as a speaker must be before the public pages name them.
    speaker = factory.SubFactory(
        ParticipantFactory,
        delegation__conference=factory.SelfAttribute("...session.conference"),
        status=AccreditationStatus.APPROVED,
    )
    delegation = factory.LazyAttribute(lambda s: s.speaker.delegation)
    allotted_minutes = 5


class OutcomeDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeDocument

    conference = factory.SubFactory(ConferenceFactory)
    kind = DocumentKind.DECLARATION
    title = factory.Sequence(lambda n: f"Declaration {n}")
    slug = factory.Sequence(lambda n: f"declaration-{n}")


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(OutcomeDocumentFactory)
    sequence = 0
    label = "Zero draft"


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraph

    version = factory.SubFactory(DocumentVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = ParagraphKind.OPERATIVE
    text = "Calls upon all States to strengthen regional co-operation."


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    code = factory.Sequence(lambda n: f"REC-{n}")
    text = "Strengthen the exchange of financial intelligence among the States of the region."
    theme = "Information sharing"
    addressee = "States of the region"
    source_conference = factory.SubFactory(ConferenceFactory)
