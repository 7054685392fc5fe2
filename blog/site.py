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


def absolute_url(path):
    """The full address of a path on this site, for canonical links, feeds and sharing."""
    return settings.SITE_URL.rstrip("/") + path
