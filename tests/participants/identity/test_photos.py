from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from participants.identity.photos import photo_reencode


def png_upload(size: tuple[int, int], mode: str = "RGB") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_small_file_that_decodes_to_a_huge_bitmap_is_refused_unread(monkeypatch):
    # Issue 10, item 12: a 39 MP PNG of a few hundred kilobytes passed the old 40 MP cap and
    # took hundreds of megabytes to decode. The header gives the size; nothing is decoded.
    upload = png_upload((7200, 5400), mode="1")
    assert upload.size < 5 * 1024 * 1024

    def refuse_to_decode(image):
        raise AssertionError("the bitmap was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)
    with pytest.raises(ValidationError) as excinfo:
        photo_reencode(upload)
    assert excinfo.value.messages == [
        "The photo is 7200 × 5400 pixels (38.9 megapixels); the limit is 12 megapixels. "
        "Send a smaller photo: 600 × 800 pixels is plenty for a badge."
    ]
    assert excinfo.value.code == "photo_too_many_pixels"


def test_a_photo_at_the_pixel_cap_is_accepted():
    reencoded = photo_reencode(png_upload((3000, 4000)))
    with Image.open(reencoded) as image:
        assert image.size == (1500, 2000)


def test_a_large_photo_is_scaled_down_to_badge_size():
    reencoded = photo_reencode(png_upload((2400, 3000)))
    with Image.open(reencoded) as image:
        assert image.size == (1600, 2000)


# Issue 10, item 6: a 40 × 50 px photo was accepted and printed as a blur.


@pytest.mark.parametrize(
    ("size", "message", "code"),
    [
        (
            (40, 50),
            "The photo is 40 × 50 pixels; a badge photo must be at least 300 pixels wide "
            "and 400 pixels high.",
            "photo_too_small",
        ),
        (
            (299, 400),
            "The photo is 299 × 400 pixels; a badge photo must be at least 300 pixels wide "
            "and 400 pixels high.",
            "photo_too_small",
        ),
        (
            (800, 600),
            "The photo is 800 × 600 pixels; a badge photo is a portrait 3 wide by 4 high "
            "(for example 600 × 800 pixels). Crop it to that shape.",
            "photo_wrong_shape",
        ),
        (
            (600, 600),
            "The photo is 600 × 600 pixels; a badge photo is a portrait 3 wide by 4 high "
            "(for example 600 × 800 pixels). Crop it to that shape.",
            "photo_wrong_shape",
        ),
    ],
    ids=["tiny", "one-pixel-narrow", "landscape", "square"],
)
def test_a_photo_too_small_or_far_from_portrait_is_refused(size, message, code):
    with pytest.raises(ValidationError) as excinfo:
        photo_reencode(png_upload(size))
    assert (excinfo.value.messages, excinfo.value.code) == ([message], code)


@pytest.mark.parametrize("size", [(300, 400), (350, 450), (600, 800)])
def test_portrait_photos_of_badge_size_are_accepted(size):
    with Image.open(photo_reencode(png_upload(size))) as image:
        assert image.size == size


def test_a_camera_photo_turned_by_exif_is_judged_upright():
    buffer = BytesIO()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored landscape, shown portrait
    Image.new("RGB", (800, 600)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")
    with Image.open(photo_reencode(upload)) as image:
        assert image.size == (600, 800)
