"""Country names as the UN terminology database (UNTERM) writes them.

django-countries names some countries as everyday English does ("Russia", "South Korea",
"Naoero"); protocol lists, badges and the delegations page use the UN short names. The
English names replace django-countries' through COUNTRIES_OVERRIDE (settings); the Russian
and French official names are their translations in locale/ru and locale/fr, so
``country.name`` reads right in each language and precedence sorts in each alphabet.
The UK keeps its full short name, as the protocol list writes it.
"""

from django.utils.translation import gettext_lazy as _

OFFICIAL_NAMES = {
    "BN": _("Brunei Darussalam"),
    "BO": _("Bolivia (Plurinational State of)"),
    "BS": _("Bahamas"),
    "CD": _("Democratic Republic of the Congo"),
    "FM": _("Micronesia (Federated States of)"),
    "GB": _("United Kingdom of Great Britain and Northern Ireland"),
    "IR": _("Iran (Islamic Republic of)"),
    "KG": _("Kyrgyzstan"),
    "KP": _("Democratic People's Republic of Korea"),
    "KR": _("Republic of Korea"),
    "LA": _("Lao People's Democratic Republic"),
    "MD": _("Republic of Moldova"),
    "MM": _("Myanmar"),
    "NL": _("Netherlands (Kingdom of the)"),
    "NR": _("Nauru"),
    "PS": _("State of Palestine"),
    "RU": _("Russian Federation"),
    "SY": _("Syrian Arab Republic"),
    "TR": _("Türkiye"),
    "TZ": _("United Republic of Tanzania"),
    "VA": _("Holy See"),
    "VE": _("Venezuela (Bolivarian Republic of)"),
    "VN": _("Viet Nam"),
}
