from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from participants.photos import photo_reencode


def png_upload(size: tuple[int, int], mode: str = "RGB") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_small_file_that_decodes_to_a_huge_bitmap_is_refused_unread():
    upload = png_upload((8000, 6000), mode="1")
    assert upload.size < 5 * 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        photo_reencode(upload)
    assert excinfo.value.messages == ["The photo is 48 megapixels; the limit is 40."]
    assert excinfo.value.code == "photo_too_many_pixels"


def test_a_large_photo_is_scaled_down_to_badge_size():
    reencoded = photo_reencode(png_upload((3000, 2400)))
    with Image.open(reencoded) as image:
        assert image.size == (2000, 1600)
