"""Paired scanner devices: the offline door app's shell and the JSON API that its key opens.

The app's page, its manifest and its service worker hold no data; everything a door needs
comes from the API with the device's own key in ``Authorization: Scanner <key>``, never from a
staff session (staff sign in to pair a device, not to scan with it). A revoked or replaced key
is refused at once with 401, and the app then wipes what it kept. Another conference's URL is
404, a zone the device is not paired with 403.
"""

from __future__ import annotations

import json
import uuid
from functools import wraps

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from conference.security import permissions_policy
from participants.badging import selectors, services
from participants.badging import signing as badge_signing
from participants.enums import ScanAction, ScanResult, ScanVerdict
from participants.models import ScannerDevice

KEY_PREFIX = "Scanner "
MAX_BODY = 512 * 1024
MAX_QUEUE = 500
MAX_CODE = 200


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _body(request) -> dict | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def device_key(request) -> str:
    header = request.headers.get("Authorization", "")
    return header[len(KEY_PREFIX) :].strip() if header.startswith(KEY_PREFIX) else ""


def device_required(view):
    """The device a key names, of the conference in the URL; else 401 or 404, as JSON."""

    @csrf_exempt  # no cookie is read: the key in the header is the only credential
    @never_cache
    @wraps(view)
    def wrapper(request, conference_slug: str, *args, **kwargs):
        key = device_key(request)
        if not key:
            return _error(401, "no_key", _("This request needs a paired scanner's key."))
        device = selectors.scanner_device_for_key(key)
        if device is None:
            return _error(
                401, "unpaired", _("This scanner is not paired or was revoked; pair it again.")
            )
        if device.conference.slug != conference_slug:
            return _error(404, "not_found", _("No such conference for this scanner."))
        services.scanner_device_seen(device=device)
        return view(request, device, *args, **kwargs)

    return wrapper


# The page, its manifest and its worker ------------------------------------------------------


@never_cache
@permissions_policy(camera="(self)")
def scanner_app(request):
    """The installable door app: a shell; pairing, snapshot and scans go through the API."""
    return render(
        request,
        "participants/scanner.html",
        {"pair_url": reverse("scanner:pair"), "messages_for_app": app_messages()},
    )


def app_messages() -> dict:
    """Every sentence the app's script shows, in the page's language (no string in the JS)."""
    return {
        "results": {value: str(label) for value, label in ScanResult.choices},
        "verdicts": {value: str(label) for value, label in ScanVerdict.choices},
        "instructions": {
            ScanVerdict.SUPERVISOR: _(
                "Send to the supervisor: keep the person here and the badge in hand; do not let in."
            ),
            ScanVerdict.NO_MATCH: _(
                "Nobody matches this code: check the number or search the name."
            ),
        },
        "entry": _("entry"),
        "exit": _("exit"),
        "online": _("Online: every scan is checked by the server."),
        "offline_since": _("Offline since %(at)s: scans are checked on this device and queued."),
        "queued": _("%(n)s scans waiting to be sent."),
        "synced": _("%(n)s queued scans sent; each applied once."),
        "snapshot": _("Snapshot of %(at)s: %(n)s badges; it expires at %(expires)s."),
        "no_snapshot": _("No snapshot on this device: offline it cannot check badges."),
        "expired": _("The snapshot expired and was wiped; go online to fetch a new one."),
        "checked_offline": _("Checked offline against the snapshot; the server checks it again."),
        "no_ed25519": _(
            "This browser cannot check the QR signature (no Ed25519 in WebCrypto); "
            "offline, compare the photo and the name."
        ),
        "old_signature": _("This badge's QR has an older signature that only the server checks."),
        "paired": _("Paired as %(device)s for %(zones)s."),
        "pairing": _("Pairing…"),
        "unpaired": _("This scanner is not paired or was revoked; pair it again."),
        "wiped": _("Signed out: the key and the snapshot were wiped from this device."),
        "conflicts": _("Conflicts after the sync"),
        "conflict": _("%(badge)s at %(at)s: shown %(shown)s, the server says %(result)s."),
        "no_crypto": _("This browser has no WebCrypto here (use HTTPS): the app cannot keep data."),
        "inside_since": _("Inside since %(since)s; it may enter again after an exit."),
        "entered_at": _("Entered at %(since)s; this zone admits a badge once."),
        "closed_now": _("Closed to this badge now."),
    }


def service_worker(request):
    """Our static worker, served under the app's path so that its scope covers the app."""
    path = finders.find("participants/scanner-sw.js")
    if path is None:  # pragma: no cover - the file ships with the app
        raise Http404
    with open(path, "rb") as file:
        response = HttpResponse(file.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("scanner:app")
    return response


def manifest(request):
    data = {
        "name": _("Plenary door scanner"),
        "short_name": _("Door"),
        "start_url": reverse("scanner:app"),
        "scope": reverse("scanner:app"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "icons": [
            {
                "src": static("participants/scanner-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


# The API -------------------------------------------------------------------------------------


def _device_payload(device: ScannerDevice) -> dict:
    slug = device.conference.slug
    return {
        "device": {"id": device.pk, "name": device.name},
        "conference": {"slug": slug, "title": device.conference.short_title},
        "zones": sorted(zone.code for zone in device.zones.all()),
        "public_key": badge_signing.public_key_text(),
        "api": {
            name: reverse(f"scanner:{name}", args=[slug])
            for name in ("snapshot", "changes", "scan", "sync")
        },
    }


@csrf_exempt
@never_cache
@require_POST
def pair(request):
    """Trade the one-time code from the pairing QR for the device's own key, shown once."""
    data = _body(request)
    code = data.get("code") if data else None
    if not isinstance(code, str) or not code or len(code) > 100:
        return _error(400, "bad_pairing", _("Open the pairing code shown by the officer."))
    try:
        device, key = services.scanner_device_pair(code=code)
    except services.ScannerError as error:
        return _error(400, error.code, str(error))
    return JsonResponse({"key": key, **_device_payload(device)})


@require_GET
@device_required
def snapshot(request, device: ScannerDevice):
    return JsonResponse(services.scanner_snapshot_issue(device=device))


@require_GET
@device_required
def changes(request, device: ScannerDevice):
    since = parse_datetime(request.GET.get("since", "")[:40]) if request.GET.get("since") else None
    if since is None or timezone.is_naive(since):
        return _error(400, "bad_since", _("Give since= as a date and time with its offset."))
    return JsonResponse(services.scanner_snapshot_issue(device=device, since=since))


def _checkpoint(device: ScannerDevice, value) -> services.Checkpoint | None:
    """A zone entry or exit of one of the device's zones, else None."""
    if not isinstance(value, str):
        return None
    code, _sep, action = value.partition(":")
    if action not in (ScanAction.ENTRY, ScanAction.EXIT):
        return None
    # The device's zones came with it (prefetched): no query per scan.
    zone = next((zone for zone in device.zones.all() if zone.code == code), None)
    return services.Checkpoint(action=action, zone=zone) if zone else None


def _outcome(outcome: services.ScanOutcome) -> dict:
    badge = outcome.badge
    participant = badge.participant if badge else None
    return {
        "key": str(outcome.scan.client_key) if outcome.scan.client_key else None,
        "result": outcome.result,
        "reason": str(outcome.reason),
        "verdict": outcome.verdict,
        "verdict_label": str(ScanVerdict(outcome.verdict).label),
        "explanation": outcome.explanation,
        "replayed": outcome.replayed,
        "badge": {
            "id": badge.pk,
            "printed": outcome.scan.conference.printed_badge_number(badge.number),
            "name": participant.badge_name,
            "name_cyrillic": participant.cyrillic_name,
        }
        if badge and outcome.result not in (ScanResult.OTHER_CONFERENCE,)
        else None,
    }


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@require_POST
@device_required
def scan(request, device: ScannerDevice):
    """One scan while online; a ``key`` makes a resent scan apply once."""
    data = _body(request)
    if data is None:
        return _error(400, "bad_request", _("Send the scan as a JSON object."))
    checkpoint = _checkpoint(device, data.get("at"))
    if checkpoint is None:
        return _error(403, "zone", _("This scanner is not paired with that zone."))
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        return _error(400, "no_code", _("Scan a badge or type its number."))
    key = _uuid(data.get("key"))
    if data.get("key") and key is None:
        return _error(400, "bad_key", _("A scan's key is a UUID."))
    outcome = services.badge_scan(
        conference=device.conference,
        code=code[:MAX_CODE],
        checkpoint=checkpoint,
        device=device,
        client_key=key,
    )
    return JsonResponse(_outcome(outcome))


def _queued(device: ScannerDevice, item) -> services.QueuedScan | str:
    """A queued scan, or the message that says what is wrong with it."""
    if not isinstance(item, dict):
        return _("Each queued scan is a JSON object.")
    key = _uuid(item.get("key"))
    if key is None:
        return _("Each queued scan needs a UUID key.")
    checkpoint = _checkpoint(device, item.get("at"))
    if checkpoint is None:
        return _("This scanner is not paired with that zone.")
    code = item.get("code")
    scanned_at = parse_datetime(str(item.get("scanned_at", ""))[:40])
    if not isinstance(code, str) or not code.strip():
        return _("A queued scan has no code.")
    if scanned_at is None or timezone.is_naive(scanned_at):
        return _("A queued scan needs scanned_at with its offset.")
    shown = item.get("shown")
    if shown not in ScanResult.values:
        return _("A queued scan says what the device showed (a scan result).")
    if checkpoint.action not in (ScanAction.ENTRY, ScanAction.EXIT):  # pragma: no cover
        return _("This scanner is not paired with that zone.")
    return services.QueuedScan(
        key=key, code=code[:MAX_CODE], checkpoint=checkpoint, scanned_at=scanned_at, shown=shown
    )


@require_POST
@device_required
def sync(request, device: ScannerDevice):
    """The scans queued offline, each applied once; nothing is applied if one is malformed."""
    data = _body(request)
    items = data.get("scans") if data else None
    if not isinstance(items, list) or len(items) > MAX_QUEUE:
        return _error(
            400, "bad_request", _("Send at most %(n)s queued scans as a list.") % {"n": MAX_QUEUE}
        )
    queued = []
    for index, item in enumerate(items):
        parsed = _queued(device, item)
        if isinstance(parsed, str):
            return _error(400, "bad_scan", f"#{index + 1}: {parsed}")
        queued.append(parsed)
    try:
        synced = services.scanner_sync(device=device, scans=queued)
    except ValidationError as error:  # pragma: no cover - the checks above come first
        return _error(400, "bad_scan", "; ".join(error.messages))
    answers = []
    for item in synced:
        answer = _outcome(item.outcome)
        answer.update(key=str(item.queued.key), shown=item.queued.shown, conflict=item.conflict)
        answer["shown_reason"] = str(ScanResult(item.queued.shown).label)
        answers.append(answer)
    return JsonResponse(
        {
            "scans": answers,
            "conflicts": [answer for answer in answers if answer["conflict"]],
            "applied": sum(1 for item in synced if not item.outcome.replayed),
        }
    )
