"""Clips of a master in an S3 bucket: bytes read from the bucket and time,
against the master's size and against the same clip cut from local disk.

The bucket is a real S3-compatible server (moto's server mode) on loopback,
reached through a byte-counting TCP relay, so "bytes read" is what crossed
the network to the worker (headers included), not what FFmpeg says it used.
The worker reads the master the way the portal does (downloads.files):
FFmpeg opens a signed URL and fetches bounded byte ranges
(downloads/media/source.py). For comparison: FFmpeg's default open-ended
ranges, and the way it was before (copy the whole master to scratch, cut).

Uses the 4-minute 1080p30 master of bench/clip.py (made once, cached in
bench/.cache/) and the same 20-s and 3-min clips, in one run.

    .venv/bin/python bench/storage.py
"""

import os
import platform
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clip import CLIPS, MASTER, QUALITY, SPEC  # noqa: E402
from downloads.media import source as reader  # noqa: E402
from downloads.media.cut import cut  # noqa: E402
from downloads.media.probe import probe  # noqa: E402
from downloads.media.synth import make_video  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
BUCKET, KEY = "bench", "renditions/master-1080p30-240s.mp4"
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench", "region_name": "us-east-1"}
MB = 1024 * 1024
# Socket buffers of the relay: what a worker's kernel would hold in flight.
RELAY_BUFFER = 256 * 1024


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


class CountingRelay:
    """TCP relay to the bucket that counts the bytes sent back to clients."""

    def __init__(self, upstream_port: int):
        self.upstream_port, self.received, self.connections = upstream_port, 0, 0
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.received, self.connections = 0, 0

    def _accept(self) -> None:
        while True:
            client, _ = self.server.accept()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, RELAY_BUFFER)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            upstream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RELAY_BUFFER)
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source, target, count: bool) -> None:
        try:
            while data := source.recv(64 * 1024):
                target.sendall(data)
                if count:
                    with self.lock:
                        self.received += len(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def start_bucket() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("moto_server did not start")


def client_for(port: int):
    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", **CREDENTIALS)


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - began, result


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    if not MASTER.exists():
        print(f"making the 4-minute 1080p master once ({MASTER.name}), a few minutes...", flush=True)
        partial = MASTER.with_suffix(".part.mp4")
        make_video(partial, SPEC)
        partial.rename(MASTER)
    info = probe(str(MASTER))
    size = MASTER.stat().st_size
    moto, moto_port = start_bucket()
    try:
        client_for(moto_port).create_bucket(Bucket=BUCKET)
        client_for(moto_port).upload_file(str(MASTER), BUCKET, KEY)
        relay = CountingRelay(moto_port)
        through_relay = client_for(relay.port)
        url = through_relay.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=3600)
        print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        print(
            f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores (shared); PyAV {av.__version__}"
        )
        print(f"master: {info.width}x{info.height} {float(info.fps):g} fps, {info.duration:.0f} s, {size / MB:.1f} MB")
        print(f"relay socket buffers: {RELAY_BUFFER // 1024} KiB\n")
        header = f"{'clip':6} {'read from':22} {'seconds':>8} {'MB read':>8} {'of master':>9} {'requests':>8}"
        print(f"{header} {'clip MB':>8} {'target MB':>9}  verdict")
        out, copy = CACHE / "storage-out.mp4", CACHE / "storage-copy.mp4"
        for label, start, end in CLIPS:
            local_seconds, _ = timed(cut, str(MASTER), str(out), start=start, end=end, info=info, quality=QUALITY)
            clip_size = out.stat().st_size
            target = 3 * clip_size + 2 * MB

            relay.reset()
            bucket_seconds, _ = timed(cut, url, str(out), start=start, end=end, info=info, quality=QUALITY)
            ranged, requests = relay.received, relay.connections
            assert out.stat().st_size == clip_size, "the clip from the bucket differs in size"

            # FFmpeg's defaults: open-ended ranges ("bytes=N-") on every seek.
            bounded, reader.HTTP_OPTIONS = reader.HTTP_OPTIONS, {}
            relay.reset()
            try:
                open_seconds, _ = timed(cut, url, str(out), start=start, end=end, info=info, quality=QUALITY)
            finally:
                reader.HTTP_OPTIONS = bounded
            open_ended, open_requests = relay.received, relay.connections

            relay.reset()

            def copy_then_cut(start=start, end=end):
                through_relay.download_file(BUCKET, KEY, str(copy))
                cut(str(copy), str(out), start=start, end=end, info=info, quality=QUALITY)

            copy_seconds, _ = timed(copy_then_cut)
            copied, copy_requests = relay.received, relay.connections
            copy.unlink()
            rows = [
                ("local disk", local_seconds, 0, 0, ""),
                ("bucket, ranged (now)", bucket_seconds, ranged, requests, "ok" if ranged <= target else "OVER"),
                ("bucket, open-ended", open_seconds, open_ended, open_requests, ""),
                ("bucket, copy (before)", copy_seconds, copied, copy_requests, ""),
            ]
            for source, seconds, read, count, verdict in rows:
                print(
                    f"{label:6} {source:22} {seconds:8.2f} {read / MB:8.1f} {read / size:9.1%} {count:8d} "
                    f"{clip_size / MB:8.1f} {target / MB:9.1f}  {verdict}"
                )
            print(f"{label:6} bucket vs local disk: {bucket_seconds / local_seconds:.2f}x the time\n")
        out.unlink()
    finally:
        moto.terminate()
        moto.wait(10)


if __name__ == "__main__":
    main()
