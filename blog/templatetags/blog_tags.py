import json

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog.site import absolute_url, site_context, site_url

register = template.Library()

# What json.dumps leaves that could end a <script> element or open a comment in HTML.
_JSON_HTML_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("includes/picture.html")
def cover_picture(post, sizes="100vw", loading="lazy", priority=False):
    """A post's cover as <picture>: WebP and JPEG srcsets, with width and height set."""
    return {
        "post": post,
        "cover": post.cover,
        "sizes": sizes,
        "loading": loading,
        "priority": priority,
    }


@register.simple_tag(takes_context=True)
def absolute(context, path):
    """`{% absolute post.get_absolute_url %}`: the address with scheme and host.

    SITE_URL when set, otherwise the host this page was asked at (blog/site.py).
    """
    return absolute_url(path, context.get("request"))


@register.filter
def iso(moment):
    """An aware datetime as HTML and schema.org want it: whole seconds, with the offset."""
    if not moment:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.filter
def display_name(user):
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def post_json_ld(context, post):
    """The post as a JSON-LD BlogPosting, the same facts as the page's microdata.

    A <script type="application/ld+json"> is a data block: browsers never run it, so the
    strict script-src of the Content-Security-Policy does not apply to it.
    """
    request = context.get("request")
    data = blog_posting(post, request)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_HTML_ESCAPES)
    # The JSON has every character that could close the element escaped above.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def blog_posting(post, request=None):
    """The schema.org BlogPosting of a post, as a dict (see post_json_ld)."""
    address = absolute_url(post.get_absolute_url(), request)
    author = post.author
    site = site_context()["site"]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": address,
        "mainEntityOfPage": address,
        "url": address,
        "headline": post.title,
        "author": {
            "@type": "Person",
            "name": display_name(author),
            "url": absolute_url(reverse("blog:author", args=[author.get_username()]), request),
        },
        "publisher": {
            "@type": "Organization",
            "name": site.site_name,
            "url": site_url(request) + "/",
        },
        "commentCount": post.comment_count,
    }
    if post.standfirst:
        data["description"] = post.standfirst
    if post.published_at:
        data["datePublished"] = iso(post.published_at)
        data["dateModified"] = iso(post.updated_at if post.was_updated else post.published_at)
    if post.cover:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute_url(post.cover["largest_url"], request),
            "width": post.cover["largest_width"],
            "height": post.cover["largest_height"],
        }
    categories = list(post.categories.all())
    if categories:
        data["articleSection"] = categories[0].name
    tags = [tag.name for tag in post.tags.all()]
    if tags:
        data["keywords"] = tags
    return data
