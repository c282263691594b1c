"""The timeline's filmstrip: small thumbnails at regular times, packed in one
sprite sheet (JPEG), and a WebVTT "thumbnails" track whose cues name each
tile by its spatial media fragment (``sheet.jpg#xywh=x,y,w,h``).

Each tile needs one seek and a few decoded frames, so the work depends on the
number of tiles (at most ``MAX_TILES``), not on the length of the master."""

import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from PIL import Image

from .seeking import decode_from
from .source import open_input
from .timecode import format_millis

TILE_WIDTH = 160
MAX_TILES = 100
MIN_INTERVAL = 0.5  # seconds between tiles on short videos
COLUMNS = 10


@dataclass
class Filmstrip:
    sheet: bytes  # the JPEG sprite sheet
    vtt: str  # the WebVTT track, with ``{sheet}`` where the sheet's URL goes
    interval: float
    tiles: int
    tile_width: int
    tile_height: int


def interval_for(duration: float) -> float:
    return max(duration / MAX_TILES, MIN_INTERVAL)


def _frame_at(container, stream, seconds: Fraction) -> Image.Image | None:
    """The first frame at or after ``seconds`` on the file's timeline."""
    chosen: Any = None
    frame: Any
    for frame in decode_from(container, stream, seconds):
        chosen = frame
        if frame.pts is not None and frame.pts * stream.time_base >= seconds:
            break
    return chosen.to_image() if chosen is not None else None


def make(source, *, duration: float, start_time: float = 0.0, sheet_name: str = "{sheet}") -> Filmstrip:
    """Tiles every ``interval_for(duration)`` seconds from the first frame; times
    in the track count from the first frame, as the player does."""
    if duration <= 0:
        raise ValueError("a filmstrip needs a duration")
    interval = interval_for(duration)
    count = max(1, min(MAX_TILES, int(duration / interval + 0.999)))
    images: list[Image.Image] = []
    with open_input(source) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        height = round(TILE_WIDTH * stream.codec_context.height / max(stream.codec_context.width, 1) / 2) * 2
        for index in range(count):
            at = Fraction(start_time) + Fraction(index * interval).limit_denominator(1000)
            image = _frame_at(container, stream, at)
            if image is None:
                break
            images.append(image.convert("RGB").resize((TILE_WIDTH, height), Image.Resampling.BILINEAR))
    if not images:
        raise ValueError("no decodable frame")
    columns = min(COLUMNS, len(images))
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * TILE_WIDTH, rows * height))
    cues = ["WEBVTT", ""]
    for index, image in enumerate(images):
        x, y = index % columns * TILE_WIDTH, index // columns * height
        sheet.paste(image, (x, y))
        end = min((index + 1) * interval, duration) if index == len(images) - 1 else (index + 1) * interval
        cues += [
            f"{format_millis(index * interval)} --> {format_millis(end)}",
            f"{sheet_name}#xywh={x},{y},{TILE_WIDTH},{height}",
            "",
        ]
    buffer = io.BytesIO()
    sheet.save(buffer, "JPEG", quality=75, optimize=True)
    return Filmstrip(buffer.getvalue(), "\n".join(cues), interval, len(images), TILE_WIDTH, height)
