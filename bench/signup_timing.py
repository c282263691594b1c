"""Sign-up time for a new address against one that already has an account
(security review finding 6: the gap told which addresses are registered).

Runs in this process on a throw-away SQLite database with the production
password hasher (PBKDF2), Django's test client and eager tasks; each path is
timed N times, interleaved, and the medians compared. The same run also
times allauth's own form (before the fix) as the baseline.

    .venv/bin/python bench/signup_timing.py [--rounds 15]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    folder = tempfile.mkdtemp(prefix="signup-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mediaportal.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        REDIS_URL="",
        EMAIL_URL="dummymail://",
        MEDIA_ROOT=folder,
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user(email="known@example.org", password="Known-Pass-2026!")
    profile = {"full_name": "Amina Diallo", "organisation": "Radio Sahel", "preferred_language": "en"}
    password = {"password1": "Fjord-Lantern-93!", "password2": "Fjord-Lantern-93!"}
    counter = iter(range(10**6))

    def one(email: str) -> float:
        client = Client()
        start = time.perf_counter()
        response = client.post("/en/accounts/signup/", {"email": email, **password, **profile})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        return elapsed

    def measure() -> tuple[float, float]:
        new, known = [], []
        for _ in range(rounds):
            new.append(one(f"new{next(counter)}@example.org"))
            known.append(one("known@example.org"))
        return statistics.median(new), statistics.median(known)

    with override_settings(ACCOUNT_RATE_LIMITS=False):
        with override_settings(ACCOUNT_FORMS={}):
            before = measure()
        after = measure()
    print(f"rounds per path: {rounds}, hasher: PBKDF2 (production)")
    for label, (new, known) in (("allauth form (before)", before), ("portal form (after)", after)):
        print(f"{label:24} new {new * 1000:7.1f} ms  registered {known * 1000:7.1f} ms  ratio {known / new:.2f}")


if __name__ == "__main__":
    main()
