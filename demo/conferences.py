"""The two demo conferences, their partners, access zones, badge categories and rooms."""

from datetime import date, datetime

from conference.enums import BadgeFormat, ConferenceStatus, PartnerRole
from conference.models import Conference, ConferencePartner
from participants.enums import BadgeKind
from participants.models import AccessZone, BadgeCategory
from sessions.models import Room

from .common import ASHGABAT_SLUG, ASHGABAT_TZ, DUSHANBE_SLUG, local

DUSHANBE_TITLE = (
    "International and Regional Co-operation on Countering Terrorism and Its Financing "
    "through Illicit Drug Trafficking and Organized Crime"
)
DUSHANBE_THEME = (
    "The objective of the conference is to discuss the complex inter-connection between "
    "terrorism and transnational organized crime, such as illicit trade in natural resources, "
    "cultural artifacts, weapons and trafficking in human beings, and to strengthen "
    "international and regional co-operation in countering terrorism and its financing. "
    "The participants are presented with the consolidated list of recommendations of the "
    "High-Level Regional Conference held in Ashgabat in April 2019."
)
ASHGABAT_THEME = (
    "Strengthening regional co-operation in countering terrorist financing and organized "
    "crime. Session I: Strengthening Legal Frameworks, Information Sharing and Inter-Agency "
    "Co-operation to Counter Terrorist Financing."
)

ZONES = [
    ("P", "Plenary hall", "Зал пленарных заседаний"),
    ("C", "Committee rooms", "Залы комитетов"),
    ("B", "Bilateral rooms", "Комнаты двусторонних встреч"),
    ("M", "Media centre", "Пресс-центр"),
    ("V", "VIP lounge", "VIP-зал"),
    ("S", "Secretariat", "Секретариат"),
]
# (code, name, colour name, hex colour, zone codes, kind, printed label en, printed label ru)
BADGES = [
    ("HD", "Head of delegation", "red", "#C8102E", "PCBV", BadgeKind.HEAD,
     "Head of delegation", "Глава делегации"),
    ("D", "Delegate", "red", "#C8102E", "PCB", BadgeKind.DELEGATE, "Delegate", "Делегат"),
    ("IO", "International organizations", "green", "#00843D", "PCB", BadgeKind.ORGANIZATION,
     "International organization", "Международная организация"),
    ("G", "Special guest", "yellow", "#FFD100", "PCV", BadgeKind.GUEST,
     "Guest", "Гость"),
    ("M", "Press", "yellow", "#FFD100", "MP", BadgeKind.MEDIA, "Press", "Пресса"),
    ("H", "Host, security and staff", "blue", "#0033A0", "PCBMVS", BadgeKind.STAFF,
     "Organizer", "Организатор"),
]  # fmt: skip
# (name, capacity, interpretation languages)
ROOMS = [
    ("Plenary Hall", 600, "English, Russian, Tajik"),
    ("Committee Room A", 120, "English, Russian"),
    ("Committee Room B", 80, "English, Russian"),
    ("Press Centre", 60, "English, Russian, Tajik"),
    ("Bilateral Room 1", 12, ""),
    ("Bilateral Room 2", 12, ""),
]


DUSHANBE_LETTERHEAD = (
    "Conference Secretariat, Ministry of Foreign Affairs of the Republic of Tajikistan\n"
    "33 Sheroz Street, Dushanbe 734051, Republic of Tajikistan"
)


DUSHANBE_SIGNATORY = "Jamshed Nazarzoda"
DUSHANBE_SIGNATORY_TITLE = "Head of the Conference Secretariat"


def build_dushanbe(organizations) -> Conference:
    conference = Conference.objects.create(
        slug=DUSHANBE_SLUG,
        title=DUSHANBE_TITLE,
        short_title="Dushanbe High-Level Conference 2019",
        theme=DUSHANBE_THEME,
        series="Dushanbe Process",
        city="Dushanbe",
        country="TJ",
        venue_name="Kokhi Somon (Somon Palace)",
        venue_address="122 Rudaki Avenue, Dushanbe",
        letterhead_address=DUSHANBE_LETTERHEAD,
        signatory_name=DUSHANBE_SIGNATORY,
        signatory_title=DUSHANBE_SIGNATORY_TITLE,
        start_date=date(2019, 5, 16),
        end_date=date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        working_languages="English, Russian",
        status=ConferenceStatus.CONCLUDED,
        is_public=True,
        registration_deadline=local(5, 3, 18),
        vetting_deadline=local(5, 8, 18),
        data_retention_until=date(2019, 11, 30),
        statement_minutes=5,
        max_delegation_size=10,
        # Its participants carry passport data, and no photos.
        requires_photo=False,
        badge_prefix="DUS",
        badge_format=BadgeFormat.CR80,
    )
    partners = [
        ("TJ", None, PartnerRole.HOST),
        ("", "OSCE", PartnerRole.CO_ORGANIZER),
        ("", "UNOCT", PartnerRole.CO_ORGANIZER),
        ("", "EU", PartnerRole.CO_ORGANIZER),
        ("", "POID", PartnerRole.SUPPORTER),
    ]
    ConferencePartner.objects.bulk_create(
        ConferencePartner(
            conference=conference,
            country=country,
            organization=organizations.get(key),
            role=role,
            display_order=order,
        )
        for order, (country, key, role) in enumerate(partners)
    )
    return conference


def build_badges(conference) -> dict[str, BadgeCategory]:
    zones = {
        code: AccessZone.objects.create(
            conference=conference, code=code, name_en=name_en, name_ru=name_ru
        )
        for code, name_en, name_ru in ZONES
    }
    badges = {}
    for code, name, colour_name, colour, zone_codes, kind, label_en, label_ru in BADGES:
        badge = BadgeCategory.objects.create(
            conference=conference,
            code=code,
            name=name,
            colour_name=colour_name,
            colour=colour,
            kind=kind,
            label_en=label_en,
            label_ru=label_ru,
        )
        badge.zones.set(zones[zone] for zone in zone_codes)
        badges[code] = badge
    return badges


def build_rooms(conference) -> dict[str, Room]:
    return {
        name: Room.objects.create(
            conference=conference, name=name, capacity=capacity, interpretation_languages=langs
        )
        for name, capacity, langs in ROOMS
    }


def ensure_ashgabat(organizations) -> Conference:
    conference, _ = Conference.objects.update_or_create(
        slug=ASHGABAT_SLUG,
        defaults={
            "title": (
                "High-Level Regional Conference on Countering Terrorist Financing "
                "and Organized Crime"
            ),
            "short_title": "Ashgabat Regional Conference 2019",
            "theme": ASHGABAT_THEME,
            "city": "Ashgabat",
            "country": "TM",
            "start_date": date(2019, 4, 17),
            "end_date": date(2019, 4, 18),
            "time_zone": "Asia/Ashgabat",
            "working_languages": "English, Russian",
            "status": ConferenceStatus.CONCLUDED,
            "is_public": True,
            "registration_deadline": datetime(2019, 4, 5, 18, tzinfo=ASHGABAT_TZ),
            "data_retention_until": date(2019, 10, 31),
        },
    )
    ConferencePartner.objects.update_or_create(
        conference=conference,
        country="TM",
        organization=None,
        defaults={"role": PartnerRole.HOST, "display_order": 0},
    )
    ConferencePartner.objects.update_or_create(
        conference=conference,
        country="",
        organization=organizations["OSCE"],
        defaults={"role": PartnerRole.CO_ORGANIZER, "display_order": 1},
    )
    return conference
