"""Audio for clips: every track of the source, in order, with its language,
starting exactly at the in point.

* AAC in an MP4/MOV clip is copied (with one packet of pre-roll; the MP4 edit
  list skips the samples before the in point, as it hides every AAC encoder's
  priming);
* PCM stays PCM at its bit depth, cut to the exact sample (decoding PCM and
  writing it again is lossless);
* anything else is decoded and written, to the sample, as PCM in MOV/MXF or
  as AAC in MP4."""

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import av
import av.container

from .muxing import MP4, MXF_PCM, Wrapper
from .seeking import decode_from, demux_from
from .source import open_input

COPYABLE_AUDIO = {"aac"}
# Bytes per sample of the PCM codecs that are sliced, not decoded.
PCM_BYTES = {
    "pcm_s16le": 2,
    "pcm_s16be": 2,
    "pcm_s24le": 3,
    "pcm_s24be": 3,
    "pcm_s32le": 4,
    "pcm_s32be": 4,
    "pcm_f32le": 4,
    "pcm_f32be": 4,
    "pcm_f64le": 8,
}


def output_codec(source_codec: str, sample_format: str, wrapper: Wrapper) -> str | None:
    """The codec a source track gets in the clip; None: copied as it is."""
    if source_codec in COPYABLE_AUDIO and wrapper.is_mp4_family:
        return None
    if wrapper is MP4:
        return "aac"
    if source_codec.startswith("pcm_") and (wrapper.format != "mxf" or source_codec in MXF_PCM):
        return source_codec
    return "pcm_s16le" if sample_format.startswith("s16") else "pcm_s24le"


def add_audio_tracks(
    output: av.container.OutputContainer,
    container: av.container.InputContainer,
    source: str,
    start: Fraction,
    end: Fraction,
    bitrate: int,
    wrapper: Wrapper = MP4,
) -> list[Iterator[av.Packet]]:
    """An output stream for every source audio track (broadcast masters often
    carry several), and the generators of their packets."""
    tracks = []
    for index, source_audio in enumerate(container.streams.audio):
        ctx = source_audio.codec_context
        codec = output_codec(ctx.name, ctx.format.name if ctx.format else "", wrapper)
        stream: Any
        if codec is None:
            stream = output.add_stream_from_template(source_audio)
            tracks.append(_copied_audio_packets(source, start, end, stream, index))
        elif codec == ctx.name and codec in PCM_BYTES and ctx.channels:
            stream = output.add_stream_from_template(source_audio)
            tracks.append(_sliced_pcm_packets(source, start, end, stream, index))
        else:
            stream = _audio_stream(output, source_audio, codec, bitrate)
            tracks.append(_audio_packets(source, start, end, stream, index))
        if source_audio.language:
            stream.metadata["language"] = source_audio.language
    return tracks


def _copied_audio_packets(
    source: str, start: Fraction, end: Fraction, stream: Any, track: int = 0
) -> Iterator[av.Packet]:
    """The source packets overlapping [start, end) and one before, re-timed so
    the in point is 0; the first packet(s) get negative times, which the MP4
    muxer turns into an edit list that skips them at playback."""
    with open_input(source) as container:
        audio: Any = _only(container, track)
        tb: Fraction = audio.time_base
        previous: Any = None
        packet: Any
        for packet in demux_from(container, audio, max(start - 1, 0)):
            if packet.pts is None or packet.size == 0:
                continue
            begin = packet.pts * tb
            if begin >= end:
                break
            finish = (packet.pts + (packet.duration or 0)) * tb
            if finish <= start:
                previous = packet
                continue
            for item in (previous, packet):
                if item is None:
                    continue
                item_begin = item.pts * tb
                item.pts = item.dts = round((item_begin - start) / tb)
                if (item.pts + (item.duration or 0)) * tb > end - start:
                    item.duration = round((end - start) / tb) - item.pts
                item.stream = stream
                yield item
            previous = None


def _only(container: av.container.InputContainer, track: int) -> Any:
    """The audio track, with every other stream's packets skipped unread
    (reading an interleaved master for its audio would otherwise read all
    its video too)."""
    audio: Any = container.streams.audio[track]
    for stream in container.streams:
        if stream.index != audio.index:
            stream.discard = type(stream.discard).all
    return audio


def _sliced_pcm_packets(source: str, start: Fraction, end: Fraction, stream: Any, track: int) -> Iterator[av.Packet]:
    """The PCM samples of [start, end) cut out of the source packets byte for
    byte: exact to the sample, and no decoding."""
    with open_input(source) as container:
        audio: Any = _only(container, track)
        ctx = audio.codec_context
        rate, frame_bytes = ctx.sample_rate, PCM_BYTES[ctx.name] * ctx.channels
        first, last = round(start * rate), round(end * rate)
        packet: Any
        for packet in demux_from(container, audio, max(start - 1, 0)):
            if packet.pts is None or not packet.size or not packet.time_base:
                continue
            begin = round(packet.pts * packet.time_base * rate)
            data = bytes(packet)
            count = len(data) // frame_bytes
            if begin >= last:
                break
            if begin + count <= first:
                continue
            skip, keep = max(first - begin, 0), min(begin + count, last) - max(begin, first)
            out = av.Packet(data[skip * frame_bytes : (skip + keep) * frame_bytes])
            out.time_base = Fraction(1, rate)
            out.pts = out.dts = max(begin, first) - first
            out.duration = keep
            out.stream = stream
            yield out


def _audio_stream(output: av.container.OutputContainer, source_audio: Any, codec: str, bitrate: int) -> Any:
    ctx = source_audio.codec_context
    rate = ctx.sample_rate or 48000
    channels = ctx.channels or 2
    # Mono tracks (one per language in broadcast masters) need their layout said.
    layout = ctx.layout.name if ctx.layout and ctx.layout.name else ("mono" if channels == 1 else "stereo")
    stream: Any = output.add_stream(codec, rate=rate, layout=layout)
    if codec == "aac":
        stream.bit_rate = bitrate
    return stream


def _audio_packets(source: str, start: Fraction, end: Fraction, stream: Any, track: int = 0) -> Iterator[av.Packet]:
    """Decode the source audio and encode exactly the samples of [start, end)."""
    rate = stream.codec_context.sample_rate
    first_sample, last_sample = round(start * rate), round(end * rate)
    with open_input(source) as container:
        audio = _only(container, track)
        fifo = av.AudioFifo()
        decoded: Any
        chunk: Any
        resampler = av.AudioResampler(format=stream.codec_context.format, layout=stream.codec_context.layout, rate=rate)
        position = None  # sample number of the next sample put in the fifo
        emitted = 0
        wanted = last_sample - first_sample
        frame_size = stream.codec_context.frame_size or 1024
        for decoded in decode_from(container, audio, max(start - 1, 0)):
            for frame in resampler.resample(decoded):
                if position is None:
                    position = (
                        round(frame.pts * frame.time_base * rate) if frame.pts is not None and frame.time_base else 0
                    )
                skip = max(first_sample - position, 0)
                position += frame.samples
                if skip >= frame.samples:
                    continue
                frame.pts = None
                fifo.write(frame)
                if skip:
                    fifo.read(skip)
                while fifo.samples >= frame_size and emitted < wanted:
                    chunk = fifo.read(min(frame_size, wanted - emitted))
                    yield from _encode_audio(stream, chunk, emitted)
                    emitted += min(frame_size, wanted - emitted)
            if emitted >= wanted or position is not None and position >= last_sample + frame_size:
                break
        if emitted < wanted and fifo.samples:
            chunk = fifo.read(min(fifo.samples, wanted - emitted))
            yield from _encode_audio(stream, chunk, emitted)
        yield from stream.encode(None)


def _encode_audio(stream: Any, frame: av.AudioFrame, pts: int) -> list[av.Packet]:
    frame.pts = pts
    frame.time_base = Fraction(1, stream.codec_context.sample_rate)
    return stream.encode(frame)
