import subprocess
import sys

import pytest

from newsroom.models import Article


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "nav_news", "html_lang"), [("/en/", "News", "en"), ("/fr/", "Actualités", "fr")])
def test_home_page_in_each_language(client, prefix, nav_news, html_lang):
    response = client.get(prefix)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{html_lang}">' in html
    assert f">{nav_news}</a>" in html


@pytest.mark.django_db
def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page_in_the_other_language(client):
    html = client.get("/en/videos/").content.decode()
    assert 'href="/fr/videos/"' in html


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/en/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Article.objects.count())
    call_command("seed_demo")
    assert (get_user_model().objects.count(), Article.objects.count()) == counts
    assert counts[0] >= 2


def _manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=120)


def test_production_mode_refuses_to_start_without_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "mediaportal.settings"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_passes_check_deploy():
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "mediaportal.settings",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-" + "z" * 20,
        "ALLOWED_HOSTS": "media.example.org",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_development_media_serving_never_exposes_video_files(client, settings, tmp_path):
    import importlib

    from django.urls import clear_url_caches, set_urlconf

    import mediaportal.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    for folder in ("posters", "renditions", "clips"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "file.jpg").write_bytes(b"data")
    importlib.reload(mediaportal.urls)
    clear_url_caches()
    try:
        assert client.get("/media/posters/file.jpg").status_code == 200
        assert client.get("/media/renditions/file.jpg").status_code == 404
        assert client.get("/media/clips/file.jpg").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(mediaportal.urls)
        clear_url_caches()
        set_urlconf(None)
