"""Posters and thumbnails: one decoded frame, scaled with Pillow."""

import io
from typing import Any

import av
from PIL import Image

from .seeking import decode_from

POSTER_WIDTH = 1280
THUMBNAIL_WIDTH = 480


def frame_at(source, seconds: float) -> Image.Image:
    """The first frame at or after ``seconds`` (the start if the file is shorter)."""
    with av.open(source) as container:
        stream: Any = container.streams.video[0]
        stream.thread_type = "AUTO"
        chosen: Any = None
        frame: Any
        for frame in decode_from(container, stream, seconds):
            chosen = frame
            if frame.pts is not None and frame.pts * stream.time_base >= seconds:
                break
        if chosen is None:
            raise ValueError("no decodable frame")
        return chosen.to_image()


def jpeg(image: Image.Image, width: int) -> bytes:
    """``image`` scaled to ``width`` (never up), as a progressive JPEG with no metadata."""
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
