"""Full-download throughput: a 1 GiB rendition through the app under gunicorn
(sendfile path), against nginx serving the same file, and nginx serving it
after the app's permission check (DOWNLOADS_DELIVERY=nginx, X-Accel-Redirect),
in one run, all on loopback. Needs nginx (`apt-get install nginx`).

    .venv/bin/python bench/download.py
"""

import os
import platform
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".cache" / "download"
MEDIA = WORK / "media"
SIZE = 1024**3
APP_PORT, NGINX_PORT, ACCEL_PORT = 18080, 18081, 18082
ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 60,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
    "MEDIA_ROOT": str(MEDIA),
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DJANGO_SETTINGS_MODULE": "mediaportal.settings",
    "PYTHONPATH": str(ROOT),
    "LOG_LEVEL": "WARNING",
}
ENV.pop("REDIS_URL", None)


def prepare() -> tuple[str, str]:
    """The big file, a user, a video and a session; returns (url path, cookie)."""
    big = MEDIA / "renditions" / "bench-1gib.mp4"
    big.parent.mkdir(parents=True, exist_ok=True)
    if not big.exists() or big.stat().st_size != SIZE:
        with big.open("wb") as handle:
            chunk = os.urandom(16 * 1024 * 1024)
            for _ in range(SIZE // len(chunk)):
                handle.write(chunk)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)
    script = textwrap.dedent("""
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.db import SessionStore
        from downloads.models import Rendition, Video
        user, _ = get_user_model().objects.get_or_create(email="bench@example.org")
        video, _ = Video.objects.get_or_create(slug="bench", defaults={"title": "Bench", "is_published": True, "status": "ready"})
        rendition, _ = Rendition.objects.get_or_create(video=video, kind="master", defaults={"file": "renditions/bench-1gib.mp4", "size": SIZE})
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        print(f"/files/renditions/{rendition.pk}/{rendition.download_name()} {session.session_key}")
    """).replace("SIZE", str(SIZE))
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    path, key = out.stdout.split()[-2:]
    return path, key


def nginx_config(proxy: bool, port: int) -> Path:
    conf = WORK / f"nginx-{port}.conf"
    location = (
        f"""
        location / {{ proxy_pass http://127.0.0.1:{APP_PORT}; proxy_set_header Host 127.0.0.1; }}
        location /protected/ {{ internal; alias {MEDIA}/; }}"""
        if proxy
        else f"""
        location / {{ root {MEDIA}; }}"""
    )
    conf.write_text(f"""
daemon off; worker_processes 1; pid {WORK}/nginx-{port}.pid; error_log {WORK}/nginx-{port}.log;
events {{ worker_connections 64; }}
http {{
    access_log off; sendfile on; tcp_nopush on;
    client_body_temp_path {WORK}/tmp; proxy_temp_path {WORK}/tmp; fastcgi_temp_path {WORK}/tmp;
    uwsgi_temp_path {WORK}/tmp; scgi_temp_path {WORK}/tmp;
    server {{ listen 127.0.0.1:{port}; {location} }}
}}""")
    (WORK / "tmp").mkdir(exist_ok=True)
    return conf


def wait_port(port: int) -> None:
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def fetch(url: str, cookie: str | None) -> float:
    """Best of three downloads (MB/s), body thrown away; checks the byte count."""
    best = 0.0
    for _ in range(3):
        command = ["curl", "-s", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", url]
        if cookie:
            command[1:1] = ["-b", f"sessionid={cookie}"]
        size, seconds = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout.split()
        if int(size) != SIZE:
            raise RuntimeError(f"{url}: got {size} bytes")
        best = max(best, SIZE / float(seconds) / 1e6)
    return best


def main() -> None:
    if not shutil.which("nginx"):
        sys.exit("nginx is needed for the comparison: apt-get install nginx")
    WORK.mkdir(parents=True, exist_ok=True)
    path, cookie = prepare()
    processes = []
    try:
        for delivery, port in (("app", APP_PORT),):
            env = {**ENV, "DOWNLOADS_DELIVERY": delivery}
            processes.append(
                subprocess.Popen(
                    [
                        str(ROOT / ".venv" / "bin" / "gunicorn"),
                        "mediaportal.wsgi",
                        "-b",
                        f"127.0.0.1:{port}",
                        "-w",
                        "2",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        wait_port(APP_PORT)
        app = fetch(f"http://127.0.0.1:{APP_PORT}{path}", cookie)
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait()
        processes.clear()
        # Accel: nginx in front, gunicorn checks the session and answers X-Accel-Redirect.
        processes.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "mediaportal.wsgi",
                    "-b",
                    f"127.0.0.1:{APP_PORT}",
                    "-w",
                    "2",
                ],
                cwd=ROOT,
                env={**ENV, "DOWNLOADS_DELIVERY": "nginx", "SENDFILE_URL": "/protected"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        for proxy, port in ((False, NGINX_PORT), (True, ACCEL_PORT)):
            processes.append(subprocess.Popen(["nginx", "-c", str(nginx_config(proxy, port))]))
        for port in (APP_PORT, NGINX_PORT, ACCEL_PORT):
            wait_port(port)
        plain = fetch(f"http://127.0.0.1:{NGINX_PORT}/renditions/bench-1gib.mp4", None)
        accel = fetch(f"http://127.0.0.1:{ACCEL_PORT}{path}", cookie)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; file: 1 GiB; best of 3, curl on loopback"
    )
    print(f"{'server':52} {'MB/s':>8} {'vs nginx':>9}")
    for name, rate in (
        ("nginx alone (static file)", plain),
        ("gunicorn, app streams (DOWNLOADS_DELIVERY=app)", app),
        ("nginx + X-Accel-Redirect (DOWNLOADS_DELIVERY=nginx)", accel),
    ):
        print(f"{name:52} {rate:8.0f} {rate / plain:9.0%}")


if __name__ == "__main__":
    main()
