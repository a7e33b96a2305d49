"""The organizations reference table.

Every organization below is real except the two marked "invented".
"""

from conference.enums import OrganizationKind as Kind
from conference.models import Organization

# (key, name, acronym, kind). The key is how the other builders refer to it.
ORGANIZATIONS = [
    ("OSCE", "Organization for Security and Co-operation in Europe", "OSCE", Kind.REGIONAL),
    ("UNOCT", "United Nations Office of Counter-Terrorism", "UNOCT", Kind.UN_ENTITY),
    ("UNODC", "United Nations Office on Drugs and Crime", "UNODC", Kind.UN_ENTITY),
    (
        "CTED",
        "United Nations Security Council Counter-Terrorism Committee Executive Directorate",
        "UN CTED",
        Kind.UN_ENTITY,
    ),
    ("EU", "European Union", "EU", Kind.REGIONAL),
    ("SCO", "Shanghai Cooperation Organisation", "SCO", Kind.REGIONAL),
    (
        "CISATC",
        "Anti-Terrorism Centre of the Commonwealth of Independent States",
        "CIS ATC",
        Kind.REGIONAL,
    ),
    ("CSTO", "Collective Security Treaty Organization", "CSTO", Kind.REGIONAL),
    ("INTERPOL", "International Criminal Police Organization", "INTERPOL", Kind.INTERGOVERNMENTAL),
    ("POID", "OSCE Programme Office in Dushanbe", "OSCE POiD", Kind.REGIONAL),
    ("OSCEASB", "OSCE Centre in Ashgabat", "", Kind.REGIONAL),
    ("UNDP", "United Nations Development Programme", "UNDP", Kind.UN_ENTITY),
    (
        "UNRCCA",
        "United Nations Regional Centre for Preventive Diplomacy for Central Asia",
        "UNRCCA",
        Kind.UN_ENTITY,
    ),
    ("IOM", "International Organization for Migration", "IOM", Kind.UN_ENTITY),
    ("FATF", "Financial Action Task Force", "FATF", Kind.INTERGOVERNMENTAL),
    (
        "EAG",
        "Eurasian Group on Combating Money Laundering and Financing of Terrorism",
        "EAG",
        Kind.REGIONAL,
    ),
    ("EGMONT", "Egmont Group of Financial Intelligence Units", "", Kind.INTERGOVERNMENTAL),
    ("WB", "World Bank", "", Kind.INTERGOVERNMENTAL),
    ("IMF", "International Monetary Fund", "IMF", Kind.INTERGOVERNMENTAL),
    (
        "CICA",
        "Conference on Interaction and Confidence-Building Measures in Asia",
        "CICA",
        Kind.REGIONAL,
    ),
    ("ECO", "Economic Cooperation Organization", "ECO", Kind.REGIONAL),
    ("NATO", "North Atlantic Treaty Organization", "NATO", Kind.REGIONAL),
    ("COE", "Council of Europe", "CoE", Kind.REGIONAL),
    ("OIC", "Organisation of Islamic Cooperation", "OIC", Kind.INTERGOVERNMENTAL),
    ("AKDN", "Aga Khan Development Network", "AKDN", Kind.CIVIL_SOCIETY),
    ("ICRC", "International Committee of the Red Cross", "ICRC", Kind.CIVIL_SOCIETY),
    ("ACADEMY", "OSCE Academy in Bishkek", "", Kind.ACADEMIC),
    # invented
    ("ECIN", "Exampleland Civic Integrity Network", "ECIN", Kind.CIVIL_SOCIETY),
    ("KHOVAR", "Khovar National Information Agency", "Khovar", Kind.MEDIA),
    # invented
    ("SRETV", "Silk Road Example Television", "SRE TV", Kind.MEDIA),
]


def ensure_organizations() -> dict[str, Organization]:
    """Create or refresh the reference rows; return them by key."""
    organizations = {}
    for key, name, acronym, kind in ORGANIZATIONS:
        organizations[key], _ = Organization.objects.update_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind}
        )
    return organizations
