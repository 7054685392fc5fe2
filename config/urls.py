import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from blog.sitemaps import news_sitemaps, sitemaps
from blog.views import favicon, robots_txt
from ops.views import serve_media

admin.site.site_header = "Threadline admin"
admin.site.site_title = "Threadline admin"
admin.site.index_title = "Publishing and moderation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": news_sitemaps, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("ops.urls")),
    path("", include("blog.urls")),
]

# Media on disk is served by the app, in development and in production alike, unless the proxy
# serves it (SERVE_MEDIA=false) or it lives in object storage (config/settings.py).
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.insert(
        0, re_path(rf"^{re.escape(media_prefix)}(?P<path>.+)$", serve_media, name="media")
    )

handler400 = "blog.views.bad_request"
handler403 = "blog.views.permission_denied"
handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"
