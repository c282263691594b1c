"""Posters and thumbnails: one decoded frame, scaled with Pillow."""

import io
from typing import Any

from PIL import Image

from .source import open_input

POSTER_WIDTH = 1280
THUMBNAIL_WIDTH = 480


def frame_at(source, seconds: float, rotation: int = 0) -> Image.Image:
    """The first frame at or after ``seconds`` (the start if the file is
    shorter), turned upright by the display ``rotation`` (degrees
    counter-clockwise, as the probe reports it)."""
    with open_input(source) as container:
        stream: Any = container.streams.video[0]
        stream.thread_type = "AUTO"
        chosen: Any = None
        frame: Any
        # Posters come from the first seconds: decode from the start rather
        # than seek (MPEG-TS recordings whose clock starts hours in do not
        # seek reliably).
        for frame in container.decode(stream):
            chosen = frame
            if frame.pts is not None and frame.pts * stream.time_base >= seconds:
                break
        if chosen is None:
            raise ValueError("no decodable frame")
        image = chosen.to_image()
        return image.rotate(rotation, expand=True) if rotation % 360 else image


def jpeg(image: Image.Image, width: int) -> bytes:
    """``image`` scaled to ``width`` (never up), as a progressive JPEG with no metadata."""
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
