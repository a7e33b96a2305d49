"""Participants: delegation members, the publicly named speakers, staff, guests and press.

The named speakers get no invented identity document or travel data.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from participants.enums import AccreditationState as State
from participants.enums import DelegationRole as Role
from participants.enums import DelegationStatus, PreferredLanguage
from participants.models import IdentityDocument, Participant

from . import accreditation, logistics, roles
from .common import DUSHANBE_TZ, local
from .names import cyrillic


@dataclass(frozen=True)
class Named:
    """A speaker named in public sources: real name and title, no invented personal data."""

    key: str
    role: str
    given: str
    family: str
    title: str
    email: str
    language: str = PreferredLanguage.ENGLISH
    honorific: str = "H.E. Mr."
    cyrillic: str = ""


NAMED = {
    "rahmon": Named(
        "TJ", Role.HEAD, "Emomali", "Rahmon", "President of the Republic of Tajikistan",
        "office.president@tj.gov.example", PreferredLanguage.RUSSIAN,
        cyrillic="Эмомали Рахмон",
    ),
    "muhriddin": Named(
        "TJ", Role.DEPUTY, "Sirojiddin", "Muhriddin",
        "Minister of Foreign Affairs of the Republic of Tajikistan",
        "office.minister@tj.mfa.example", PreferredLanguage.RUSSIAN,
        cyrillic="Сироджиддин Мухриддин",
    ),
    "lajcak": Named(
        "SK", Role.HEAD, "Miroslav", "Lajčák",
        "OSCE Chairperson-in-Office; "
        "Minister of Foreign and European Affairs of the Slovak Republic",
        "office.cio@sk.mfa.example",
    ),
    "voronkov": Named(
        "UNOCT", Role.HEAD, "Vladimir", "Voronkov",
        "Under-Secretary-General, United Nations Office of Counter-Terrorism",
        "office.usg@unoct.example", cyrillic="Владимир Воронков",
    ),
    "pesko": Named(
        "OSCE", Role.HEAD, "Marcel", "Peško", "Director, OSCE Conflict Prevention Centre",
        "office.director.cpc@osce.example", honorific="Mr.",
    ),
    "chen": Named(
        "CTED", Role.HEAD, "Weixiong", "Chen",
        "Deputy Executive Director, Counter-Terrorism Committee Executive Directorate",
        "office.ded@cted.example", honorific="Mr.",
    ),
}  # fmt: skip
BY_SEAT = {(named.key, named.role): slug for slug, named in NAMED.items()}
# Participants without a delegation: (how many, badge, role, domain, titles)
LOOSE = [
    (24, "H", Role.SUPPORT, "secretariat.example", [
        "Conference Officer", "Registration Assistant", "Liaison Officer",
        "Protocol Officer, Ministry of Foreign Affairs", "Security Coordinator",
        "Press Officer", "IT Support", "Interpreter (English–Russian–Tajik)",
    ]),
    (12, "M", Role.REPRESENTATIVE, "press.example", [
        "Freelance Journalist", "Correspondent", "Photojournalist",
    ]),
    (5, "G", Role.EXPERT, "guest.example", [
        "Professor of International Law, Exampleland University",
        "Independent Expert on Illicit Financial Flows",
        "Senior Fellow, Example Institute for Security Studies",
    ]),
]  # fmt: skip


@dataclass
class Cast:
    """Everyone built, indexed the way the programme and documents look people up."""

    delegations: dict = field(default_factory=dict)  # key -> Delegation
    members: dict = field(default_factory=dict)  # key -> [Participant], head first
    named: dict = field(default_factory=dict)  # slug -> Participant
    participants: list = field(default_factory=list)


def language_for(pool: str, rng) -> str:
    if pool == "ca" and rng.random() < 0.85:
        return PreferredLanguage.RUSSIAN
    return PreferredLanguage.ENGLISH


def named_participant(conference, delegation, named: Named, badge) -> Participant:
    return Participant(
        conference=conference,
        delegation=delegation,
        honorific=named.honorific,
        given_names=named.given,
        family_name=named.family,
        gender="male",
        functional_title=named.title,
        email=named.email,
        preferred_language=named.language,
        role=named.role,
        badge_category=badge,
        name_cyrillic=named.cyrillic,
    )


def invented_participant(conference, delegation, spec, role, badge, names, rng) -> Participant:
    pool = spec.pool if spec.pool != "mixed" else rng.choice(["ca", "west", "west"])
    gender, given, family, email = names.person(pool, spec.domain)
    person = Participant(
        conference=conference,
        delegation=delegation,
        honorific=roles.honorific(role, gender, spec.level, spec.is_state, rng),
        given_names=given,
        family_name=family,
        passport_name=f"{family.upper()} {given.upper()}",
        gender=gender,
        functional_title=roles.functional_title(
            role, spec.category, spec.level, spec.is_state, rng
        ),
        email=email,
        preferred_language=language_for(pool, rng),
        role=role,
        badge_category=badge,
    )
    if person.preferred_language == PreferredLanguage.RUSSIAN:
        person.name_cyrillic = cyrillic(f"{given} {family}")
    return person


def nomination_moment(delegation, rng) -> datetime:
    day = delegation.nomination_date if delegation else None
    if day is None:
        return local(4, 25, rng.randint(9, 17))
    return datetime.combine(day, time(rng.randint(9, 17), rng.choice([0, 30])), DUSHANBE_TZ)


def build_participants(conference, built_delegations, badges, names, rng) -> Cast:
    cast = Cast()
    rows = []  # (participant, nationality or None, nominated_at)
    for delegation, spec in built_delegations:
        cast.delegations[spec.key] = delegation
        cast.members[spec.key] = []
        for row in delegation_members(conference, delegation, spec, badges, names, rng, cast):
            cast.members[spec.key].append(row[0])
            rows.append(row)
    rows += loose_participants(conference, badges, names, rng)
    return save(conference, cast, rows, rng)


def delegation_members(conference, delegation, spec, badges, names, rng, cast):
    """Yield (participant, nationality, nominated_at); named speakers take their seats."""
    confirmed = delegation.status == DelegationStatus.CONFIRMED
    for role in roles.roles_for(spec.size, spec.category, spec.level, spec.is_state):
        badge = badges[roles.badge_code(role, spec.category)]
        slug = BY_SEAT.get((spec.key, role))
        if slug:
            person = named_participant(conference, delegation, NAMED[slug], badge)
            cast.named[slug] = person
        else:
            person = invented_participant(conference, delegation, spec, role, badge, names, rng)
        if confirmed and (slug or role in (Role.HEAD, Role.DEPUTY)):
            # Lajčák spoke by video: his badge was printed but never collected.
            accreditation.state_set(
                person, State.BADGE_PRINTED if slug == "lajcak" else State.BADGE_COLLECTED
            )
        else:
            accreditation.state_set(person, accreditation.pick_status(rng, delegation.status))
        nationality = spec.key if spec.is_state else rng.choice(logistics.STAFF_NATIONALITIES)
        if not slug:
            logistics.plan_travel(person, spec, nationality, rng)
        yield person, None if slug else nationality, nomination_moment(delegation, rng)


def loose_participants(conference, badges, names, rng) -> list:
    """Organizer staff, special guests and press without a delegation."""
    rows = []
    for count, code, role, domain, titles in LOOSE:
        for _ in range(count):
            pool = rng.choice(["ca", "ca", "west"])
            gender, given, family, email = names.person(pool, domain)
            person = Participant(
                conference=conference,
                honorific="Ms." if gender == "female" else "Mr.",
                given_names=given,
                family_name=family,
                passport_name=f"{family.upper()} {given.upper()}",
                gender=gender,
                functional_title=rng.choice(titles),
                email=email,
                preferred_language=language_for(pool, rng),
                role=role,
                badge_category=badges[code],
            )
            accreditation.state_set(person, accreditation.pick_status(rng))
            nationality = rng.choice(logistics.STAFF_NATIONALITIES)
            if code != "H":
                logistics.plan_travel(person, None, nationality, rng)
            rows.append((person, nationality, nomination_moment(None, rng)))
    return rows


def save(conference, cast, rows, rng) -> Cast:
    """Number badges, bulk-insert participants and identity documents, write the history."""
    participants = [person for person, _, _ in rows]
    # Most agreed to the public list of participants; every sixth did not (no draw: the
    # seeded sequence of the rest of the demo stays as it was). The named ministers and
    # officials, whose statements are on the public record, all agreed.
    named = {id(person) for person in cast.named.values()}
    for index, person in enumerate(participants):
        person.consent_public_list = id(person) in named or index % 6 != 5
    accreditation.assign_badge_numbers(participants)
    cast.participants = Participant.objects.bulk_create(participants, batch_size=500)
    IdentityDocument.objects.bulk_create(
        [
            logistics.identity_for(person, nationality, rng)
            for person, nationality, _ in rows
            if nationality and rng.random() < 0.93
        ],
        batch_size=500,
    )
    nominated_at = {person.pk: moment for person, _, moment in rows}
    accreditation.record_history(conference, cast.participants, nominated_at, rng)
    return cast
