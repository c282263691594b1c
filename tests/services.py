"""Fail fast, with instructions, when the services the suite needs are down."""

import os
import socket
import sys
from urllib.parse import urlparse

NEEDED = {
    "PostgreSQL": (
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mediaportal"),
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    "Redis": (
        os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1"),
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    ),
}

failed = False
for name, (url, start) in NEEDED.items():
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=3).close()
    except OSError as exc:
        failed = True
        print(
            f"{name} is not reachable at {parsed.hostname}:{parsed.port} ({exc}).\n  Start it with: {start}",
            file=sys.stderr,
        )
sys.exit(1 if failed else 0)
