"""Serving stored files with HTTP ranges (RFC 9110 §14), so browsers seek in
previews and interrupted downloads resume (``curl -C -``).

Files are never read into memory, nor whole from a bucket: the response
streams the range (``files.open_range``); under gunicorn a local file goes out
through ``sendfile``, limited to the range by ``Content-Length``. With
``DOWNLOADS_DELIVERY = "nginx"`` the app only checks permissions and nginx
sends the bytes (and handles ranges); with ``"redirect"`` the browser is sent
to a short-lived signed bucket URL that names the file.
"""

import re
from email.utils import parsedate_to_datetime

from botocore.exceptions import ClientError
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header, http_date, quote_etag

from .files import RangeFile, open_range, signed_download_url

__all__ = ["RangeFile", "parse_range", "serve"]

_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
# Byte positions longer than this are beyond any file (and past thousands of
# digits Python refuses to convert them at all).
_MAX_DIGITS = 18


def _position(digits: str) -> int:
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte for a single satisfiable range, None to send the
    whole file (no or unusable header), "unsatisfiable" for a 416."""
    match = _RANGE.match(header.strip()) if header else None
    if not match or match.groups() == ("", ""):
        return None  # absent, multiple or malformed ranges: ignore (RFC 9110 allows it)
    first, last = match.groups()
    if first == "":
        suffix = _position(last)
        if suffix == 0:
            return "unsatisfiable"
        return max(size - suffix, 0), size - 1
    first = _position(first)
    last = min(_position(last), size - 1) if last else size - 1
    if first >= size or last < first:
        return "unsatisfiable"
    return first, last


def _validators(field_file, modified) -> tuple[str, str]:
    etag = quote_etag(f"{field_file.size:x}-{int(modified.timestamp()):x}")
    return etag, http_date(modified.timestamp())


def _if_range_matches(request, etag: str, modified) -> bool:
    value = request.headers.get("If-Range")
    if not value:
        return True
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison; weak tags never match
    try:
        return int(parsedate_to_datetime(value).timestamp()) == int(modified.timestamp())
    except (TypeError, ValueError, OverflowError):  # OverflowError: a zone offset like +99999999999
        return False


def serve(request, field_file, *, filename: str, modified, attachment: bool = True, on_send=None) -> HttpResponse:
    """Answer GET/HEAD for a stored file, honouring Range and If-Range.
    ``on_send(first, last, length)`` is called once with what will be sent."""
    try:
        size = field_file.size
    except (OSError, ClientError) as exc:  # the row outlived its file (local disk: OSError)
        raise Http404 from exc
    etag, last_modified = _validators(field_file, modified)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    wanted = parse_range(request.headers.get("Range", ""), size) if _if_range_matches(request, etag, modified) else None
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted if wanted else (0, size - 1)
    length = max(last - first + 1, 0)
    if on_send:
        on_send(first, last, length)
    content_type = "video/mp4" if filename.endswith((".mp4", ".m4v")) else "application/octet-stream"
    disposition = content_disposition_header(attachment, filename)
    if settings.DOWNLOADS_DELIVERY == "redirect" and request.method == "GET":
        # The bucket answers the Range the client sends again to the new address.
        url = signed_download_url(
            field_file, disposition=disposition, content_type=content_type, seconds=settings.DOWNLOADS_REDIRECT_SECONDS
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    if settings.DOWNLOADS_DELIVERY == "nginx" and request.method == "GET":
        from django_sendfile import sendfile

        response = sendfile(request, field_file.path, attachment=attachment, attachment_filename=filename)
    elif request.method == "HEAD":
        response = HttpResponse()
    else:
        response = FileResponse(open_range(field_file, first, length))
    response["Content-Type"] = content_type
    if settings.DOWNLOADS_DELIVERY == "app" or request.method == "HEAD":
        response["Content-Length"] = str(length)
        if wanted:
            response.status_code = 206
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
