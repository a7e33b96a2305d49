"""Badge photos: only real JPEG or PNG images, at most 5 MB, re-encoded on the server.

Re-encoding drops whatever rode along in the upload (EXIF location data, trailing
payloads) and guarantees the badge printer gets a clean file.
"""

import uuid
from datetime import timedelta
from io import BytesIO

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from participants.uploads import stored_files_prune

MAX_PHOTO_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Larger pictures are scaled down; a badge photo needs far less. The random file name keeps
# photos from being guessed.
MAX_SIDE = 2000
# A small file can still decode to a huge bitmap (a 39 MP PNG of 130 KB takes ~400 MB to
# decode), so the header's size is checked before anything is decoded. 12 MP is a phone
# camera's full resolution, several times what a printed badge photo needs.
MAX_PIXELS = 12_000_000
# Below this a printed badge photo is blurred; the badge printers ask for 300 × 400 or more.
MIN_WIDTH, MIN_HEIGHT = 300, 400
# Badges print a 3:4 portrait; a photo far from it would be cropped through the face or
# squashed. 35 × 45 mm passport photos (0.78) are well inside.
MIN_RATIO, MAX_RATIO = 0.65, 0.85
# EXIF orientations that turn the stored picture by a quarter: its width is the real height.
QUARTER_TURNS = {5, 6, 7, 8}


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size as the photo will be shown, read from the header without decoding it."""
    width, height = image.size
    # A PNG's getexif() decodes the whole image to look for EXIF after the pixel data.
    if image.format == "PNG" and "exif" not in image.info:
        return width, height
    if image.getexif().get(ExifTags.Base.Orientation) in QUARTER_TURNS:
        return height, width
    return width, height


def _check_size(width: int, height: int) -> None:
    sizes = {"width": width, "height": height}
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "The photo is %(width)d × %(height)d pixels (%(megapixels).1f megapixels); "
                "the limit is 12 megapixels. Send a smaller photo: 600 × 800 pixels is "
                "plenty for a badge."
            )
            % {**sizes, "megapixels": width * height / 1_000_000},
            code="photo_too_many_pixels",
        )
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValidationError(
            _(
                "The photo is %(width)d × %(height)d pixels; a badge photo must be at least "
                "300 pixels wide and 400 pixels high."
            )
            % sizes,
            code="photo_too_small",
        )
    if not MIN_RATIO <= width / height <= MAX_RATIO:
        raise ValidationError(
            _(
                "The photo is %(width)d × %(height)d pixels; a badge photo is a portrait "
                "3 wide by 4 high (for example 600 × 800 pixels). Crop it to that shape."
            )
            % sizes,
            code="photo_wrong_shape",
        )


def photo_reencode(upload: UploadedFile) -> ContentFile:
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; the limit is 5 MB.")
            % {"size": upload.size / 1024 / 1024},
            code="photo_too_large",
        )
    try:
        # Image.open reads only the header; load() below is the first decode.
        with Image.open(upload) as image:
            image_format = image.format
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("The photo must be a JPEG or PNG image, not %(format)s.")
                    % {"format": image_format},
                    code="photo_wrong_type",
                )
            _check_size(*_upright_size(image))
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            output = BytesIO()
            if image_format == "JPEG":
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                image.save(output, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG or PNG photo."),
            code="photo_not_image",
        ) from error
    return ContentFile(
        output.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    )


# A photo that passed its checks on a form that failed others waits here, so the focal point
# does not have to pick it again. The form carries a signed token naming the file and the
# delegation; files nobody came back for are pruned.
KEPT_DIR = "photos/kept"
KEPT_SALT = "participants.kept-photo"
KEPT_LIFETIME = timedelta(hours=6)


def photo_keep(photo: ContentFile, *, scope: str) -> str:
    """Store a re-encoded photo for a later submission; the token to send back for it."""
    stored_files_prune(KEPT_DIR, older_than=KEPT_LIFETIME)
    photo.seek(0)
    name = default_storage.save(f"{KEPT_DIR}/{photo.name}", photo)
    return signing.dumps({"name": name, "scope": scope}, salt=KEPT_SALT)


def _kept_name(token: str, *, scope: str) -> str | None:
    try:
        payload = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_LIFETIME)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("scope") != scope:
        return None
    name = payload.get("name")
    return name if isinstance(name, str) and default_storage.exists(name) else None


def photo_kept(token: str, *, scope: str) -> ContentFile | None:
    """The photo a token from ``photo_keep`` names, if it is still there and for this scope."""
    name = _kept_name(token, scope=scope) if token else None
    if name is None:
        return None
    with default_storage.open(name, "rb") as stored:
        return ContentFile(stored.read(), name=name.rsplit("/", 1)[-1])


def photo_discard_kept(token: str, *, scope: str) -> None:
    name = _kept_name(token, scope=scope) if token else None
    if name is not None:
        default_storage.delete(name)
