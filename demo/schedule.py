"""The two-day programme of Dushanbe 2019, as data.

The 2019 session titles are not public: these are plausible titles drawn from the topics
of the press release. Speaker references are resolved by programme.Resolver.
"""

from dataclasses import dataclass, field

from sessions.enums import SessionKind as Kind
from sessions.enums import StatementMode as Mode

from .common import DAY_ONE, DAY_TWO


@dataclass(frozen=True)
class Ref:
    """Someone to resolve: a named speaker, or a delegation's head, deputy or expert."""

    key: str
    role: str = "head"


def named(slug: str) -> Ref:
    return Ref(slug, "named")


def expert(key: str) -> Ref:
    return Ref(key, "expert")


def deputy(key: str) -> Ref:
    return Ref(key, "deputy")


@dataclass(frozen=True)
class Speak:
    who: Ref
    minutes: int = 5
    mode: str = Mode.IN_PERSON
    title: str = ""
    on_behalf_of: str = ""


@dataclass(frozen=True)
class Slot:
    day: object
    start: str
    end: str
    title: str
    kind: str
    room: str | None = None
    chair: Ref | None = None
    speakers: list = field(default_factory=list)
    is_public: bool = True
    description: str = ""


MUHRIDDIN = named("muhriddin")
EU_STATEMENT = Speak(Ref("EU"), 6, on_behalf_of="the European Union and its member States")


def heads(*keys: str, minutes: int = 5) -> list[Speak]:
    return [Speak(Ref(key), minutes) for key in keys]


def experts(*keys: str, minutes: int = 8) -> list[Speak]:
    return [Speak(expert(key), minutes) for key in keys]


def coffee(day, start: str, end: str) -> Slot:
    return Slot(day, start, end, "Coffee break", Kind.BREAK)


def lunch(day, start: str, end: str) -> Slot:
    return Slot(day, start, end, "Lunch", Kind.BREAK)


PROGRAMME = [
    Slot(DAY_ONE, "09:00", "10:00", "Opening session", Kind.OPENING, "Plenary Hall", MUHRIDDIN, [
        Speak(named("rahmon"), 15, title="Opening address by the President of Tajikistan"),
        Speak(named("lajcak"), 7, Mode.VIDEO, "Video statement by the OSCE Chairperson-in-Office"),
        Speak(named("voronkov"), 10, title="Statement by the Under-Secretary-General, UNOCT"),
    ], description="Opening of the conference by the President of the Republic of Tajikistan."),
    coffee(DAY_ONE, "10:00", "10:30"),
    Slot(DAY_ONE, "10:30", "12:30",
         "Plenary session: terrorism and transnational organized crime, a shared threat",
         Kind.PLENARY, "Plenary Hall", MUHRIDDIN, [
        Speak(named("pesko"), 8, title="Statement by the Director of the OSCE CPC"),
        Speak(named("chen"), 8, title="Statement by the Deputy Executive Director of UN CTED"),
        *heads("RU", "CN", "US", "UNODC", "SCO"),
        EU_STATEMENT,
    ], description="Moderated by the Minister of Foreign Affairs of the Republic of Tajikistan."),
    lunch(DAY_ONE, "12:30", "14:00"),
    Slot(DAY_ONE, "12:45", "13:45", "Closed working lunch of Ministers of Foreign Affairs",
         Kind.MINISTERIAL, None, MUHRIDDIN, is_public=False),
    Slot(DAY_ONE, "14:00", "16:00",
         "Ministerial segment: Central Asia and Afghanistan, regional co-operation against "
         "terrorism and its financing", Kind.MINISTERIAL, "Plenary Hall", MUHRIDDIN, [
        *heads("KZ", "KG", "TM", "UZ", "AF", minutes=8),
        *heads("TR", "BY", "AZ", "IR", "PK", "IN", "DE", "FR", "JP", "KR"),
    ], description="Statements by the Ministers of Foreign Affairs of the Central Asian States "
                   "and Afghanistan, followed by heads of delegation."),
    coffee(DAY_ONE, "16:00", "16:15"),
    Slot(DAY_ONE, "16:15", "18:00",
         "Thematic session I: illicit trade in natural resources and cultural property as a "
         "source of terrorist financing", Kind.THEMATIC, "Plenary Hall", Ref("UNODC"), [
        *experts("TJ", "AF", "CN", "UNODC"), *heads("KG", "IT", "INTERPOL", minutes=8),
    ]),
    Slot(DAY_ONE, "16:15", "17:45",
         "Side event: protecting critical energy infrastructure from terrorist attacks",
         Kind.SIDE_EVENT, "Committee Room A", deputy("OSCE"), [
        *experts("OSCE", "UZ", "TM", "EU"), *heads("NATO", minutes=8),
    ], description="Organized by the OSCE."),
    Slot(DAY_ONE, "16:15", "16:45",
         "Bilateral meeting: Tajikistan – United Nations Office of Counter-Terrorism",
         Kind.BILATERAL, "Bilateral Room 1", MUHRIDDIN, is_public=False),
    Slot(DAY_ONE, "17:00", "17:30", "Bilateral meeting: Kazakhstan – Afghanistan",
         Kind.BILATERAL, "Bilateral Room 2", Ref("KZ"), is_public=False),
    Slot(DAY_TWO, "09:00", "10:45",
         "Thematic session II: trafficking in weapons and in human beings, links between "
         "terrorism and organized crime", Kind.THEMATIC, "Plenary Hall", Ref("IOM"), [
        *experts("TJ", "KZ", "IOM", "UNODC", "OSCE"), *heads("RU", "TR", "CSTO", minutes=8),
    ]),
    Slot(DAY_TWO, "09:00", "10:30",
         "Side event: preventing the abuse of the Internet for terrorist purposes",
         Kind.SIDE_EVENT, "Committee Room A", deputy("UNOCT"), [
        *experts("UNOCT", "CTED", "KG"), *heads("GB", "ECIN", "ACADEMY", minutes=8),
    ], description="Organized by UNOCT and the OSCE."),
    coffee(DAY_TWO, "10:45", "11:00"),
    Slot(DAY_TWO, "11:00", "12:45",
         "Thematic session III: countering the financing of terrorism, financial intelligence "
         "and public-private partnerships", Kind.THEMATIC, "Plenary Hall", Ref("EAG"), [
        Speak(named("chen"), 10, title="Keynote: Security Council resolution 2462 (2019)"),
        *heads("FATF", "US", "WB", "EGMONT", minutes=8),
        Speak(Ref("IMF"), 8, Mode.PRE_RECORDED),
        *experts("TJ", "KZ", "RU"),
    ]),
    lunch(DAY_TWO, "12:45", "14:00"),
    Slot(DAY_TWO, "13:00", "13:45", "Press conference", Kind.PRESS, "Press Centre",
         expert("POID"), [
        Speak(MUHRIDDIN, 10), Speak(named("voronkov"), 10), Speak(Ref("POID"), 10),
    ]),
    Slot(DAY_TWO, "14:00", "15:45",
         "Thematic session IV: border security, Afghanistan and international legal "
         "co-operation in terrorism cases", Kind.THEMATIC, "Plenary Hall", Ref("UNRCCA"), [
        *experts("AF", "TJ", "UZ", "TM", "CN"), *heads("IN", "PK", "IR", "CISATC", "SCO"),
    ]),
    Slot(DAY_TWO, "14:00", "15:30",
         "Side event: safeguarding human rights in counter-terrorism investigations",
         Kind.SIDE_EVENT, "Committee Room A", Ref("COE"), [
        *heads("ICRC", "AKDN", "CH", "NO", minutes=8), *experts("OSCE", "DE"),
    ]),
    coffee(DAY_TWO, "15:45", "16:00"),
    Slot(DAY_TWO, "16:00", "16:30",
         "Presentation of the consolidated recommendations of the Ashgabat conference",
         Kind.PLENARY, "Plenary Hall", named("pesko"), [
        Speak(deputy("TM"), 8), *experts("OSCE", "EAG"),
    ]),
    Slot(DAY_TWO, "16:30", "17:15", "Adoption of the Dushanbe Declaration", Kind.PLENARY,
         "Plenary Hall", MUHRIDDIN, [
        Speak(Ref("TM"), 5, title="Interpretative statement"), *heads("KZ", "AF"), EU_STATEMENT,
    ]),
    Slot(DAY_TWO, "17:15", "18:00", "Closing session", Kind.CLOSING, "Plenary Hall", MUHRIDDIN, [
        Speak(MUHRIDDIN, 10, title="Closing remarks"),
        Speak(named("voronkov"), 5), Speak(Ref("POID"), 5),
    ]),
]  # fmt: skip
