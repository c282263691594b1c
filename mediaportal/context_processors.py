from django.conf import settings
from django.urls import translate_url


def portal(request):
    """Links to this page in every language, for the language switcher."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ],
        "SITE_URL": settings.SITE_URL,
    }
