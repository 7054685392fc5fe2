"""Site-wide settings for every page, cached so that rendering a page does not query them.

The cache entry is cleared by the admin when site settings, social links or categories are
saved, and by the demo command; it also expires by itself after SITE_CACHE_SECONDS, so a
change made some other way (a shell, a data migration) shows up soon without a restart.
"""

from django.conf import settings
from django.core.cache import cache

from .models import Category, SiteSettings

CACHE_KEY = "blog:site-context:v1"
SITE_CACHE_SECONDS = 60 * 15


def site_context():
    """{"site": SiteSettings, "social_links": [...], "nav_categories": [...]}"""
    context = cache.get(CACHE_KEY)
    if context is None:
        site = SiteSettings.load()
        context = {
            "site": site,
            "social_links": list(site.links.all()),
            "nav_categories": list(Category.objects.all()),
        }
        cache.set(CACHE_KEY, context, SITE_CACHE_SECONDS)
    return context


def clear_site_cache():
    cache.delete(CACHE_KEY)


# The address used when SITE_URL is unset and there is no request to ask (management
# commands such as export_wordpress): the development server's.
FALLBACK_SITE_URL = "http://127.0.0.1:8000"


def site_url(request=None):
    """The site's own address, without a trailing slash.

    SITE_URL when it is set; otherwise the scheme and host of the request, exactly as the
    feeds and the sitemap (Django's syndication and sitemaps use the request's host) see
    them. request.get_host() only answers with a host listed in ALLOWED_HOSTS (anything else
    is a 400 before a page is drawn), so a forged Host header cannot put another site's
    address into canonical links.
    """
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return FALLBACK_SITE_URL


def absolute_url(path, request=None):
    """The full address of a path on this site, for canonical links, feeds and sharing.

    An address that is absolute already (media in object storage) is returned as it is.
    """
    if path.startswith(("https://", "http://")):
        return path
    return site_url(request) + path
