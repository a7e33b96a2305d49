"""The check-in desk: a phone-sized page for desk and security officers, and badge photos.

Staff only: anonymous visitors go to the admin login, staff without the desk permission get
403. The desk page posts a scanned token or typed number to ``badging_services.badge_scan`` or
``badging_services.badge_hand_over`` and shows the answer, green or red, full width.
"""

from __future__ import annotations

from io import BytesIO

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from conference.models import Conference
from conference.security import permissions_policy
from conference.selectors import conference_current
from conference.two_factor import staff_with
from participants.accreditation import services
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.enums import ScanAction
from participants.models import IdentityDocument

THUMBNAIL = (240, 320)
THUMBNAIL_SECONDS = 24 * 3600
MAX_CODE = 200


@staff_with(badging_selectors.can_use_desk)
def desk_index(request):
    conference = conference_current()
    if conference is None:
        raise Http404(_("There is no conference yet."))
    return redirect("desk:desk", conference.slug)


def _checkpoints(conference: Conference) -> list[tuple[str, str]]:
    choices = [(badging_services.Checkpoint.DESK, _("Accreditation desk: hand badges over"))]
    for zone in conference.access_zones.order_by("code"):
        choices.append((f"{zone.code}:{ScanAction.ENTRY}", _("%(zone)s: entry") % {"zone": zone}))
        choices.append((f"{zone.code}:{ScanAction.EXIT}", _("%(zone)s: exit") % {"zone": zone}))
    return choices


@permissions_policy(camera="(self)")  # the desk scans badges with the device's camera
@staff_with(badging_selectors.can_use_desk)
def desk(request, conference_slug: str):
    conference = get_object_or_404(Conference, slug=conference_slug)
    at = request.POST.get("at") or request.GET.get("at") or badging_services.Checkpoint.DESK
    checkpoint = badging_services.Checkpoint.parse(at, conference=conference)
    if checkpoint is None:
        checkpoint = badging_services.Checkpoint(action=ScanAction.LOOKUP)
    outcome = None
    code = request.POST.get("code", "")[:MAX_CODE].strip()
    if request.method == "POST" and code:
        if request.POST.get("handover") and checkpoint.zone is None:
            outcome = badging_services.badge_hand_over(
                conference=conference, code=code, by=request.user
            )
        else:
            outcome = badging_services.badge_scan(
                conference=conference, code=code, checkpoint=checkpoint, by=request.user
            )
    query = request.GET.get("q", "")[:100].strip()
    badge = outcome.badge if outcome else None
    return render(
        request,
        "participants/desk.html",
        {
            "conference": conference,
            "checkpoint": checkpoint,
            "checkpoints": _checkpoints(conference),
            "outcome": outcome,
            "badge": badge,
            "participant": badge.participant if badge else None,
            "zones": sorted(z.code for z in badge.participant.badge_category.zones.all())
            if badge and badge.participant.badge_category_id
            else [],
            "code": code,
            "query": query,
            "matches": badging_selectors.desk_search(conference=conference, query=query)
            if query
            else [],
            "figures": badging_selectors.badge_figures(conference=conference),
        },
        status=200,
    )


@staff_with(badging_selectors.can_see_photos)
def photo(request, pk: int):
    """A participant's photo, shrunk, for reviewers and desk officers; never a public URL."""
    document = get_object_or_404(
        IdentityDocument.objects.select_related("participant").only("photo", "participant"),
        participant_id=pk,
    )
    if not document.photo:
        raise Http404(_("No photo."))
    # A thumbnail is still the person's photo: every view of it is in the identity access log.
    services.identity_access_record(
        user=request.user, participant=document.participant, what="photo thumbnail"
    )
    key = f"participants:photo:{document.photo.name}"
    data = cache.get(key)
    if data is None:
        data = _thumbnail(document)
        cache.set(key, data, THUMBNAIL_SECONDS)
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _thumbnail(document: IdentityDocument) -> bytes:
    try:
        with document.photo.open("rb") as file, Image.open(file) as image:
            image.draft("RGB", (THUMBNAIL[0] * 2, THUMBNAIL[1] * 2))
            fitted = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), THUMBNAIL)
    except (OSError, UnidentifiedImageError) as error:
        raise Http404(_("The photo cannot be read.")) from error
    output = BytesIO()
    fitted.save(output, "JPEG", quality=85)
    return output.getvalue()
