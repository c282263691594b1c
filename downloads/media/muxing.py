"""Writing clips: which wrapper a clip gets, opening it, and the interleaving
of tracks."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import av
import av.container

from .source import open_input

Target = Literal["master", "mp4"]

# Video codecs each wrapper takes as they are (FFmpeg's mxf muxer: OP1a).
_MXF_VIDEO = {"mpeg2video", "h264", "dnxhd", "prores", "dvvideo", "jpeg2000", "ffv1"}
_MP4_VIDEO = {"h264", "hevc", "mpeg4", "mpeg2video", "av1", "vp9"}
_MOV_VIDEO = _MP4_VIDEO | {"prores", "dnxhd", "mjpeg", "dvvideo", "qtrle", "png"}
MXF_PCM = {"pcm_s16le", "pcm_s24le"}


@dataclass(frozen=True)
class Wrapper:
    """The container a clip is written in."""

    format: str  # FFmpeg muxer name
    extension: str
    content_type: str

    @property
    def is_mp4_family(self) -> bool:
        return self.format in ("mp4", "mov")


MP4 = Wrapper("mp4", "mp4", "video/mp4")
MOV = Wrapper("mov", "mov", "video/quicktime")
MXF = Wrapper("mxf", "mxf", "application/mxf")


def wrapper_for(container: str, brand: str, video_codec: str, target: Target) -> Wrapper:
    """The master's own wrapper family (MXF stays MXF OP1a, MOV stays MOV,
    MP4 stays MP4; a transport stream or Matroska master gives MP4, or MOV
    for a codec MP4 does not carry), or MP4 for ``target="mp4"``."""
    if target == "mp4":
        return MP4
    name = container.split(",")[0]
    if name == "mxf" and video_codec in _MXF_VIDEO:
        return MXF
    if name in ("mov", "mp4") and brand.strip() == "qt" and video_codec in _MOV_VIDEO:
        return MOV
    if video_codec in _MP4_VIDEO:
        return MP4
    return MOV


def source_wrapper(source: str, target: Target) -> Wrapper:
    with open_input(source) as container:
        codec = container.streams.video[0].codec_context.name
        return wrapper_for(container.format.name, container.metadata.get("major_brand", ""), codec, target)


def open_output(destination: str, wrapper: Wrapper = MP4, timecode: str | None = None) -> av.container.OutputContainer:
    options = {"movflags": "+faststart"} if wrapper.is_mp4_family else {}
    output = av.open(destination, "w", format=wrapper.format, options=options)
    if timecode:
        # The mov/mp4 muxers write a tmcd track for it, the mxf muxer the
        # material package's timecode component.
        output.metadata["timecode"] = timecode
    return output


class Interleaver:
    """Writes video packets in order and interleaves each audio track up to them."""

    def __init__(self, output: av.container.OutputContainer, audio: list[Iterator[av.Packet]]):
        self.output = output
        self.tracks = {index: -1.0 for index in range(len(audio))}  # track -> time written up to
        self.audio = audio

    def video(self, packet: av.Packet) -> None:
        when = float(packet.dts * packet.time_base) if packet.dts is not None and packet.time_base else 0.0
        for index in list(self.tracks):
            while index in self.tracks and self.tracks[index] <= when:
                self._next_audio(index)
        self.output.mux(packet)

    def _next_audio(self, index: int) -> None:
        packet = next(self.audio[index], None)
        if packet is None:
            del self.tracks[index]
            return
        if packet.pts is not None and packet.time_base:
            self.tracks[index] = float(packet.pts * packet.time_base)
        self.output.mux(packet)

    def finish(self) -> None:
        for index in list(self.tracks):
            while index in self.tracks:
                self._next_audio(index)
