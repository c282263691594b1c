"""Odd values for hostile-input tests, shared by the modules that test each
app, and the sweep that lists which of them got a server error."""

NUL = "\x00"


ODD_VALUES = [
    "abc",
    "-1",
    "0",
    "1e9",
    "9" * 30,
    NUL,
    f"news{NUL}",
    "x" * 10_000,
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "🎥📰",
    "' OR 1=1 --",
    "%",
    "2026-13",
    "2026-02-30",
    "99999-01",
    "9999999999-01",
    "2026-99999999999",
    "0001-01-01",
]


ADMIN_ODD_VALUES = [NUL, "abc", "-1", "9" * 30, "x" * 10_000, "2026-02-30", "🎥"]


def server_errors(client, method, url, payloads, **extra):
    """The payloads that got a 5xx."""
    failures = []
    for payload in payloads:
        response = getattr(client, method)(url, payload, **extra)
        if response.status_code >= 500:
            failures.append((str(payload)[:60], response.status_code))
    return failures
