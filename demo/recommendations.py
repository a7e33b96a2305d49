"""The consolidated recommendations of Ashgabat (April 2019), presented at Dushanbe.

Codes and wording are illustrative: the list itself is not reproduced in public sources.
"""

from documents.models import Recommendation
from documents.services import recommendation_mark_presented

STATES = "Central Asian States and Afghanistan"
# (code, theme, addressee, text)
RECOMMENDATIONS = [
    ("ASB-1.1", "Legal frameworks", STATES,
     "Align national legislation criminalizing the financing of terrorism with the FATF "
     "Recommendations and Security Council resolution 2462 (2019)."),
    ("ASB-1.2", "Legal frameworks", "National legislators and ministries of justice",
     "Ensure that the financing of individual terrorists and of foreign terrorist fighters' "
     "travel is criminalized even without a link to a specific terrorist act."),
    ("ASB-1.3", "Information sharing", "Financial intelligence units",
     "Conclude memoranda of understanding on the spontaneous exchange of financial "
     "intelligence among the financial intelligence units of the region."),
    ("ASB-1.4", "Information sharing", "Law enforcement agencies",
     "Make systematic use of INTERPOL notices and databases on persons suspected of "
     "terrorism-related offences."),
    ("ASB-1.5", "Inter-agency co-operation", STATES,
     "Set up national inter-agency task forces bringing together financial intelligence, "
     "law enforcement, customs, border and prosecution services."),
    ("ASB-2.1", "Financial intelligence", "Financial intelligence units",
     "Develop regional typologies of terrorist financing linked to illicit drug trafficking "
     "and other forms of organized crime."),
    ("ASB-2.2", "Financial intelligence", "OSCE executive structures and UNODC",
     "Provide training on financial investigations and asset tracing in terrorism cases."),
    ("ASB-2.3", "Public-private partnership", "Financial intelligence units and banks",
     "Establish public-private partnership platforms to share typologies and red-flag "
     "indicators with banks, money remitters and payment service providers."),
    ("ASB-2.4", "Public-private partnership", STATES,
     "Engage civil society and the non-profit sector in a risk-based approach that does not "
     "disrupt legitimate charitable activity."),
    ("ASB-3.1", "Border security", "Border and customs services",
     "Strengthen controls on the cross-border movement of cash and bearer negotiable "
     "instruments, in particular along the border with Afghanistan."),
    ("ASB-3.2", "Border security", "Border and customs services",
     "Use advance passenger information and passenger name record data to detect the "
     "movement of suspected terrorists, in line with human rights obligations."),
]  # fmt: skip


def ensure_recommendations(ashgabat, dushanbe) -> list[Recommendation]:
    recommendations = []
    for code, theme, addressee, body in RECOMMENDATIONS:
        recommendation, _ = Recommendation.objects.update_or_create(
            source_conference=ashgabat,
            code=code,
            defaults={
                "theme": theme,
                "addressee": addressee,
                "text": body,
            },
        )
        recommendations.append(recommendation)
    recommendation_mark_presented(recommendations=recommendations, conference=dushanbe)
    return recommendations
