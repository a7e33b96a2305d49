"""Badge photos: only real JPEG or PNG images, at most 5 MB, re-encoded on the server.

Re-encoding drops whatever rode along in the upload (EXIF location data, trailing
payloads) and guarantees the badge printer gets a clean file.
"""

import uuid
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Larger pictures are scaled down; a badge photo needs far less. The random file name keeps
# photos from being guessed.
MAX_SIDE = 2000
# A small file can still decode to a huge bitmap; refuse before decoding anything.
MAX_PIXELS = 40_000_000


def photo_reencode(upload: UploadedFile) -> ContentFile:
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; the limit is 5 MB.")
            % {"size": upload.size / 1024 / 1024},
            code="photo_too_large",
        )
    try:
        with Image.open(upload) as image:
            image_format = image.format
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("The photo must be a JPEG or PNG image, not %(format)s.")
                    % {"format": image_format},
                    code="photo_wrong_type",
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("The photo is %(megapixels)d megapixels; the limit is 40.")
                    % {"megapixels": image.width * image.height // 1_000_000},
                    code="photo_too_many_pixels",
                )
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
