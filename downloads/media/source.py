"""Opening a source to read: a local path, or an HTTP(S) URL (a signed bucket
URL, see ``downloads.files.media_source``) read in bounded byte ranges."""

import av

# FFmpeg's HTTP reader asks for open-ended ranges ("bytes=N-") by default: each
# seek then pulls whatever the TCP buffers hold (megabytes) before it drops the
# connection. Bounded requests keep what a clip reads close to what it uses;
# bench/storage.py measures the sizes. The first request is small because the
# demuxer reads a few bytes of the header and then jumps (to the index, often
# at the end of a camera file). Keep-alive saves a TLS handshake per request.
HTTP_OPTIONS = {
    "initial_request_size": str(64 * 1024),
    "request_size": str(1024 * 1024),
    "multiple_requests": "1",
    "reconnect": "1",
}


def is_url(source) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def open_input(source, **kwargs):
    """``av.open(source)`` for reading, with the HTTP options for a URL."""
    if is_url(source):
        kwargs["options"] = {**HTTP_OPTIONS, **(kwargs.get("options") or {})}
    return av.open(source, **kwargs)
