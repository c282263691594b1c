"""The visitor's IP address, the one the rate limits and lockouts are keyed on.

Behind the README's nginx every request comes from the proxy's address, so a
limit keyed on ``REMOTE_ADDR`` would lump every visitor together (ten failed
logins from anyone would lock out everyone). With ``TRUSTED_PROXY_COUNT``
proxies of our own in front, the client is the address the outermost of them
saw: the ``TRUSTED_PROXY_COUNT``-th entry from the right of
``X-Forwarded-For``. Entries to the left of it come from the client and can
be forged, so they are never read. Same rule as allauth's
``ALLAUTH_TRUSTED_PROXY_COUNT`` (set from the same variable), whose adapter
delegates here.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 (a key, never bound)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]  # [2001:db8::1]:443
    elif value.count(":") == 1:
        value = value.split(":")[0]  # 203.0.113.9:5100
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxies report it, else the peer's."""
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = forwarded.split(",")
        # Fewer entries than proxies: the request skipped them; use the peer.
        if len(hops) >= trusted:
            address = _clean(hops[-trusted])
            if address:
                return address
    return _clean(request.META.get("REMOTE_ADDR")) or UNKNOWN
