from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from newsroom.caching import cached_until_publish
from newsroom.sitemaps import SITEMAPS

from .health import healthz

# Media folders anyone may read (posters, thumbnails, article images).
PUBLIC_MEDIA_FOLDERS = ["posters", "thumbnails", "articles"]

# Outside the language prefix: machine endpoints and the admin.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("downloads.api_urls")),
]

# --- Newsroom: one sitemap for articles (each in its language) and videos ---
urlpatterns += [path("sitemap.xml", cached_until_publish(sitemap), {"sitemaps": SITEMAPS}, name="sitemap")]

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.allauth_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("downloads.urls")),
    path("", include("newsroom.urls")),
    path("newsletter/", include("newsroom.newsletter.urls")),
)


def public_media(request, path):
    """Development only: a file of a public media folder. The folder is
    checked on the path as ``serve`` will resolve it, so ``posters/../clips/``
    (or ``%2e%2e``, decoded before routing) cannot reach the private ones."""
    parts = path.replace("\\", "/").split("/")
    if ".." in parts or parts[0] not in PUBLIC_MEDIA_FOLDERS:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.DEBUG:
    # Development only, and only the public folders: video files and clips
    # (renditions/, clips/) are never served without the login check.
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", public_media)]
