"""Requests per second and latency of the public newsroom pages under gunicorn.

Starts gunicorn (production settings, 2 sync workers) on loopback against a
throw-away SQLite database filled with 120 articles, 30 videos and the demo
article (hero image and renditions), then drives it from this process with a
thread pool of http.client clients. Each URL gets a short warm-up and a fixed
time window; a bare Django view (no database, no template) runs in the same
session as the ceiling the pages are compared with.

    .venv/bin/python bench/pages.py [--seconds 5] [--clients 8]

With ``--scale``, the archive table instead: on PostgreSQL (a throw-away
database ``mp_bench_pages`` on BENCH_DATABASE_SERVER, default
postgres://postgres@127.0.0.1:5432), two archive sizes in one run (a tenth
of the full size, then 2,000 published articles of ~6 KB in both languages
and 1,000 videos), each page against the bare view of the same run, so the
growth of every page with the archive shows directly:

    .venv/bin/python bench/pages.py --scale [--seconds 3] [--clients 4]

Every request goes to 127.0.0.1 only; the run stops by itself (time and count).
"""

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_URL = 200_000

SETTINGS = """
from mediaportal.settings import *  # noqa
ROOT_URLCONF = "bench_urls"
# No collectstatic in a throw-away run: plain static storage.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""
URLS = """
from django.http import HttpResponse
from django.urls import path
from mediaportal.urls import urlpatterns as portal


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bare/", bare), *portal]
"""
SEED = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from downloads.models import Video
from newsroom import demo
from newsroom.models import Article, Topic

now = timezone.now()
topics = [Topic.objects.create(slug=s, name_en=s.title(), name_fr=s.title()) for s in ("water", "health", "trade")]
videos = [Video.objects.create(title=f"Footage {n}", slug=f"demo-footage-{n}", is_published=True,
                               status=Video.Status.READY, published_at=now - timedelta(hours=n)) for n in range(30)]
body = "<p>" + "Delegations met to agree on a common approach to shared rivers. " * 40 + "</p>"
for n in range(60):
    en = Article.objects.create(language="en", slug=f"story-{n}", title=f"Story number {n} about rivers",
                                standfirst="A lead paragraph. " * 4, body=body, status="published",
                                published_at=now - timedelta(hours=n + 1))
    en.topics.add(*topics); en.related_videos.add(*videos[:4])
    fr = Article.objects.create(language="fr", slug=f"article-{n}", title=f"Article {n} sur les fleuves",
                                standfirst="Un chapeau. " * 4, body=body, status="published",
                                published_at=now - timedelta(hours=n + 1), translation_of=en)
    fr.topics.add(*topics)
demo.seed()
"""


SCALE_SEED = """
import random, sys
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from downloads.models import Video
from django.db import connection
from newsroom.models import Article, Topic

articles, videos = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
# Like real news: mostly stop words, a broad general vocabulary, and a few
# subjects per article (so a two-subject query matches about 1 % of articles).
SUBJECTS_EN = ("river delegations water flood drought summit agreement ministers budget defence security health "
               "vaccine trade tariffs climate emissions energy grid harbour ships rescue exercise data sharing "
               "cyber-attack hospital schools refugees border talks treaty sanctions election observers warning "
               "satellite fisheries").split()
SUBJECTS_FR = ("fleuve délégations eau crue sécheresse sommet accord ministres budget défense sécurité santé "
               "vaccin commerce tarifs climat émissions énergie réseau port navires sauvetage exercice données "
               "partage cyberattaque hôpital écoles réfugiés frontière pourparlers traité sanctions élection "
               "observateurs alerte satellite pêche").split()
STOP_EN = "the of and to in a is that for on with as was by at it from this be are an".split()
STOP_FR = "le la les de des et à en un une du que pour dans est sur par au avec qui".split()
GENERAL = [f"vocab{n}" for n in range(1500)]


def text(subjects, stop, count):
    out = []
    for _ in range(count):
        roll = rng.random()
        out.append(rng.choice(stop) if roll < 0.7 else rng.choice(GENERAL) if roll < 0.95 else rng.choice(subjects))
    return " ".join(out)


def story(pool, stop):
    subjects = rng.sample(pool, 5)
    title = " ".join(rng.sample(subjects, 3))
    body = "".join(f"<p>{text(subjects, stop, 120)}.</p>" for _ in range(9))  # ~6 KB
    return title, text(subjects, stop, 30), body


now = timezone.now()
topics = [Topic.objects.create(slug=s, name_en=s.title(), name_fr=s.title()) for s in ("water", "health", "trade")]
videos_made = []
for n in range(videos):
    title, summary, shots = story(SUBJECTS_EN, STOP_EN)
    title_fr, summary_fr, shots_fr = story(SUBJECTS_FR, STOP_FR)
    videos_made.append(Video(
        title=f"Footage {n}: {title}", title_fr=f"Images {n} : {title_fr}", slug=f"footage-{n}",
        summary=summary, summary_fr=summary_fr, shot_list=shots[:600], shot_list_fr=shots_fr[:600],
        is_published=True, status=Video.Status.READY, published_at=now - timedelta(hours=n)))
Video.objects.bulk_create(videos_made, batch_size=200)
half = articles // 2
english, french = [], []
for n in range(half):
    title, standfirst, body = story(SUBJECTS_EN, STOP_EN)
    english.append(Article(language="en", slug=f"story-{n}", title=f"Story {n}: {title}", standfirst=standfirst,
                           body=body, status="published", published_at=now - timedelta(hours=n + 1)))
english = Article.objects.bulk_create(english, batch_size=200)
for n, en in enumerate(english):
    title, standfirst, body = story(SUBJECTS_FR, STOP_FR)
    french.append(Article(language="fr", slug=f"article-{n}", title=f"Article {n} : {title}", standfirst=standfirst,
                          body=body, status="published", published_at=now - timedelta(hours=n + 1), translation_of=en))
Article.objects.bulk_create(french, batch_size=200)
Through = Article.topics.through
Through.objects.bulk_create(Through(article=a, topic=topics[a.pk % 3]) for a in Article.objects.all())
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
"""
SCALE_PATHS = [
    "/bare/",
    "/en/",
    "/en/news/",
    "/en/news/?q=defence+budget",
    "/fr/news/?q=defense",  # accent-folded: finds "défense"
    "/en/videos/?q=summit+harbour",
    "/en/search/?q=flood+warning",
    "/en/search/?q=drougth",  # misspelt: near spellings
    "/en/news/story-3/",
    "/en/videos/footage-3/",
    "/sitemap.xml",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _drive(port: int, path: str, seconds: float, clients: int) -> dict:
    """Hammer one URL with ``clients`` threads for ``seconds``; return figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        nonlocal errors
        mine, bad = [], 0
        while time.monotonic() < stop_at and len(mine) < MAX_REQUESTS_PER_URL // clients:
            started = time.perf_counter()
            # gunicorn's sync workers close the connection after each response.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                bad += response.status != 200
            except OSError:
                bad += 1
            finally:
                connection.close()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "path": path,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def _gunicorn(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    python = sys.executable
    process = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "mediaportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    return process, port


def _scale(args) -> int:
    """Each page at two archive sizes on PostgreSQL, against the bare view."""
    server = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    database = f"{server}/mp_bench_pages"
    python = sys.executable
    tables = {}
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        (Path(tmp) / "bench_settings.py").write_text(SETTINGS)
        (Path(tmp) / "bench_urls.py").write_text(URLS)
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
            "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database,
            "MEDIA_ROOT": f"{tmp}/media",
            "LOG_LEVEL": "WARNING",
            "SEARCH_RATE_LIMIT": "",  # the load generator is one client: measure the pages, not the limit
        }
        for articles, videos in ((args.articles // 10, args.videos // 10), (args.articles, args.videos)):
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "mp_bench_pages"], check=True)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "mp_bench_pages"], check=True)
            setup_env = {**env, "DATABASE_STATEMENT_TIMEOUT": "0"}  # bulk loads run past the web limit
            subprocess.run([python, "-m", "django", "migrate", "-v0"], env=setup_env, cwd=ROOT, check=True, timeout=600)
            started = time.perf_counter()
            subprocess.run(
                [python, "-c", textwrap.dedent(SCALE_SEED), str(articles), str(videos)],
                env=setup_env,
                cwd=ROOT,
                check=True,
                timeout=1800,
            )
            print(f"seeded {articles} articles and {videos} videos in {time.perf_counter() - started:.0f} s")
            gunicorn, port = _gunicorn(env, args.workers)
            try:
                _wait_until_up(port)
                results = []
                for path in SCALE_PATHS:
                    _drive(port, path, 2.0, args.clients)  # warm-up: imports, caches (one miss per worker)
                    results.append(_drive(port, path, args.seconds, args.clients))
            finally:
                gunicorn.terminate()
                gunicorn.wait(timeout=30)
            tables[(articles, videos)] = results
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "mp_bench_pages"], check=True)

    (small, small_results), (full, full_results) = tables.items()
    print(
        f"\nPostgreSQL, gunicorn {args.workers} sync workers, {args.clients} client threads, {args.seconds:.0f} s per "
        f"URL, {os.cpu_count()} CPUs shared by server, database and load generator"
    )
    print(
        f"{'URL':30} {'archive':>11} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'vs bare':>8} {'vs list':>8} "
        f"{'p50 ×':>6} {'errors':>6}"
    )
    failed = False
    for small_r, full_r in zip(small_results, full_results, strict=True):
        for (articles, _), rows, r in ((small, small_results, small_r), (full, full_results, full_r)):
            bare, listing = rows[0]["rps"], rows[2]["rps"]
            growth = f"{full_r['p50'] / small_r['p50']:5.1f}" if r is full_r else ""
            print(
                f"{r['path']:30} {articles:>5} art. {r['rps']:7.0f} {r['p50']:7.1f} {r['p99']:7.1f} "
                f"{r['rps'] / bare:7.0%} {r['rps'] / listing:7.0%} {growth:>6} {r['errors']:6d}"
            )
            failed |= bool(r["errors"])
    print("vs list: req/s against the plain news list of the same archive; p50 ×: p50 at full size / at a tenth")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring window per URL")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--scale", action="store_true", help="the archive-scale table on PostgreSQL")
    parser.add_argument("--articles", type=int, default=2000, help="--scale: published articles (half in French)")
    parser.add_argument("--videos", type=int, default=1000, help="--scale: published videos")
    args = parser.parse_args()
    if args.scale:
        return _scale(args)

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "bench_settings.py").write_text(SETTINGS)
        (tmp_path / "bench_urls.py").write_text(URLS)
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
            "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "LOG_LEVEL": "WARNING",
        }
        python = sys.executable
        subprocess.run([python, "-m", "django", "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
        subprocess.run(
            [python, "-c", textwrap.dedent(SEED)], env=env, cwd=ROOT, check=True, timeout=300, stdout=subprocess.DEVNULL
        )
        port = _free_port()
        gunicorn = subprocess.Popen(
            [
                str(Path(python).parent / "gunicorn"),
                "mediaportal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            _wait_until_up(port)
            paths = [
                "/bare/",
                "/en/",
                "/en/news/",
                "/en/news/?q=rivers",
                "/en/news/story-3/",
                "/en/news/river-basin-summit-geneva/",
            ]
            results = []
            for path in paths:
                _drive(port, path, min(1.0, args.seconds), args.clients)  # warm-up: imports, caches
                results.append(_drive(port, path, args.seconds, args.clients))
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)

    bare = results[0]["rps"]
    print(
        f"\ngunicorn {args.workers} sync workers, {args.clients} client threads, {args.seconds:.0f} s per URL, "
        f"{os.cpu_count()} CPUs shared by server and load generator (SQLite)"
    )
    print(f"{'URL':40} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'errors':>7}")
    for r in results:
        print(
            f"{r['path']:40} {r['requests']:9d} {r['rps']:8.0f} {r['p50']:8.1f} {r['p99']:8.1f} "
            f"{r['rps'] / bare:7.0%} {r['errors']:7d}"
        )
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
