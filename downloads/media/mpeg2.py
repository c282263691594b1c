"""MPEG-2 video (XDCAM HD422 and its kin) for the smart cut: which keyframes
start a closed GOP, and the mpeg2video encoder matched to the source (4:2:2
Profile, bit rate, interlacing). Every re-encoded piece starts with its own
sequence header, so a decoder takes the new one at the I-frame after it, as
at any GOP of the source (ISO/IEC 13818-2 6.1.1.6)."""

import re
from typing import Any

import av

from .codec import EncoderSettings, NotSmartCuttable, probe_picture
from .muxing import Wrapper

_GOP_HEADER = re.compile(rb"\x00\x00\x01\xb8")


def closed_gop(data: bytes) -> bool:
    """Whether the picture starts a closed GOP: its B-pictures (if any) need
    nothing before the I-picture (closed_gop flag of the GOP header, after
    its 25-bit time code)."""
    match = _GOP_HEADER.search(data, 0, 256)
    return bool(match and len(data) >= match.end() + 4 and data[match.end() + 3] & 0x40)


class Codec:
    name = "mpeg2video"
    can_reencode = True
    copies_as_is = True

    def __init__(self, source: str, stream: Any, wrapper: Wrapper, settings: EncoderSettings):
        ctx = stream.codec_context
        picture = probe_picture(source)
        if picture.pix_fmt not in ("yuv420p", "yuv422p"):
            raise NotSmartCuttable(f"pixel format {picture.pix_fmt}")
        self.source_extradata = bytes(ctx.extradata or b"")
        # I and P pictures only in the re-encoded pieces (they stay in
        # presentation order), closed GOPs of 12 as in XDCAM HD422.
        options = {"g": "12", "bf": "0", "flags": "+cgop", "sc_threshold": "1000000000"}
        if picture.interlaced:
            options["flags"] += "+ilme+ildct"
        if picture.pix_fmt == "yuv422p":
            options["profile"], options["level"] = "0", "2"
        bit_rate = ctx.bit_rate or (stream.container.bit_rate if getattr(stream, "container", None) else None)
        self.settings = settings.with_options(
            codec="mpeg2video", pix_fmt=picture.pix_fmt, options=options, bit_rate=bit_rate or 50_000_000
        )

    def extradata(self) -> bytes | None:
        return None

    def clean_start(self, packet: Any) -> bool:
        return bool(packet.is_keyframe) and closed_gop(bytes(packet))

    def copied(self, data: bytes) -> bytes:
        return data

    def encoded(self, data: bytes) -> bytes:
        return data

    def decoder(self) -> Any:
        decoder: Any = av.CodecContext.create("mpeg2video", "r")
        if self.source_extradata:
            decoder.extradata = self.source_extradata
        decoder.thread_type = "AUTO"
        return decoder
