"""The few H.264 bitstream facts a smart cut needs: NAL units in Annex B and
length-prefixed (AVCC) form, and the decoder configuration record (avcC) that
MP4 keeps parameter sets in (ISO/IEC 14496-15)."""

import re
from dataclasses import dataclass, field

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

    def merge(self, sps: bytes, pps: bytes) -> None:
        """Add another parameter-set pair (with its own ids); the record
        announces the highest profile and level of all its sets."""
        self.sps.append(sps)
        self.pps.append(pps)
        self.profile = max(self.profile, sps[1])
        self.level = max(self.level, sps[3])
        self.compatibility &= sps[2]
