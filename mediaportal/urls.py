from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from newsroom.sitemaps import SITEMAPS

from .health import healthz

# Outside the language prefix: machine endpoints and the admin.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("downloads.api_urls")),
]

# --- Newsroom: one sitemap for articles (each in its language) and videos ---
urlpatterns += [path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap")]

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.allauth_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("downloads.urls")),
    path("", include("newsroom.urls")),
    path("newsletter/", include("newsroom.newsletter.urls")),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
