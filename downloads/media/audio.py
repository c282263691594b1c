"""Audio for clips: every track of the source, starting exactly at the in
point. AAC is copied (with one packet of pre-roll; the MP4 edit list skips
the samples before the in point, as it hides every AAC encoder's priming);
other codecs are decoded and encoded to AAC with sample accuracy."""

from collections.abc import Iterator
from fractions import Fraction

import av

from .seeking import decode_from, demux_from
from .source import open_input

COPYABLE_AUDIO = {"aac"}


def add_audio_tracks(output, container, source, start, end, bitrate: int) -> list[Iterator[av.Packet]]:
    """An output stream for every source audio track (broadcast masters often
    carry several), and the generators of their packets."""
    tracks = []
    for index, source_audio in enumerate(container.streams.audio):
        if source_audio.codec_context.name in COPYABLE_AUDIO:
            stream = output.add_stream_from_template(source_audio)
            tracks.append(_copied_audio_packets(source, start, end, stream, index))
        else:
            stream = _audio_stream(output, source_audio, bitrate)
            tracks.append(_audio_packets(source, start, end, stream, index))
        if source_audio.language:
            stream.metadata["language"] = source_audio.language
    return tracks


def _copied_audio_packets(source, start: Fraction, end: Fraction, stream, track: int = 0) -> Iterator[av.Packet]:
    """The source packets overlapping [start, end) and one before, re-timed so
    the in point is 0; the first packet(s) get negative times, which the MP4
    muxer turns into an edit list that skips them at playback."""
    with open_input(source) as container:
        audio = container.streams.audio[track]
        tb = audio.time_base
        previous = None
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


def _audio_stream(output, source_audio, bitrate: int):
    rate = source_audio.codec_context.sample_rate or 48000
    layout = source_audio.codec_context.layout.name if source_audio.codec_context.layout else "stereo"
    stream = output.add_stream("aac", rate=rate, layout=layout)
    stream.bit_rate = bitrate
    return stream


def _audio_packets(source, start: Fraction, end: Fraction, stream, track: int = 0) -> Iterator[av.Packet]:
    """Decode the source audio and encode exactly the samples of [start, end)."""
    rate = stream.codec_context.sample_rate
    first_sample, last_sample = round(start * rate), round(end * rate)
    with open_input(source) as container:
        audio = container.streams.audio[track]
        fifo = av.AudioFifo()
        resampler = av.AudioResampler(format=stream.codec_context.format, layout=stream.codec_context.layout, rate=rate)
        position = None  # sample number of the next sample put in the fifo
        emitted = 0
        wanted = last_sample - first_sample
        frame_size = stream.codec_context.frame_size or 1024
        for decoded in decode_from(container, audio, max(start - 1, 0)):
            for frame in resampler.resample(decoded):
                if position is None:
                    position = round(frame.pts * frame.time_base * rate) if frame.pts is not None else 0
                skip = max(first_sample - position, 0)
                position += frame.samples
                if skip >= frame.samples:
                    continue
                frame.pts = None
                fifo.write(frame)
                if skip:
                    fifo.read(skip)
                while fifo.samples >= frame_size and emitted < wanted:
                    yield from _encode_audio(stream, fifo.read(min(frame_size, wanted - emitted)), emitted)
                    emitted += min(frame_size, wanted - emitted)
            if emitted >= wanted or position is not None and position >= last_sample + frame_size:
                break
        if emitted < wanted and fifo.samples:
            chunk = fifo.read(min(fifo.samples, wanted - emitted))
            yield from _encode_audio(stream, chunk, emitted)
        yield from stream.encode(None)


def _encode_audio(stream, frame, pts: int):
    frame.pts = pts
    frame.time_base = Fraction(1, stream.codec_context.sample_rate)
    return stream.encode(frame)
