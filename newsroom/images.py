"""Checks and renditions of uploaded images, with Pillow only: no database,
no storage, so every rule here is testable on bytes."""

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
# 40 megapixels is more than any press photo needs; far below what a
# decompression bomb asks Pillow to allocate.
MAX_PIXELS = 40_000_000
MIN_WIDTH = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is for the person who sent it."""


@dataclass(frozen=True)
class CheckedImage:
    content: bytes  # re-encoded, without metadata
    extension: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; we refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(_("This image has too many pixels to be processed safely.")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ImageRejected(
                _("This file is not an image we can read. Upload a JPEG, PNG or WebP picture.")
            ) from exc
    return image


def image_check(data: bytes) -> CheckedImage:
    """Accept a real JPEG, PNG or WebP within the size and pixel limits and
    return it upright and re-encoded, so no EXIF, GPS or comment survives."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(_("This image is larger than %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
    image = _open(data)
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(_("This file is not an image we can read. Upload a JPEG, PNG or WebP picture."))
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(_("This image has too many pixels to be processed safely."))
    if width < MIN_WIDTH:
        raise ImageRejected(
            _("This image is too small: it must be at least %(width)d pixels wide.") % {"width": MIN_WIDTH}
        )
    try:
        image.verify()
        image = _open(data)
        image.load()
    except ImageRejected:
        raise
    except Exception as exc:  # Pillow raises many types for damaged files.
        raise ImageRejected(_("This image is damaged or incomplete. Export it again and upload the new file.")) from exc
    return _reencode(image)


def _reencode(image: Image.Image) -> CheckedImage:
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}
    out = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if has_alpha:
        clean.save(out, "PNG", optimize=True, **options)
        extension = "png"
    else:
        clean.save(out, "JPEG", quality=92, **options)
        extension = "jpg"
    return CheckedImage(content=out.getvalue(), extension=extension, width=clean.width, height=clean.height)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height as displayed (EXIF orientation applied)."""
    image = _open(data)
    width, height = image.size
    if image.getexif().get(0x0112) in (5, 6, 7, 8):  # rotated by 90 degrees
        return height, width
    return width, height


def rendition_widths(source_width: int) -> list[int]:
    """The widths to make for a source: the standard ones below it, and the
    source width itself (capped) so that no rendition is ever upscaled."""
    widths = [width for width in RENDITION_WIDTHS if width < source_width]
    widths.append(min(source_width, RENDITION_WIDTHS[-1]))
    return sorted(set(widths))


def image_rendition(data: bytes, *, width: int, fmt: str) -> tuple[bytes, int, int]:
    """Resize ``data`` to ``width`` and encode it as ``fmt`` ("webp" or "jpeg");
    return the bytes and the real size."""
    pillow_format, options = RENDITION_FORMATS[fmt]
    image = _open(data)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if pillow_format == "JPEG" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    height = max(1, round(image.height * width / image.width))
    if width != image.width:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, pillow_format, **options)
    return out.getvalue(), width, height
