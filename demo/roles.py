"""Who is who inside a delegation: roles, functional titles, honorifics and badges."""

from itertools import cycle, islice

from participants.enums import DelegationCategory as Cat
from participants.enums import DelegationRole as Role
from participants.enums import RepresentationLevel as Lvl

STATE_FILLER = [Role.REPRESENTATIVE, Role.EXPERT, Role.ADVISER, Role.EXPERT, Role.REPRESENTATIVE]
HOST_FILLER = [
    Role.EXPERT, Role.SECURITY, Role.PROTOCOL, Role.REPRESENTATIVE, Role.EXPERT,
    Role.INTERPRETER, Role.SECURITY, Role.SUPPORT, Role.ADVISER,
]  # fmt: skip
ORG_FILLER = [Role.EXPERT, Role.REPRESENTATIVE, Role.EXPERT, Role.ADVISER, Role.SUPPORT]
MEDIA_FILLER = [Role.REPRESENTATIVE, Role.SUPPORT]


def roles_for(size: int, category: str, level: int, is_state: bool) -> list[str]:
    """The head first, then a deputy, then members in a plausible mix."""
    roles = [Role.HEAD]
    if category == Cat.MEDIA:
        filler = MEDIA_FILLER
    else:
        if size >= 3:
            roles.append(Role.DEPUTY)
        if is_state and level <= Lvl.MINISTER and category != Cat.HOST:
            roles += [Role.SECURITY, Role.PROTOCOL, Role.INTERPRETER]
        filler = {Cat.HOST: HOST_FILLER}.get(category, STATE_FILLER if is_state else ORG_FILLER)
    return (roles + list(islice(cycle(filler), size)))[:size]


STATE_HEAD_TITLES = {
    Lvl.MINISTER: ["Minister of Foreign Affairs"],
    Lvl.DEPUTY_MINISTER: ["Deputy Minister of Foreign Affairs"],
    Lvl.AMBASSADOR: ["Ambassador Extraordinary and Plenipotentiary to the Republic of Tajikistan"],
    Lvl.SENIOR_OFFICIAL: [
        "Director, Department of International Security, Ministry of Foreign Affairs",
        "Head of the Counter-Terrorism Unit, Ministry of the Interior",
        "Special Envoy for Central Asia, Ministry of Foreign Affairs",
        "Deputy Director-General, Ministry of Foreign Affairs",
    ],
}
STATE_TITLES = {
    Role.DEPUTY: ["Deputy Head of Mission", "Deputy Director, Ministry of Foreign Affairs"],
    Role.REPRESENTATIVE: [
        "Counsellor, Embassy in Dushanbe", "First Secretary, Ministry of Foreign Affairs",
        "Head of Division, Ministry of Foreign Affairs", "Second Secretary, Embassy in Dushanbe",
    ],
    Role.ADVISER: [
        "Adviser to the Minister of Foreign Affairs", "Legal Adviser, Ministry of Justice",
        "Senior Adviser, Ministry of the Interior",
    ],
    Role.EXPERT: [
        "Expert, Financial Intelligence Unit", "Senior Expert, Border Service",
        "Expert, Drug Control Agency", "Analyst, Counter-Terrorism Department",
        "Prosecutor, Office of the Prosecutor General", "Expert, Customs Service",
    ],
}  # fmt: skip
HOST_TITLES = {
    Role.EXPERT: [
        "Expert, Drug Control Agency under the President of the Republic of Tajikistan",
        "Senior Officer, Border Troops of the State Committee for National Security",
        "Head of Division, Financial Monitoring Department, National Bank of Tajikistan",
        "Prosecutor, General Prosecutor's Office",
        "Senior Inspector, Ministry of Internal Affairs",
    ],
    Role.REPRESENTATIVE: [
        "Head of Department, Ministry of Foreign Affairs",
        "First Secretary, Ministry of Foreign Affairs",
    ],
}
ORG_TITLES = {
    Role.HEAD: ["Head of Office", "Director", "Senior Representative", "Head of Programme"],
    Role.DEPUTY: ["Deputy Head of Office", "Deputy Director", "Senior Programme Officer"],
    Role.REPRESENTATIVE: ["Programme Officer", "Liaison Officer", "Political Affairs Officer"],
    Role.ADVISER: ["Senior Adviser", "Legal Adviser"],
    Role.EXPERT: [
        "Counter-Terrorism Expert", "Programme Management Officer", "Legal Officer",
        "Financial Crime Specialist", "Border Management Expert",
    ],
}  # fmt: skip
MEDIA_TITLES = {
    Role.HEAD: ["Bureau Chief"],
    Role.REPRESENTATIVE: ["Correspondent", "Reporter"],
    Role.SUPPORT: ["Camera Operator", "Photographer"],
}
CIVIL_TITLES = {
    Role.HEAD: ["Executive Director", "Head of Delegation", "Director"],
    Role.DEPUTY: ["Programme Director"],
}
COMMON_TITLES = {
    Role.SECURITY: ["Security Officer"],
    Role.PROTOCOL: ["Protocol Officer"],
    Role.INTERPRETER: ["Interpreter (English–Russian)"],
    Role.SUPPORT: ["Assistant", "Administrative Assistant"],
}


def is_resident_ambassador(role: str, level: int, is_state: bool) -> bool:
    """A high-level State delegation is seconded by its ambassador in Dushanbe."""
    return is_state and role == Role.DEPUTY and level <= Lvl.DEPUTY_MINISTER


def functional_title(role: str, category: str, level: int, is_state: bool, rng) -> str:
    if category == Cat.MEDIA:
        tables = [MEDIA_TITLES]
    elif category == Cat.CIVIL_SOCIETY:
        tables = [CIVIL_TITLES, ORG_TITLES]
    elif category == Cat.HOST:
        tables = [HOST_TITLES, STATE_TITLES]
    elif is_state:
        tables = [STATE_TITLES]
    else:
        tables = [ORG_TITLES]
    if is_state and role == Role.HEAD:
        tables = [STATE_HEAD_TITLES]
        role = level
    elif is_resident_ambassador(role, level, is_state):
        role, tables = Lvl.AMBASSADOR, [STATE_HEAD_TITLES]
    for table in [*tables, COMMON_TITLES]:
        if role in table:
            return rng.choice(table[role])
    return ""


def honorific(role: str, gender: str, level: int, is_state: bool, rng) -> str:
    mr_ms = "Ms." if gender == "female" else "Mr."
    if is_resident_ambassador(role, level, is_state) or (
        role == Role.HEAD and is_state and level <= Lvl.AMBASSADOR
    ):
        return f"H.E. {mr_ms}"
    if role in (Role.EXPERT, Role.ADVISER, Role.HEAD) and rng.random() < 0.12:
        return "Dr."
    return mr_ms


def badge_code(role: str, category: str | None) -> str:
    """Badge category code: see conferences.BADGES."""
    if category is None:
        return "H"
    if category == Cat.MEDIA:
        return "M"
    if category == Cat.HOST:
        return {Role.HEAD: "HD", Role.DEPUTY: "D"}.get(role, "H")
    if category in (Cat.PARTICIPATING_STATE, Cat.PARTNER_STATE, Cat.OTHER_STATE):
        return "HD" if role == Role.HEAD else "D"
    return "IO"
