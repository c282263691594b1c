import io

import pytest
from django.utils import translation
from PIL import Image

from newsroom import images

from .factories import jpeg_bytes


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _png(width, height, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_accepted_and_its_metadata_removed():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x010E] = "Secret location 50.85N 4.35E"  # ImageDescription
    original = jpeg_bytes(exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif()  # the upload does carry metadata

    checked = images.image_check(original)

    cleaned = Image.open(io.BytesIO(checked.content))
    assert (checked.extension, cleaned.format, cleaned.size) == ("jpg", "JPEG", (1200, 800))
    assert not cleaned.getexif()
    assert b"SpyCam" not in checked.content and b"Secret location" not in checked.content


def test_an_upright_copy_is_kept_when_the_camera_recorded_a_rotation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    checked = images.image_check(jpeg_bytes(1200, 800, exif=exif.tobytes()))
    assert (checked.width, checked.height) == (800, 1200)


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message():
    with pytest.raises(images.ImageRejected, match="not an image we can read"):
        images.image_check(b"%PDF-1.7 this is a document, not a picture" * 50)


def test_a_truncated_image_is_refused():
    data = jpeg_bytes()
    with pytest.raises(images.ImageRejected, match="damaged or incomplete"):
        images.image_check(data[: len(data) // 2])


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 15,000 x 15,000 pixels in a file of a few dozen kilobytes: beyond Pillow's own limit.
    bomb = _png(15_000, 15_000)
    assert len(bomb) < 200_000
    with pytest.raises(images.ImageRejected, match="too many pixels"):
        images.image_check(bomb)


def test_an_image_above_our_pixel_limit_is_refused_even_below_pillows():
    with pytest.raises(images.ImageRejected, match="too many pixels"):
        images.image_check(_png(8_000, 6_000))  # 48 megapixels


def test_an_image_too_small_for_the_page_is_refused():
    with pytest.raises(images.ImageRejected, match="at least 320 pixels wide"):
        images.image_check(jpeg_bytes(200, 150))


def test_other_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (400, 300)).save(out, "BMP")
    with pytest.raises(images.ImageRejected, match="JPEG, PNG or WebP"):
        images.image_check(out.getvalue())


def test_transparent_png_stays_png():
    checked = images.image_check(_png(400, 300, mode="RGBA"))
    assert checked.extension == "png"


@pytest.mark.parametrize(("source", "expected"), [(2400, [480, 960, 1600]), (1200, [480, 960, 1200]), (400, [400])])
def test_renditions_are_never_upscaled(source, expected):
    assert images.rendition_widths(source) == expected


@pytest.mark.parametrize(("fmt", "pillow_format"), [("webp", "WEBP"), ("jpeg", "JPEG")])
def test_a_rendition_has_the_requested_width_and_format(fmt, pillow_format):
    content, width, height = images.image_rendition(jpeg_bytes(1200, 800), width=480, fmt=fmt)
    image = Image.open(io.BytesIO(content))
    assert (image.format, image.size, width, height) == (pillow_format, (480, 320), 480, 320)
