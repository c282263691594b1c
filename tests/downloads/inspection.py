"""Reading clips back, the way a broadcaster's tools would: decode every
frame and the audio, and look at the MP4 boxes."""

import array
import struct

import av

from downloads.media.synth import GAP_SECONDS, read_frame_number


def frame_numbers(path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_frame_number(frame.to_image()) for frame in container.decode(video=0)]


def audio_samples(path, rate: int = 48000, track: int = 0) -> array.array:
    samples = array.array("h")
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in container.decode(audio=track):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
    return samples


def first_gap(samples, rate: int = 48000) -> float | None:
    """Where the first pause of the synthetic tone starts, in seconds."""
    run, needed = 0, int(rate * GAP_SECONDS * 0.8)
    for index, value in enumerate(samples):
        run = run + 1 if abs(value) < 60 else 0
        if run == needed:
            return (index - needed + 1) / rate
    return None


def stream_duration(path, kind: str) -> float:
    with av.open(str(path)) as container:
        stream = getattr(container.streams, kind)[0]
        return float(stream.duration * stream.time_base)


def top_level_boxes(path) -> list[str]:
    boxes, offset = [], 0
    with open(path, "rb") as handle:
        while header := handle.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0]
                handle.seek(offset + size)
            else:
                handle.seek(offset + size)
            boxes.append(kind.decode("latin-1"))
            offset += size
    return boxes
