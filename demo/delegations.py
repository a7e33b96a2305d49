"""State and organization delegations."""

from dataclasses import dataclass
from datetime import date

from conference.enums import OrganizationKind
from participants.enums import CredentialsStatus, DelegationStatus
from participants.enums import DelegationCategory as Cat
from participants.enums import RepresentationLevel as Lvl
from participants.models import Delegation

from .names import pool_for


@dataclass(frozen=True)
class Spec:
    """A delegation to build: ``key`` is an ISO country code or an organization key."""

    key: str
    category: str
    level: int
    size: int
    is_state: bool = True
    status: str = DelegationStatus.CONFIRMED

    @property
    def domain(self) -> str:
        return f"{self.key.lower()}.mfa.example" if self.is_state else f"{self.key.lower()}.example"

    @property
    def pool(self) -> str:
        return pool_for(self.key) if self.is_state else "mixed"


PS, PARTNER, OTHER = Cat.PARTICIPATING_STATE, Cat.PARTNER_STATE, Cat.OTHER_STATE
# (country, category, level, members)
STATES = [
    ("TJ", Cat.HOST, Lvl.HEAD_OF_STATE, 40),
    *((code, PS, Lvl.MINISTER, 10) for code in ("KZ", "KG", "TM", "UZ")),
    ("AF", PARTNER, Lvl.MINISTER, 10),
    ("SK", PS, Lvl.MINISTER, 5),
    *((code, PS, Lvl.DEPUTY_MINISTER, 8) for code in ("RU", "TR", "BY", "AZ")),
    *((code, OTHER, Lvl.DEPUTY_MINISTER, 8) for code in ("CN", "IR", "PK", "IN")),
    *((code, PS, Lvl.AMBASSADOR, 7) for code in ("US", "GB", "DE", "FR", "IT", "CH")),
    *((code, PS, Lvl.AMBASSADOR, 5) for code in ("AT", "PL", "LT")),
    *((code, PARTNER, Lvl.AMBASSADOR, 6) for code in ("JP", "KR")),
    *(
        (code, PS, Lvl.SENIOR_OFFICIAL, 5)
        for code in ("AM", "BE", "BG", "CA", "CZ", "DK", "ES", "FI", "GE", "HU", "MN")
    ),
    *((code, PS, Lvl.SENIOR_OFFICIAL, 4) for code in ("NL", "NO", "RO", "RS", "SE", "UA")),
    *((code, PS, Lvl.SENIOR_OFFICIAL, 3) for code in ("EE", "MD", "LV", "GR")),
    *((code, PARTNER, Lvl.SENIOR_OFFICIAL, 3) for code in ("AU", "EG", "IL", "MA", "TH")),
]
STATE_STATUS = {
    "TH": DelegationStatus.DECLINED,
    "LV": DelegationStatus.DECLINED,
    "GR": DelegationStatus.INVITED,
    "EE": DelegationStatus.NOMINATED,
    "MD": DelegationStatus.NOMINATED,
}
# (organization key, level, members)
ORGANIZATIONS = [
    ("OSCE", Lvl.SENIOR_OFFICIAL, 10),
    ("UNOCT", Lvl.DEPUTY_MINISTER, 9),
    ("UNODC", Lvl.SENIOR_OFFICIAL, 8),
    ("CTED", Lvl.SENIOR_OFFICIAL, 5),
    ("EU", Lvl.AMBASSADOR, 7),
    ("POID", Lvl.AMBASSADOR, 10),
    *((key, Lvl.SENIOR_OFFICIAL, 5) for key in ("SCO", "CISATC", "CSTO", "UNDP")),
    *((key, Lvl.SENIOR_OFFICIAL, 4) for key in ("INTERPOL", "UNRCCA", "IOM", "EAG", "NATO")),
    *((key, Lvl.SENIOR_OFFICIAL, 3) for key in ("FATF", "WB", "IMF", "CICA", "COE", "EGMONT")),
    *((key, Lvl.SENIOR_OFFICIAL, 3) for key in ("ECO", "OIC")),
    *((key, Lvl.EXPERT, 3) for key in ("AKDN", "ICRC", "ACADEMY", "ECIN")),
    ("KHOVAR", Lvl.EXPERT, 4),
    ("SRETV", Lvl.EXPERT, 3),
]
ORG_CATEGORY = {
    OrganizationKind.UN_ENTITY: Cat.UN_ENTITY,
    OrganizationKind.MEDIA: Cat.MEDIA,
    OrganizationKind.CIVIL_SOCIETY: Cat.CIVIL_SOCIETY,
    OrganizationKind.ACADEMIC: Cat.CIVIL_SOCIETY,
}


def dushanbe_specs(organizations) -> list[Spec]:
    specs = []
    for code, category, level, size in STATES:
        status = STATE_STATUS.get(code, DelegationStatus.CONFIRMED)
        if status in (DelegationStatus.DECLINED, DelegationStatus.INVITED):
            size = 0
        specs.append(Spec(code, category, level, size, status=status))
    for key, level, size in ORGANIZATIONS:
        category = ORG_CATEGORY.get(organizations[key].kind, Cat.ORGANIZATION)
        specs.append(Spec(key, category, level, size, is_state=False))
    return specs


def hospitality_quota(level: int) -> int:
    if level <= Lvl.MINISTER:
        return 3
    return 2 if level == Lvl.DEPUTY_MINISTER else 1


def credentials(spec: Spec, rng) -> str:
    if not spec.is_state or spec.status in (DelegationStatus.DECLINED, DelegationStatus.INVITED):
        return CredentialsStatus.NONE
    if spec.category == Cat.HOST:
        return CredentialsStatus.ACCEPTED
    if spec.status == DelegationStatus.NOMINATED:
        return CredentialsStatus.COPY
    choices = [CredentialsStatus.ACCEPTED, CredentialsStatus.ORIGINAL, CredentialsStatus.COPY]
    return rng.choices([*choices, CredentialsStatus.NONE], weights=[60, 20, 15, 5])[0]


def build_delegations(conference, organizations, names, rng) -> list[tuple[Delegation, Spec]]:
    built = []
    for spec in dushanbe_specs(organizations):
        answered = spec.status not in (DelegationStatus.DECLINED, DelegationStatus.INVITED)
        if spec.is_state:
            focal_email = f"focalpoint.{spec.key.lower()}@mfa.example"
            reference = f"No. {rng.randint(1, 40)}/{rng.randint(100, 999)}-2019"
        else:
            focal_email = f"focalpoint@{spec.domain}"
            reference = f"{spec.key}/2019/{rng.randint(10, 450):03d}"
        delegation = Delegation(
            conference=conference,
            country=spec.key if spec.is_state else "",
            organization=None if spec.is_state else organizations[spec.key],
            category=spec.category,
            level=spec.level,
            status=spec.status,
            focal_point_name=names.full_name(pool_for(spec.key)),
            focal_point_email=focal_email,
            focal_point_phone=f"+992 44 6{rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            nomination_reference=reference if answered else "",
            nomination_date=date(2019, 4, rng.randint(8, 30)) if answered else None,
            credentials_status=credentials(spec, rng),
            hospitality_quota=hospitality_quota(spec.level),
            max_size=spec.size if spec.size > conference.max_delegation_size else None,
        )
        delegation.save()
        built.append((delegation, spec))
    return built


# Ashgabat, April 2019: delegations only, no participants.
ASHGABAT = [
    ("TM", Cat.HOST, Lvl.DEPUTY_MINISTER),
    *((code, PS, Lvl.SENIOR_OFFICIAL) for code in ("KZ", "KG", "TJ", "UZ", "MN")),
    ("AF", PARTNER, Lvl.SENIOR_OFFICIAL),
]
ASHGABAT_ORGANIZATIONS = ["OSCEASB", "OSCE", "UNOCT", "UNODC", "EAG"]


def ensure_ashgabat_delegations(conference, organizations) -> None:
    defaults = {"status": DelegationStatus.CONFIRMED}
    for code, category, level in ASHGABAT:
        Delegation.objects.get_or_create(
            conference=conference,
            country=code,
            defaults={**defaults, "category": category, "level": level},
        )
    for key in ASHGABAT_ORGANIZATIONS:
        organization = organizations[key]
        Delegation.objects.get_or_create(
            conference=conference,
            organization=organization,
            defaults={
                **defaults,
                "category": ORG_CATEGORY.get(organization.kind, Cat.ORGANIZATION),
            },
        )
