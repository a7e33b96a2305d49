"""Demo data: the Dushanbe conference of May 2019 and the Ashgabat conference before it.

Everything is deterministic (random.Random(2019)). Only the speakers named in public
sources appear under their real names; everyone else is obviously invented.
"""

import random

from django.utils import translation

from conference.models import Conference

from . import (
    conferences,
    delegations,
    desk,
    documents,
    floor,
    people,
    programme,
    recommendations,
    russian,
    seating,
)
from .common import ASHGABAT_SLUG, DUSHANBE_SLUG
from .names import NameFactory
from .organizations import ensure_organizations

__all__ = ["ASHGABAT_SLUG", "DUSHANBE_SLUG", "is_loaded", "load"]

SEED = 2019


def is_loaded() -> bool:
    return Conference.objects.filter(slug=DUSHANBE_SLUG).exists()


def load(organizer) -> dict[str, int]:
    """Build both conferences; call inside a transaction, and only if not is_loaded().

    ``organizer`` is the user the outcome-document services record as acting.
    """
    # The builders write the English columns; russian.translate_demo the Russian ones.
    with translation.override("en"):
        return _load(organizer)


def _load(organizer) -> dict[str, int]:
    rng = random.Random(SEED)
    organizations = ensure_organizations()

    ashgabat = conferences.ensure_ashgabat(organizations)
    delegations.ensure_ashgabat_delegations(ashgabat, organizations)

    dushanbe = conferences.build_dushanbe(organizations)
    badges = conferences.build_badges(dushanbe)
    rooms = conferences.build_rooms(dushanbe)
    names = NameFactory(rng)
    built = delegations.build_delegations(dushanbe, organizations, names, rng)
    cast = people.build_participants(dushanbe, built, badges, names, rng)
    sessions = programme.build_programme(dushanbe, rooms, cast, rng)
    floor.run_opening_floor(sessions, organizer)
    plans = seating.build_seating(dushanbe, rooms)
    documents.build_declaration(dushanbe, cast.delegations, organizer)
    documents.build_chairs_summary(dushanbe, organizer)
    presented = recommendations.ensure_recommendations(ashgabat, dushanbe)
    scans = desk.build_desk(dushanbe, organizer, random.Random(SEED + 1))
    russian.translate_demo(dushanbe, ashgabat)
    return {
        "delegations": len(built),
        "participants": len(cast.participants),
        "badges issued": dushanbe.next_badge_number - 1,
        "sessions": len(sessions),
        "recommendations": len(presented),
        "seating plans": len(plans),
        **scans,
    }
