"""H.264 for the smart cut: the few bitstream facts it needs (NAL units in
Annex B and length-prefixed (AVCC) form, the decoder configuration record
(avcC) that MP4 keeps parameter sets in, ISO/IEC 14496-15) and the codec's
part of the shared walk (:class:`Codec`): which keyframes a copy may start
at, and libx264 matched to the source (bit depth, chroma, field order)."""

import re
from dataclasses import dataclass, field
from typing import Any

import av

from .codec import EncoderSettings, NotSmartCuttable, field_order_params, probe_picture
from .muxing import Wrapper
from .source import open_input

NAL_IDR = 5
NAL_SEI = 6
NAL_SPS = 7
NAL_PPS = 8
NAL_AUD = 9
HIGH_PROFILES = {100, 110, 122, 144}

_START_CODE = re.compile(rb"\x00\x00\x01")


def split_annexb(data: bytes) -> list[bytes]:
    """NAL units of an Annex B byte stream (start-code separated)."""
    starts = [m.end() for m in _START_CODE.finditer(data)]
    units = []
    for i, begin in enumerate(starts):
        end = starts[i + 1] - 3 if i + 1 < len(starts) else len(data)
        unit = data[begin:end]
        units.append(unit.rstrip(b"\x00") if i + 1 < len(starts) else unit)
    return [u for u in units if u]


def split_avcc(data: bytes, length_size: int = 4) -> list[bytes]:
    """NAL units of a length-prefixed (MP4) sample."""
    units, pos = [], 0
    while pos + length_size <= len(data):
        size = int.from_bytes(data[pos : pos + length_size], "big")
        pos += length_size
        units.append(data[pos : pos + size])
        pos += size
    return units


def join_avcc(units: list[bytes], length_size: int = 4) -> bytes:
    return b"".join(len(u).to_bytes(length_size, "big") + u for u in units)


def nal_type(unit: bytes) -> int:
    return unit[0] & 0x1F


def is_annexb(data: bytes) -> bool:
    return data[:3] == b"\x00\x00\x01" or data[:4] == b"\x00\x00\x00\x01"


def join_annexb(units: list[bytes]) -> bytes:
    return b"".join(b"\x00\x00\x00\x01" + u for u in units)


def _read_ue(data: bytes, bit: int) -> tuple[int, int]:
    """Exp-Golomb unsigned integer at ``bit``; returns (value, next bit)."""
    zeros = 0
    while not (data[bit // 8] >> (7 - bit % 8)) & 1:
        zeros += 1
        bit += 1
    bit += 1
    value = 0
    for _ in range(zeros):
        value = (value << 1) | ((data[bit // 8] >> (7 - bit % 8)) & 1)
        bit += 1
    return (1 << zeros) - 1 + value, bit


def sps_id(sps: bytes) -> int:
    """seq_parameter_set_id of an SPS NAL (after the 3 profile/level bytes)."""
    return _read_ue(sps, 8 * 4)[0]


def pps_id(pps: bytes) -> int:
    return _read_ue(pps, 8)[0]


def sps_extension(sps: bytes) -> bytes:
    """The avcC High-profile trailer for an SPS: chroma format and bit depths."""
    if sps[1] not in HIGH_PROFILES:
        return b""
    bit = _read_ue(sps, 8 * 4)[1]
    chroma, bit = _read_ue(sps, bit)
    if chroma == 3:
        bit += 1  # separate_colour_plane_flag
    luma, bit = _read_ue(sps, bit)
    chroma_depth, bit = _read_ue(sps, bit)
    return bytes([0xFC | chroma, 0xF8 | luma, 0xF8 | chroma_depth, 0])


@dataclass
class AvcConfig:
    profile: int
    compatibility: int
    level: int
    length_size: int
    sps: list[bytes] = field(default_factory=list)
    pps: list[bytes] = field(default_factory=list)
    extension: bytes = b""  # High-profile trailer (chroma format, bit depth)

    @classmethod
    def parse(cls, record: bytes) -> "AvcConfig":
        if not record or record[0] != 1:
            raise ValueError("not an avcC record")
        config = cls(profile=record[1], compatibility=record[2], level=record[3], length_size=(record[4] & 3) + 1)
        pos, count = 6, record[5] & 0x1F
        for _ in range(count):
            size = int.from_bytes(record[pos : pos + 2], "big")
            config.sps.append(record[pos + 2 : pos + 2 + size])
            pos += 2 + size
        count, pos = record[pos], pos + 1
        for _ in range(count):
            size = int.from_bytes(record[pos : pos + 2], "big")
            config.pps.append(record[pos + 2 : pos + 2 + size])
            pos += 2 + size
        config.extension = record[pos:]
        return config

    def build(self) -> bytes:
        out = bytearray([1, self.profile, self.compatibility, self.level, 0xFC | (self.length_size - 1)])
        out.append(0xE0 | len(self.sps))
        for unit in self.sps:
            out += len(unit).to_bytes(2, "big") + unit
        out.append(len(self.pps))
        for unit in self.pps:
            out += len(unit).to_bytes(2, "big") + unit
        if self.profile in HIGH_PROFILES:
            out += self.extension or bytes([0xFD, 0xF8, 0xF8, 0])  # 4:2:0, 8-bit
        return bytes(out)

    @classmethod
    def from_units(cls, units: list[bytes]) -> "AvcConfig":
        """A record for parameter sets found in the stream itself (MPEG-TS and
        MXF carry them in band, not in a header)."""
        sps = list(dict.fromkeys(u for u in units if nal_type(u) == NAL_SPS))
        pps = list(dict.fromkeys(u for u in units if nal_type(u) == NAL_PPS))
        if not sps or not pps:
            raise ValueError("no parameter sets in the stream")
        first = sps[0]
        return cls(first[1], first[2], first[3], 4, sps, pps, sps_extension(first))

    def merge(self, sps: bytes, pps: bytes) -> None:
        """Add another parameter-set pair (with its own ids); the record
        announces the highest profile and level of all its sets."""
        self.sps.append(sps)
        self.pps.append(pps)
        self.profile = max(self.profile, sps[1])
        self.level = max(self.level, sps[3])
        self.compatibility &= sps[2]


def _first_keyframe_units(source: str) -> list[bytes]:
    with open_input(source) as container:
        for packet in container.demux(container.streams.video[0]):
            if packet.size and packet.is_keyframe:
                return split_annexb(bytes(packet))
    return []


def _all_intra(source: str, packets: int = 60) -> bool:
    with open_input(source) as container:
        for index, packet in enumerate(container.demux(container.streams.video[0])):
            if index >= packets:
                break
            if packet.size and not packet.is_keyframe:
                return False
    return True


class Codec:
    """H.264's part of the smart cut."""

    name = "h264"
    can_reencode = True

    def __init__(self, source: str, stream: Any, wrapper: Wrapper, settings: EncoderSettings):
        ctx = stream.codec_context
        extradata = bytes(ctx.extradata or b"")
        self.annexb_in = not extradata or extradata[0] != 1
        self.annexb_out = wrapper.format == "mxf"
        self.copies_as_is = self.annexb_in == self.annexb_out
        if self.annexb_in:
            units = split_annexb(extradata) if extradata else []
            if not any(nal_type(u) == NAL_SPS for u in units):
                units += _first_keyframe_units(source)
            try:
                config = AvcConfig.from_units(units)
            except ValueError as exc:
                raise NotSmartCuttable(str(exc)) from exc
        else:
            config = AvcConfig.parse(extradata)
        if wrapper.format == "mxf" and not _all_intra(source):
            # FFmpeg's MXF demuxer gives long-GOP H.264 no reordering times
            # (pts = dts): which frame is which cannot be told from packets.
            raise NotSmartCuttable("long-GOP H.264 in MXF")
        self.source_extradata = extradata or config.build()
        self.length_size = config.length_size
        picture = probe_picture(source)
        self.pix_fmt = {"yuvj420p": "yuv420p", "yuvj422p": "yuv422p"}.get(picture.pix_fmt, picture.pix_fmt)
        if self.pix_fmt not in ("yuv420p", "yuv422p", "yuv420p10le", "yuv422p10le", "yuv444p", "yuv444p10le"):
            raise NotSmartCuttable(f"pixel format {self.pix_fmt}")
        used = {sps_id(u) for u in config.sps} | {pps_id(u) for u in config.pps}
        free = next(i for i in range(32) if i not in used)
        params = f"sps-id={free}:repeat-headers=1:scenecut=0:keyint=infinite"
        params += field_order_params(picture)
        self.settings = settings.with_options(
            codec="libx264",
            pix_fmt=self.pix_fmt,
            options={"crf": str(settings.crf), "preset": settings.preset, "bf": "0", "x264-params": params},
        )
        self.sps, self.pps = self._our_parameter_sets()
        config.merge(self.sps, self.pps)
        self.config = config

    def _our_parameter_sets(self) -> tuple[bytes, bytes]:
        """The SPS/PPS our encoder emits (fixed for fixed settings), needed
        before the first packet is written."""
        encoder = self.settings.encoder()
        frame = av.VideoFrame(encoder.width, encoder.height, self.pix_fmt)
        for plane in frame.planes:  # a new frame's memory is not cleared; x264 checks 10-bit ranges
            plane.update(bytes(plane.buffer_size))
        frame.pts, frame.time_base = 0, self.settings.time_base
        units: list[bytes] = []
        for packet in [*encoder.encode(frame), *encoder.encode(None)]:
            units += split_annexb(bytes(packet))
        sps = next(u for u in units if nal_type(u) == NAL_SPS)
        pps = next(u for u in units if nal_type(u) == NAL_PPS)
        return sps, pps

    def extradata(self) -> bytes:
        return self.source_extradata if self.annexb_out else self.config.build()

    def _units(self, data: bytes) -> list[bytes]:
        return split_annexb(data) if self.annexb_in else split_avcc(data, self.length_size)

    def clean_start(self, packet: av.Packet) -> bool:
        """An IDR picture: decoding from it needs nothing before it, and a new
        parameter set may take effect there (H.264 7.4.1.2.1)."""
        return NAL_IDR in {nal_type(u) for u in self._units(bytes(packet))}

    def copied(self, data: bytes) -> bytes:
        if self.annexb_in == self.annexb_out:
            return data
        units = [u for u in self._units(data) if nal_type(u) != NAL_AUD]
        if self.annexb_out:
            return join_annexb(units)
        # In-band parameter sets are all in the avcC record already.
        return join_avcc([u for u in units if nal_type(u) not in (NAL_SPS, NAL_PPS)], self.length_size)

    def encoded(self, data: bytes) -> bytes:
        units = split_annexb(data)
        for unit in units:
            if nal_type(unit) == NAL_SPS and unit != self.sps:
                raise NotSmartCuttable("encoder parameter sets changed")
        if self.annexb_out:
            return join_annexb([u for u in units if nal_type(u) != NAL_AUD])
        kept = [u for u in units if nal_type(u) not in (NAL_SPS, NAL_PPS, NAL_AUD)]
        return join_avcc(kept, self.length_size)

    def decoder(self) -> Any:
        decoder = av.CodecContext.create("h264", "r")
        decoder.extradata = self.source_extradata
        decoder.thread_type = "AUTO"
        return decoder
