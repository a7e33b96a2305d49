"""Stored identity files (badge photos, notes verbales): names, content checks, serving.

None of them is reachable under MEDIA_URL: the admin serves each through a view that checks
the permission and logs the access, so the files keep random names and are checked by
content, not by the name the uploader gave them.
"""

import uuid
from datetime import timedelta
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference import pdf_check
from conference.files import delete_replaced_files  # noqa: F401  (where the models import it)

# What the first bytes of a file say it is: (extension, content type).
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}
NOTE_VERBALE_EXTENSIONS = {"pdf", "jpg", "jpeg", "png"}


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def _head(file, size: int = 16) -> bytes:
    position = file.tell()
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def validate_note_verbale(value: FieldFile) -> None:
    """A fresh upload must really be a PDF, JPEG or PNG, whatever its name says."""
    if not value or getattr(value, "_committed", True):
        return  # a stored file was checked when it came in
    kind = sniff(_head(value.file))
    if kind is None:
        raise ValidationError(
            _("The note verbale must be a PDF, JPEG or PNG file; this file is none of them."),
            code="note_verbale_wrong_type",
        )
    if kind[0] == "pdf":
        _refuse_active_pdf(value.file)


# Why a PDF is refused, most serious first: the message names each reason found.
PDF_REFUSALS = {
    pdf_check.JAVASCRIPT: _("it contains JavaScript"),
    pdf_check.LAUNCH: _("it contains an action that launches a program or opens a file"),
    pdf_check.EMBEDDED_FILE: _("it carries embedded (attached) files"),
    pdf_check.ENCRYPTED: _("it is protected by a password, so it cannot be checked"),
    pdf_check.UNREADABLE: _("it is damaged or not a PDF that can be read, so it cannot be checked"),
}


def _refuse_active_pdf(file) -> None:
    """Refused, never re-written: a note verbale must reach the organizers as it was sent."""
    found = pdf_check.pdf_active_content(file)
    if found:
        reasons = "; ".join(str(text) for key, text in PDF_REFUSALS.items() if key in found)
        raise ValidationError(
            _(
                "This PDF is refused because %(reasons)s. Notes verbales are opened on the "
                "organizers' computers, so a PDF may not run scripts, start programs or carry "
                "other files. Export or scan the note to a plain PDF, or send it as a JPEG or "
                "PNG image."
            ),
            code="note_verbale_active_pdf",
            params={"reasons": reasons},
        )


def note_verbale_path(instance, filename: str) -> str:
    """A random name: the uploader's own ("Note to MFA Kazakhstan.pdf") is guessable."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    extension = f".{suffix}" if suffix in NOTE_VERBALE_EXTENSIONS else ""
    return f"notes_verbales/{uuid.uuid4().hex}{extension}"


BADGE_PHOTO_DIR = "photos/print/"


def badge_photo_name(photo_name: str) -> str:
    """The print-size copy's name for the photo ``photo_name`` (random, as the photo's is)."""
    return f"{BADGE_PHOTO_DIR}{PurePath(photo_name).stem}.jpg"


def is_badge_photo_of(badge_photo: str, photo_name: str) -> bool:
    """Whether ``badge_photo`` was made from ``photo_name`` (the storage may add a suffix)."""
    if not photo_name:
        return False
    stem = badge_photo_name(photo_name)[: -len(".jpg")]
    return badge_photo.startswith((f"{stem}.", f"{stem}_"))


def stored_files_prune(directory: str, *, older_than: timedelta) -> None:
    """Delete the files left in ``directory`` for longer than ``older_than`` (personal data)."""
    if not default_storage.exists(directory):
        return
    cutoff = timezone.now() - older_than
    for name in default_storage.listdir(directory)[1]:
        path = f"{directory}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def file_response(field_file: FieldFile, *, download_name: str) -> FileResponse:
    """The stored file, typed by its content, never cached and never sniffed as HTML."""
    try:
        field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension, content_type = sniff(_head(field_file.file)) or ("bin", "application/octet-stream")
    response = FileResponse(
        field_file.file,
        content_type=content_type,
        as_attachment=False,
        filename=f"{download_name}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
