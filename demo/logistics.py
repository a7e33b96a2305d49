"""Travel, hotel and identity data of invented participants."""

from datetime import date, datetime, timedelta

from participants.enums import DelegationRole as Role
from participants.enums import RepresentationLevel as Lvl
from participants.models import IdentityDocument

from .common import DUSHANBE_TZ
from .roles import is_resident_ambassador

# hub: (arrival flight, local arrival, departure flight, local departure)
ROUTES = {
    "istanbul": ("TK 256", "03:50", "TK 257", "05:05"),
    "moscow": ("SU 1934", "05:25", "SU 1935", "07:10"),
    "moscow-somon": ("SZ 204", "06:10", "SZ 203", "23:55"),
    "frankfurt": ("SZ 228", "05:05", "SZ 227", "23:10"),
    "almaty": ("KC 151", "15:40", "KC 152", "16:50"),
    "tashkent": ("HY 773", "10:20", "HY 774", "11:30"),
    "dubai": ("FZ 1711", "06:55", "FZ 1712", "08:05"),
    "urumqi": ("CZ 6021", "13:40", "CZ 6022", "14:50"),
    "kabul": ("FG 711", "09:45", "FG 712", "10:55"),
}
HUBS = {
    **dict.fromkeys(("KZ", "KG"), ["almaty"]),
    "UZ": ["tashkent"],
    **dict.fromkeys(("RU", "BY", "AM", "AZ", "MD", "UA", "GE", "MN"), ["moscow", "moscow-somon"]),
    "CN": ["urumqi"],
    "AF": ["kabul"],
    **dict.fromkeys(("IN", "PK", "IR", "EG", "IL", "MA", "AU", "JP", "KR"), ["dubai"]),
}
DEFAULT_HUBS = ["istanbul", "frankfurt", "istanbul", "dubai", "moscow-somon"]
HOTELS = [
    "Hyatt Regency Dushanbe",
    "Dushanbe Serena Hotel",
    "Hilton Dushanbe",
    "Sheraton Dushanbe",
    "Hotel Tajikistan",
]
DIETS = ["Vegetarian", "Halal", "No pork", "Gluten-free", "Vegan", "Lactose intolerant"]
# Nationals who needed no visa for Tajikistan in 2019.
VISA_FREE = frozenset({"TJ", "KZ", "KG", "UZ", "RU", "BY", "AZ", "AM", "MD", "UA"})
# Organizations based in Dushanbe: nobody flies in.
RESIDENT_ORGANIZATIONS = frozenset({"POID", "UNDP", "KHOVAR"})
CAPITALS = {
    "TJ": "Dushanbe", "KZ": "Astana", "KG": "Bishkek", "TM": "Ashgabat", "UZ": "Tashkent",
    "AF": "Kabul", "SK": "Bratislava", "RU": "Moscow", "TR": "Ankara", "BY": "Minsk",
    "AZ": "Baku", "CN": "Beijing", "IR": "Tehran", "PK": "Islamabad", "IN": "New Delhi",
    "US": "Washington", "GB": "London", "DE": "Berlin", "FR": "Paris", "IT": "Rome",
    "CH": "Bern", "AT": "Vienna", "PL": "Warsaw", "LT": "Vilnius", "JP": "Tokyo",
    "KR": "Seoul", "AM": "Yerevan", "BE": "Brussels", "BG": "Sofia", "CA": "Ottawa",
    "CZ": "Prague", "DK": "Copenhagen", "ES": "Madrid", "FI": "Helsinki", "GE": "Tbilisi",
    "HU": "Budapest", "MN": "Ulaanbaatar", "NL": "Amsterdam", "NO": "Oslo", "RO": "Bucharest",
    "RS": "Belgrade", "SE": "Stockholm", "UA": "Kyiv", "EE": "Tallinn", "MD": "Chisinau",
    "AU": "Canberra", "EG": "Cairo", "IL": "Jerusalem", "MA": "Rabat",
}  # fmt: skip
STAFF_NATIONALITIES = ["TJ", "TJ", "TJ", "KZ", "RU", "DE", "AT", "GB", "KG", "UZ", "FR", "IT"]


def is_resident(spec, role: str) -> bool:
    """Host officials, Dushanbe-based offices and resident diplomats do not fly in.

    ``spec`` is None for guests and press without a delegation: they travel.
    """
    if spec is None:
        return False
    if spec.key == "TJ" or spec.key in RESIDENT_ORGANIZATIONS:
        return True
    if is_resident_ambassador(role, spec.level, spec.is_state):
        return True
    return spec.level == Lvl.AMBASSADOR and role in (Role.HEAD, Role.DEPUTY, Role.REPRESENTATIVE)


def on(day: int, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(2019, 5, day, hour, minute, tzinfo=DUSHANBE_TZ)


def plan_travel(participant, spec, nationality: str, rng) -> None:
    """Fill arrival, departure, hotel and support flags on an unsaved participant."""
    if rng.random() < 0.1:
        participant.dietary_needs = rng.choice(DIETS)
    if rng.random() < 0.01:
        participant.accessibility_needs = "Wheelchair access"
    if is_resident(spec, participant.role):
        return
    arrival_flight, arrives, departure_flight, departs = ROUTES[
        rng.choice(HUBS.get(nationality, DEFAULT_HUBS))
    ]
    early = int(arrives[:2]) < 7
    participant.arrival_flight = arrival_flight
    participant.arrival_at = on(16 if early and rng.random() < 0.3 else 15, arrives)
    participant.departure_flight = departure_flight
    participant.departure_at = on(17 if int(departs[:2]) >= 19 else 18, departs)
    top = spec is not None and participant.role == Role.HEAD and spec.level <= Lvl.DEPUTY_MINISTER
    participant.hotel = rng.choice(HOTELS[:2] if top else HOTELS)
    participant.needs_airport_transfer = rng.random() < 0.85
    participant.needs_visa_support = nationality not in VISA_FREE and rng.random() < 0.8
    if participant.needs_visa_support:
        participant.visa_consulate = consulate_for(nationality)


def consulate_for(nationality: str) -> str:
    """Where a visa for Tajikistan was applied for: the embassy in the capital, or on arrival."""
    capital = CAPITALS.get(nationality)
    if capital:
        return f"Consular Section, Embassy of the Republic of Tajikistan in {capital}"
    return "Consular Department, Ministry of Foreign Affairs of the Republic of Tajikistan"


def identity_for(participant, nationality: str, rng) -> IdentityDocument:
    issued = date(rng.randint(2011, 2018), rng.randint(1, 12), rng.randint(1, 28))
    return IdentityDocument(
        participant=participant,
        nationality=nationality,
        date_of_birth=date(rng.randint(1956, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        place_of_birth=CAPITALS.get(nationality, ""),
        passport_number=f"P{rng.randint(0, 9_999_999):07d}",
        passport_issued_on=issued,
        passport_expires_on=issued.replace(year=issued.year + 10) - timedelta(days=1),
    )
