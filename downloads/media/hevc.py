"""HEVC for the smart cut (ITU-T H.265, ISO/IEC 14496-15 for hvcC).

libx265 always numbers its parameter sets 0, as most sources do. The
re-encoded pieces get their own VPS/SPS/PPS under ids the source does not
use, rewritten in the bitstream, and all sets go into the clip's ``hvcC``
record; a decoder takes the new ones at the IDR picture starting each piece
and the source's again at the IDR where the copy resumes. The ids are
chosen so that each Exp-Golomb code grows by a whole number of bytes: the
rest of the NAL unit then moves by whole bytes and the byte-aligned slice
data stays valid.
"""

from dataclasses import dataclass, field
from typing import Any

import av

from .codec import EncoderSettings, NotSmartCuttable, probe_picture
from .h264 import join_avcc, split_annexb, split_avcc
from .muxing import Wrapper

VPS, SPS, PPS, AUD, SEI_PREFIX, SEI_SUFFIX = 32, 33, 34, 35, 39, 40
IDR_W_RADL, IDR_N_LP = 19, 20
_SPS_ID_BIT = 16 + 8 + 96  # NAL header, VPS id/sub-layers/nesting, profile_tier_level for one layer


def nal_type(unit: bytes) -> int:
    return (unit[0] >> 1) & 0x3F


def _unescape(data: bytes) -> bytes:
    return data.replace(b"\x00\x00\x03", b"\x00\x00")


def _escape(data: bytes) -> bytes:
    out, zeros = bytearray(), 0
    for byte in data:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _bits(data: bytes) -> str:
    return "".join(f"{byte:08b}" for byte in data)


def _bytes(bits: str) -> bytes:
    return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


def _ue_at(bits: str, pos: int) -> tuple[int, int]:
    zeros = 0
    while bits[pos + zeros] == "0":
        zeros += 1
    end = pos + 2 * zeros + 1
    return int(bits[pos + zeros : end], 2) - 1, end


def _ue(value: int) -> str:
    code = bin(value + 1)[2:]
    return "0" * (len(code) - 1) + code


def _replace_ue(unit: bytes, pos: int, value: int) -> tuple[bytes, int]:
    """``unit`` with the Exp-Golomb number at bit ``pos`` set to ``value``,
    and the bit after it."""
    bits = _bits(_unescape(unit))
    _, end = _ue_at(bits, pos)
    new = bits[:pos] + _ue(value) + bits[end:]
    if len(new) % 8:
        raise NotSmartCuttable("parameter set id would misalign the NAL unit")
    return _escape(_bytes(new)), pos + len(_ue(value))


def _ue_read(unit: bytes, pos: int) -> int:
    return _ue_at(_bits(_unescape(unit[: pos // 8 + 16])), pos)[0]


def vps_id(unit: bytes) -> int:
    return unit[2] >> 4


def sps_id(unit: bytes) -> int:
    if (unit[2] >> 1) & 7:
        raise NotSmartCuttable("HEVC with temporal sub-layers")
    return _ue_read(unit, _SPS_ID_BIT)


def pps_id(unit: bytes) -> int:
    return _ue_read(unit, 16)


def _free_id(used: set[int], old: int, limit: int) -> int:
    """An id not in ``used`` whose Exp-Golomb code is longer than ``old``'s
    by a whole number of bytes."""
    for candidate in range(limit):
        if candidate not in used and (len(_ue(candidate)) - len(_ue(old))) % 8 == 0 and candidate != old:
            return candidate
    raise NotSmartCuttable("no free parameter set id")


@dataclass
class HvcConfig:
    """The HEVC decoder configuration record: a fixed header and arrays of
    parameter-set NAL units."""

    header: bytes
    arrays: dict[int, list[bytes]] = field(default_factory=dict)

    @property
    def length_size(self) -> int:
        return (self.header[21] & 3) + 1

    @classmethod
    def parse(cls, record: bytes) -> "HvcConfig":
        if len(record) < 23 or record[0] != 1:
            raise ValueError("not an hvcC record")
        config, pos = cls(record[:22]), 23
        for _ in range(record[22]):
            kind, count = record[pos] & 0x3F, int.from_bytes(record[pos + 1 : pos + 3], "big")
            pos += 3
            for _ in range(count):
                size = int.from_bytes(record[pos : pos + 2], "big")
                config.arrays.setdefault(kind, []).append(record[pos + 2 : pos + 2 + size])
                pos += 2 + size
        return config

    def build(self) -> bytes:
        out = bytearray(self.header) + bytes([len(self.arrays)])
        for kind, units in self.arrays.items():
            out += bytes([0x80 | kind]) + len(units).to_bytes(2, "big")
            for unit in units:
                out += len(unit).to_bytes(2, "big") + unit
        return bytes(out)


class Codec:
    """HEVC's part of the smart cut."""

    name = "hevc"
    can_reencode = True
    copies_as_is = True

    def __init__(self, source: str, stream: Any, wrapper: Wrapper, settings: EncoderSettings):
        extradata = bytes(stream.codec_context.extradata or b"")
        try:
            config = HvcConfig.parse(extradata)
        except ValueError as exc:
            raise NotSmartCuttable("no hvcC record") from exc
        if not wrapper.is_mp4_family:
            raise NotSmartCuttable("HEVC clips are written as MP4/MOV")
        self.source_extradata, self.length_size = extradata, config.length_size
        picture = probe_picture(source)
        self.pix_fmt = picture.pix_fmt
        if self.pix_fmt not in ("yuv420p", "yuv420p10le", "yuv422p10le"):
            raise NotSmartCuttable(f"pixel format {self.pix_fmt}")
        params = "keyint=-1:min-keyint=1:bframes=0:scenecut=0:open-gop=0:repeat-headers=1:log-level=error"
        self.settings = settings.with_options(
            codec="libx265",
            pix_fmt=self.pix_fmt,
            options={"crf": str(settings.crf), "preset": "ultrafast", "x265-params": params},
        )
        vps, sps, pps = self._our_parameter_sets()
        self.ids = {
            VPS: (vps_id(vps), next(i for i in range(16) if i not in {vps_id(u) for u in config.arrays.get(VPS, [])})),
            SPS: (sps_id(sps), _free_id({sps_id(u) for u in config.arrays.get(SPS, [])}, sps_id(sps), 16)),
            PPS: (pps_id(pps), _free_id({pps_id(u) for u in config.arrays.get(PPS, [])}, pps_id(pps), 64)),
        }
        self.our_sps = sps
        ours = {VPS: self._rewrite(vps), SPS: self._rewrite(sps), PPS: self._rewrite(pps)}
        for kind, unit in ours.items():
            config.arrays.setdefault(kind, []).append(unit)
        self.config = config

    def _our_parameter_sets(self) -> tuple[bytes, bytes, bytes]:
        encoder = self.settings.encoder()
        frame = av.VideoFrame(encoder.width, encoder.height, self.pix_fmt)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.pts, frame.time_base = 0, self.settings.time_base
        units: list[bytes] = []
        for packet in [*encoder.encode(frame), *encoder.encode(None)]:
            units += split_annexb(bytes(packet))
        found = {kind: next((u for u in units if nal_type(u) == kind), b"") for kind in (VPS, SPS, PPS)}
        if not all(found.values()):
            raise NotSmartCuttable("the encoder gave no parameter sets")
        return found[VPS], found[SPS], found[PPS]

    def _rewrite(self, unit: bytes) -> bytes:
        """One of our NAL units with our parameter-set ids."""
        kind = nal_type(unit)
        if kind == VPS:
            return unit[:2] + bytes([(self.ids[VPS][1] << 4) | (unit[2] & 0x0F)]) + unit[3:]
        if kind == SPS:
            unit = unit[:2] + bytes([(self.ids[VPS][1] << 4) | (unit[2] & 0x0F)]) + unit[3:]
            return _replace_ue(unit, _SPS_ID_BIT, self.ids[SPS][1])[0]
        if kind == PPS:
            unit, after = _replace_ue(unit, 16, self.ids[PPS][1])
            return _replace_ue(unit, after, self.ids[SPS][1])[0]
        if kind < 32:  # a slice: first_slice_segment_in_pic_flag, [no_output_of_prior_pics_flag], pps id
            pos = 17 + (1 if 16 <= kind <= 23 else 0)
            return _replace_ue(unit, pos, self.ids[PPS][1])[0]
        return unit

    def extradata(self) -> bytes:
        return self.config.build()

    def clean_start(self, packet: Any) -> bool:
        """An IDR picture: new parameter sets may take effect only at one."""
        kinds = {nal_type(u) for u in split_avcc(bytes(packet), self.length_size) if u}
        return bool(kinds & {IDR_W_RADL, IDR_N_LP})

    def copied(self, data: bytes) -> bytes:
        return data

    def encoded(self, data: bytes) -> bytes:
        units = split_annexb(data)
        for unit in units:
            if nal_type(unit) == SPS and unit != self.our_sps:
                raise NotSmartCuttable("encoder parameter sets changed")
        return join_avcc([self._rewrite(u) for u in units if nal_type(u) < 32], self.length_size)

    def decoder(self) -> Any:
        decoder: Any = av.CodecContext.create("hevc", "r")
        decoder.extradata = self.source_extradata
        decoder.thread_type = "AUTO"
        return decoder
