"""The organizer roles as auth groups, with the model permissions each one needs.

``roles_sync`` is idempotent: it creates missing groups and resets each group's
permissions to exactly this table, so running it after a deploy repairs drift.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

APPS = ("conference", "participants", "agenda", "documents", "mail", "api")
# Seen only by those who need them; everyone else's "view all" leaves them out.
IDENTITY_PROTECTED = {"participants.identitydocument", "participants.identityaccesslog"}
# The outbox holds every message as sent, nomination links included.
PROTECTED = IDENTITY_PROTECTED | {"mail.outboxmessage"}
CIRCULAR = "participants.send_circular"
# Edit the mail templates, read the outbox, queue failed messages again.
MAIL = (("change",), ["mail.mailtemplate"]), (("view", "change"), ["mail.outboxmessage"])
IDENTITY = "participants.view_identity_document"
DESK = "participants.use_badge_desk"
HOLD = "participants.set_security_hold"
SCANNERS = "participants.pair_scannerdevice"
EDIT = ("add", "change")
EDIT_DELETE = ("add", "change", "delete")

ROLES: dict[str, dict] = {
    "Protocol officer": {
        "grants": [
            (EDIT, ["participants.delegation", "conference.organization"]),
            (EDIT, ["conference.conferencepartner", "agenda.statement"]),
            *MAIL,
            # Seating is protocol's: the plan and the swaps made on it.
            (EDIT, ["agenda.seatingplan"]),
        ],
        "extra": [CIRCULAR],
    },
    "Accreditation officer": {
        "grants": [
            (EDIT, ["participants.participant", "participants.delegation"]),
            (EDIT, ["participants.badgecategory", "participants.accesszone"]),
            (EDIT, ["participants.zoneopening"]),
            (("view", *EDIT), ["participants.identitydocument"]),
            *MAIL,
        ],
        "extra": [IDENTITY, DESK, CIRCULAR],
    },
    "Programme officer": {
        "grants": [(EDIT_DELETE, ["agenda.room", "agenda.session", "agenda.statement"])],
    },
    "Drafting officer": {
        "grants": [
            (
                EDIT_DELETE,
                [
                    "documents.outcomedocument",
                    "documents.documentversion",
                    "documents.paragraph",
                    "documents.amendment",
                    "documents.silencebreak",
                    "documents.positionstatement",
                    "documents.recommendation",
                ],
            )
        ],
    },
    "Security officer": {
        "grants": [
            (("change",), ["participants.participant", "participants.scannerdevice"]),
            (("view",), sorted(IDENTITY_PROTECTED)),
            # The door: its rules and opening hours, and the scanners paired with it.
            (EDIT, ["participants.accesszone", "participants.zoneopening"]),
            # The partners' keys: the host's security service, the badge printer, a ministry.
            (EDIT, ["api.apitoken", "api.webhookendpoint"]),
        ],
        "extra": [IDENTITY, DESK, HOLD, SCANNERS],
    },
    # Hands badges over and checks them at the doors; sees photos there, no passport data.
    "Desk officer": {"grants": [], "extra": [DESK]},
    "Read-only observer": {"grants": []},
}


def _all_models() -> list[str]:
    return [
        model._meta.label_lower
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    ]


def role_permissions(name: str) -> set[str]:
    """``app_label.codename`` strings of one role: view everything unprotected, plus its grants."""
    role = ROLES[name]
    perms = {_codename(model, "view") for model in _all_models() if model not in PROTECTED}
    for actions, models in role["grants"]:
        perms.update(_codename(model, action) for model in models for action in actions)
    perms.update(role.get("extra", []))
    return perms


def _codename(model: str, action: str) -> str:
    app_label, model_name = model.split(".")
    return f"{app_label}.{action}_{model_name}"


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Create or repair every role group; returns the number of permissions each one has."""
    counts = {}
    for name in ROLES:
        wanted = role_permissions(name)
        query = Q()
        for perm in wanted:
            app_label, codename = perm.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        found = list(Permission.objects.filter(query).select_related("content_type"))
        missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        if missing:
            raise LookupError(f"{name}: unknown permissions {sorted(missing)}; run migrate first.")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(found)
        counts[name] = len(found)
    return counts
