"""Site-wide settings for every page, cached so that rendering a page does not query them.

The cache entry is cleared by the admin when site settings, social links or categories are
saved, and by the demo command; it also expires by itself after SITE_CACHE_SECONDS, so a
change made some other way (a shell, a data migration) shows up soon without a restart.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Value

from .models import (
    Category,
    HeadRow,
    SiteSettings,
    SocialLink,
    head_rows,
    head_union,
    load_terms,
    read_head,
    term_rows,
)
from .prepared import Prepared

CACHE_KEY = "blog:site-context:v1"
SITE_CACHE_SECONDS = 60 * 15


def site_context():
    """{"site": SiteSettings, "social_links": [...], "nav_categories": [...]}: from the cache,
    or one query."""
    context = cache.get(CACHE_KEY)
    if context is None:
        context = _context_from(read_head(_site_rows()))
    return context


def site_context_and_terms(posts):
    """site_context(), and the categories and tags of these posts filled (load_terms): one
    query for both when the site context is not cached, as on a post page after a change."""
    context = cache.get(CACHE_KEY)
    if context is not None:
        load_terms(posts)
        return context
    rows = [HeadRow(*row) for row in _HEAD.rows([post.pk for post in posts])]
    load_terms(posts, rows)
    return _context_from(rows)


def _site_rows():
    """The settings row, its links and the menu's categories, as blog.models.head_rows()."""
    return [
        head_rows(
            SiteSettings.objects.filter(pk=1),
            kind=Value("s"),
            name="site_name",
            slug="tagline",
            description="about",
        ),
        # Named "" so that the links keep their own order (position, then id).
        head_rows(
            SocialLink.objects.filter(settings_id=1),
            kind=Value("l"),
            position="position",
            slug="network",
            description="url",
        ),
        head_rows(
            Category.objects.all(),
            kind=Value("n"),
            name="name",
            slug="slug",
            description="description",
        ),
    ]


# The terms of the posts with these pks and the site's rows, compiled once (blog/prepared.py).
_HEAD = Prepared(lambda pks: head_union([*term_rows(pks), *_site_rows()]))


def _context_from(rows):
    """The site context from _site_rows(), cached; the settings row is made with its defaults
    the first time (SiteSettings.load)."""
    site = next(
        (
            SiteSettings(pk=row.pk, site_name=row.name, tagline=row.slug, about=row.description)
            for row in rows
            if row.kind == "s"
        ),
        None,
    )
    context = {
        "site": site or SiteSettings.load(),
        "social_links": [
            SocialLink(
                pk=row.pk,
                settings_id=1,
                network=row.slug,
                url=row.description,
                position=row.position,
            )
            for row in rows
            if row.kind == "l"
        ],
        "nav_categories": [
            Category(pk=row.pk, name=row.name, slug=row.slug, description=row.description)
            for row in rows
            if row.kind == "n"
        ],
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
