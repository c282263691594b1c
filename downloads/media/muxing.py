"""Writing MP4 clips: faststart output and the interleaving of tracks."""

from collections.abc import Iterator

import av


def open_output(destination):
    return av.open(destination, "w", format="mp4", options={"movflags": "+faststart"})


class Interleaver:
    """Writes video packets in order and interleaves each audio track up to them."""

    def __init__(self, output, audio: list[Iterator[av.Packet]]):
        self.output = output
        self.tracks = {index: -1.0 for index in range(len(audio))}  # track -> time written up to
        self.audio = audio

    def video(self, packet) -> None:
        when = float(packet.dts * packet.time_base) if packet.dts is not None else 0.0
        for index in list(self.tracks):
            while index in self.tracks and self.tracks[index] <= when:
                self._next_audio(index)
        self.output.mux(packet)

    def _next_audio(self, index: int) -> None:
        packet = next(self.audio[index], None)
        if packet is None:
            del self.tracks[index]
            return
        if packet.pts is not None:
            self.tracks[index] = float(packet.pts * packet.time_base)
        self.output.mux(packet)

    def finish(self) -> None:
        for index in list(self.tracks):
            while index in self.tracks:
                self._next_audio(index)
