"""The web version of a master: what the browser preview plays.

H.264/AAC in MP4 with the index first (faststart) and one-second GOPs (the
player seeks fast), at most 720p, whatever the master is:

* the display rotation is applied (a phone's portrait video plays upright);
* interlaced pictures are deinterlaced with ``bwdif`` (browsers show fields
  as combing), one picture per frame;
* every frame keeps its own timestamp: variable-frame-rate footage is not
  forced onto a grid (which drops or doubles frames and drifts from the sound);
* the sound is one stereo listening track (see :func:`listening_tracks`).

Everything streams: packets are decoded, filtered and encoded one at a time,
so memory stays flat whatever the length of the master. FFmpeg's filters do
the picture and sound work, through PyAV's filter graph. No Django here.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

from .probe import MediaInfo
from .source import open_input

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
SAMPLE_RATE = 48000
# A web version whose decodable pictures fall this far short of the probe's
# count means the master is damaged past what a viewer would accept.
MISSING_SHARE = 0.05


class WebVersionError(Exception):
    """The master cannot be made into a web version. ``code`` as in
    :class:`~downloads.media.probe.ProbeError`."""

    def __init__(self, message: str, code: str = "damaged"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class WebSettings:
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: int = 128_000
    gop_seconds: float = 1.0
    max_long_side: int = 1280  # 1280×720 landscape, 720×1280 portrait
    max_short_side: int = 720


@dataclass
class WebResult:
    frames: int
    size: tuple[int, int]
    deinterlaced: bool


def output_size(info: MediaInfo, sample_aspect: Fraction | None, settings: WebSettings) -> tuple[int, int]:
    """Display size (rotation and pixel aspect applied), scaled down to fit
    720p, never up; even numbers as 4:2:0 needs."""
    width, height = Fraction(info.width), Fraction(info.height)
    if sample_aspect and sample_aspect > 0:
        width *= sample_aspect
    if info.rotation % 180:
        width, height = height, width
    long_side, short_side = max(width, height), min(width, height)
    scale = min(Fraction(1), Fraction(settings.max_long_side) / long_side, settings.max_short_side / short_side)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def listening_tracks(info: MediaInfo) -> list[int]:
    """Which audio tracks make the preview's stereo sound, by position.

    A track of two or more channels is a mix already: the first such track,
    folded down to stereo. Masters with only mono tracks (XDCAM and DNxHD
    MXF, multi-mono MOV) follow EBU R 123: tracks 1 and 2 are the main
    stereo pair (left, right); a single mono track plays on both sides."""
    tracks = info.audio_tracks
    for index, track in enumerate(tracks):
        if track.channels >= 2:
            return [index]
    return list(range(min(len(tracks), 2)))


def make_web_version(
    source,
    destination,
    *,
    info: MediaInfo,
    settings: WebSettings | None = None,
    progress: Progress | None = None,
) -> WebResult:
    """Write the web version of ``source`` (probed as ``info``) to ``destination``."""
    settings = settings or WebSettings()
    with (
        open_input(source) as container,
        av.open(destination, "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        job = _Job(container, out, info, settings, progress)
        job.run()
    expected = info.frame_count
    if job.frames == 0 or (expected and job.frames < expected * (1 - MISSING_SHARE) - 1):
        raise WebVersionError(f"only {job.frames} of {expected} pictures could be decoded", "damaged")
    return WebResult(frames=job.frames, size=job.size, deinterlaced=job.deinterlaced)


class _Job:
    """One transcode: demux once, route each packet to its decoder, through
    the video or audio filter graph, to the encoders."""

    def __init__(self, container, out, info: MediaInfo, settings: WebSettings, progress: Progress | None):
        self.container, self.out, self.info, self.settings = container, out, info, settings
        self.progress = progress or (lambda fraction: None)
        self.video = container.streams.video[0]
        self.video.thread_type = "AUTO"
        self.tb = self.video.time_base
        self.origin = Fraction(info.start_time).limit_denominator(1_000_000)
        self.size = output_size(info, self.video.sample_aspect_ratio, settings)
        self.frames = 0
        self.last_pts: int | None = None
        self.graph: Any = None
        self.deinterlaced = False
        self.encoder = self._video_encoder()
        self.sources = [container.streams.audio[i] for i in listening_tracks(info)]
        self.audio = _ListeningTrack(out, self.sources, self.origin, settings) if self.sources else None

    def _video_encoder(self):
        fps = Fraction(self.info.fps).limit_denominator(1001 * 1000)
        stream = self.out.add_stream("libx264", rate=fps)
        stream.width, stream.height = self.size
        stream.pix_fmt = "yuv420p"
        # The source's own clock, not 1/fps: variable-frame-rate footage keeps
        # every frame's real time.
        stream.time_base = self.tb
        stream.codec_context.time_base = self.tb
        gop = max(1, round(float(fps) * self.settings.gop_seconds))
        stream.options = {
            "crf": str(self.settings.crf),
            "preset": self.settings.preset,
            "profile": "high",
            "g": str(gop),
            "keyint_min": str(gop),
        }
        return stream

    def run(self) -> None:
        wanted = [self.video, *self.sources]
        for packet in self.container.demux(wanted):
            if packet.stream.index == self.video.index:
                for frame in self._decode(packet):
                    self._picture(frame)
            elif self.audio:
                self.audio.packet(packet)
        # (The demuxer's last, empty packets have flushed the decoders.)
        if self.graph is not None:
            self.graph.push(None)
            self._drain_video()
        self.out.mux(self.encoder.encode(None))
        if self.audio:
            self.audio.finish()

    def _decode(self, packet):
        try:
            return self.video.decode(packet)
        except av.InvalidDataError as exc:
            # One damaged picture: skip it (the count at the end says whether
            # too many were lost).
            logger.info("skipping an undecodable picture: %s", exc)
            return []

    def _picture(self, frame) -> None:
        if self.graph is None:
            self.graph = self._video_graph(frame)
        self.graph.push(frame)
        self._drain_video()

    def _drain_video(self) -> None:
        while True:
            try:
                frame = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            self._encode(frame)

    def _encode(self, frame) -> None:
        if frame.pts is None:
            pts = (self.last_pts + 1) if self.last_pts is not None else 0
        else:
            # Filters may change the clock (bwdif halves it): go by the time.
            pts = round((frame.pts * frame.time_base - self.origin) / self.tb)
        if self.last_pts is not None and pts <= self.last_pts:
            pts = self.last_pts + 1  # damaged timestamps: keep them increasing
        self.last_pts = pts
        frame.pts, frame.time_base = pts, self.tb
        frame.pict_type = av.video.frame.PictureType.NONE
        self.out.mux(self.encoder.encode(frame))
        self.frames += 1
        if self.info.frame_count:
            self.progress(min(self.frames / self.info.frame_count, 1.0))

    def _video_graph(self, first):
        graph = av.filter.Graph()
        # The buffer states the colour range and matrix too, or FFmpeg warns
        # of a change on the very first frame.
        chain = [
            graph.add(
                "buffer",
                video_size=f"{first.width}x{first.height}",
                pix_fmt=first.format.name,
                time_base=str(self.tb),
                pixel_aspect="1/1",
                colorspace=str(int(first.colorspace)),
                range=str(int(first.color_range)),
            )
        ]
        if self.info.interlaced or first.interlaced_frame:
            self.deinterlaced = True
            if first.interlaced_frame:
                # The decoder flags each frame: trust it (and leave progressive ones alone).
                chain.append(graph.add("bwdif", "mode=send_frame:parity=auto:deint=interlaced"))
            else:
                parity = "tff" if self.info.top_field_first else "bff"
                chain.append(graph.add("bwdif", f"mode=send_frame:parity={parity}:deint=all"))
        chain += [graph.add(name, args) for name, args in _rotation_filters(self.info.rotation)]
        width, height = self.size
        chain.append(graph.add("scale", f"{width}:{height}:flags=bicubic"))
        chain.append(graph.add("format", "yuv420p"))
        chain.append(graph.add("setsar", "1"))
        chain.append(graph.add("buffersink"))
        for upstream, downstream in zip(chain, chain[1:], strict=False):
            upstream.link_to(downstream)
        graph.configure()
        return graph


def _rotation_filters(rotation: int) -> list[tuple[str, str | None]]:
    """Filters that turn the stored picture upright. FFmpeg's rotation is
    counter-clockwise; the turn to apply is the same angle the other way
    (as the ``ffmpeg`` tool's autorotate does)."""
    clockwise = (-round(rotation)) % 360
    if clockwise == 90:
        return [("transpose", "clock")]
    if clockwise == 180:
        return [("hflip", None), ("vflip", None)]
    if clockwise == 270:
        return [("transpose", "cclock")]
    return []


class _ListeningTrack:
    """The chosen audio tracks, decoded, mixed to stereo 48 kHz, encoded to
    AAC; in sync with the first picture (``aresample`` pads or trims to the
    timeline, so gaps in a recording do not shift what follows)."""

    def __init__(self, out, sources, origin: Fraction, settings: WebSettings):
        self.sources = sources
        self.origin = origin
        self.stream = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        self.stream.bit_rate = settings.audio_bitrate
        self.out = out
        self.graph: Any = None
        self.inputs: dict[int, Any] = {}
        self.pending: dict[int, list] = {source.index: [] for source in sources}

    def packet(self, packet) -> None:
        try:
            frames = packet.decode()
        except av.InvalidDataError as exc:
            logger.info("skipping an undecodable audio packet: %s", exc)
            return
        for frame in frames:
            self._frame(packet.stream.index, frame)

    def _frame(self, index: int, frame) -> None:
        if frame.pts is not None:
            frame.pts = round(frame.pts - self.origin / frame.time_base)
        if self.graph is None:
            # The graph needs each input's format: wait for a frame of every track.
            self.pending[index].append(frame)
            if all(self.pending.values()):
                self._build({i: frames[0] for i, frames in self.pending.items()})
                for i, frames in self.pending.items():
                    for queued in frames:
                        self.inputs[i].push(queued)
                self.pending = {}
                self._drain()
            return
        self.inputs[index].push(frame)
        self._drain()

    def _build(self, firsts: dict) -> None:
        graph = av.filter.Graph()
        for index, frame in firsts.items():
            # (Not ``template=``: PyAV 18 reads a ``channels`` attribute frames lack.)
            self.inputs[index] = graph.add_abuffer(
                sample_rate=frame.sample_rate,
                format=frame.format.name,
                layout=frame.layout.name,
                time_base=frame.time_base,
            )
        first = next(iter(firsts.values()))
        if len(firsts) == 2:
            # Two mono tracks: the first is left, the second right.
            mix = graph.add("join", "inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR")
            for position, source in enumerate(self.inputs.values()):
                # PCM tracks often state no layout ("1 channels"); join needs one.
                mono = graph.add("aformat", "channel_layouts=mono")
                source.link_to(mono)
                mono.link_to(mix, 0, position)
        elif first.layout.nb_channels == 1 or first.layout.name.endswith("channels"):
            # Mono, or channels in no stated order: first one(s) to both sides.
            second = "c1" if first.layout.nb_channels >= 2 else "c0"
            mix = graph.add("pan", f"stereo|c0=c0|c1={second}")
            next(iter(self.inputs.values())).link_to(mix)
        else:
            mix = graph.add("anull")  # a known layout: aformat folds it down
            next(iter(self.inputs.values())).link_to(mix)
        resample = graph.add("aresample", f"{SAMPLE_RATE}:async=1:first_pts=0")
        aformat = graph.add("aformat", f"sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo")
        sink = graph.add("abuffersink")
        mix.link_to(resample)
        resample.link_to(aformat)
        aformat.link_to(sink)
        graph.configure()
        graph.set_audio_frame_size(self.stream.codec_context.frame_size or 1024)
        self.graph = graph

    def _drain(self) -> None:
        while True:
            try:
                frame = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            self.out.mux(self.stream.encode(frame))

    def finish(self) -> None:
        if self.graph is None:
            if not any(self.pending.values()):
                return
            # A track that never sent a frame: make the mix from the ones that did.
            available = {i: frames[0] for i, frames in self.pending.items() if frames}
            self._build(available)
            for i, frames in self.pending.items():
                for queued in frames:
                    if i in self.inputs:
                        self.inputs[i].push(queued)
        for source in self.inputs.values():
            source.push(None)
        self._drain()
        self.out.mux(self.stream.encode(None))
