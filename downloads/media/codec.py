"""What every codec module of the smart cut shares: the encoder settings
matched to a source, and the intra-only family, whose clips are pure copies.

A codec module offers a ``Codec`` class with the same few members
(``can_reencode``, ``extradata()``, ``clean_start()``, ``copied()``,
``encoded()``, ``decoder()`` and ``settings``); the walk in ``smart.py``
uses nothing else."""

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import av

from .muxing import Wrapper
from .source import open_input

# Codecs whose every frame is a keyframe by definition.
INTRA_CODECS = {"prores", "dnxhd", "mjpeg", "jpeg2000", "dvvideo", "png", "qtrle", "ffv1", "v210", "rawvideo"}

# AVCodecContext.field_order values (libavcodec/defs.h).
FIELD_PROGRESSIVE, FIELD_TT, FIELD_BB, FIELD_TB, FIELD_BT = 1, 2, 3, 4, 5


class NotSmartCuttable(Exception):
    """This source needs the re-encode path."""


@dataclass(frozen=True)
class EncoderSettings:
    """How re-encoded frames are made, matched to the source."""

    width: int
    height: int
    crf: int = 16
    preset: str = "superfast"
    codec: str = "libx264"
    pix_fmt: str = "yuv420p"
    options: dict[str, str] = field(default_factory=dict)
    bit_rate: int | None = None
    color: dict[str, Any] = field(default_factory=dict)
    time_base: Fraction = Fraction(1, 25)
    fps: Fraction = Fraction(25)

    def with_options(self, **changes: Any) -> "EncoderSettings":
        return replace(self, **changes)

    def encoder(self) -> Any:
        encoder: Any = av.CodecContext.create(self.codec, "w")
        encoder.width, encoder.height, encoder.pix_fmt = self.width, self.height, self.pix_fmt
        encoder.time_base = self.time_base
        encoder.framerate = self.fps
        if self.bit_rate:
            encoder.bit_rate = self.bit_rate
        for name, value in self.color.items():
            try:
                setattr(encoder, name, value)
            except (AttributeError, TypeError, ValueError):
                pass
        encoder.options = dict(self.options)
        return encoder


def color_of(ctx: Any) -> dict[str, Any]:
    names = ("color_range", "colorspace", "color_primaries", "color_trc")
    return {name: getattr(ctx, name) for name in names if getattr(ctx, name, None) is not None}


@dataclass(frozen=True)
class Picture:
    """Facts of the source's first decoded picture."""

    pix_fmt: str
    interlaced: bool
    top_field_first: bool


def probe_picture(source: str) -> Picture:
    """Decode the source's first picture: its pixel format and whether it is
    interlaced are facts of the stream itself, whatever the header says."""
    with open_input(source) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            order = stream.codec_context.field_order
            interlaced = bool(frame.interlaced_frame) or order not in (0, FIELD_PROGRESSIVE)
            return Picture(frame.format.name, interlaced, order not in (FIELD_BB, FIELD_BT))
    raise NotSmartCuttable("no decodable picture")


def field_order_params(picture: Picture) -> str:
    """x264 settings that code every frame interlaced with the source's field
    dominance (an interlaced clip with progressive frames fails broadcast QC)."""
    if not picture.interlaced:
        return ""
    return ":interlaced=1:tff=1" if picture.top_field_first else ":interlaced=1:bff=1"


class Intra:
    """Every frame a keyframe (ProRes, DNxHD/HR, AVC-Intra, MJPEG...): any
    frame range is copied bit for bit; nothing is ever re-encoded."""

    name = "intra"
    can_reencode = False
    copies_as_is = True

    def __init__(self, source: str, stream: Any, wrapper: Wrapper, settings: EncoderSettings):
        self.settings = settings
        self.source_extradata = bytes(stream.codec_context.extradata or b"")

    def extradata(self) -> bytes | None:
        return None

    def clean_start(self, packet: av.Packet) -> bool:
        return bool(packet.is_keyframe)

    def copied(self, data: bytes) -> bytes:
        return data

    def encoded(self, data: bytes) -> bytes:
        raise NotSmartCuttable("intra-only sources are never re-encoded")

    def decoder(self) -> Any:
        raise NotSmartCuttable("intra-only sources are never re-encoded")
