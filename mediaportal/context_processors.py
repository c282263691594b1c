from django.conf import settings
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme


def _language_link(path: str, code: str) -> str:
    """This page in language ``code``, or that language's home page when the
    page cannot be translated or its path would leave the site: on a 404
    for ``//evil.example/fr/`` the path itself is a link to another host."""
    url = translate_url(path, code)
    local = (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not any(char.isspace() or ord(char) < 32 for char in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )
    return url if local else f"/{code}/"


def portal(request):
    """Links to this page in every language, for the language switcher."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": _language_link(path, code)} for code, name in settings.LANGUAGES
        ],
        "SITE_URL": settings.SITE_URL,
    }
