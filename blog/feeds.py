"""RSS and Atom feeds of the latest public posts, site-wide, per category and per tag."""

import re

from django.contrib.syndication.views import Feed as DjangoFeed
from django.http import Http404, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Category, Post, Tag
from .site import site_context

FEED_LENGTH = 20
# XML 1.0 cannot carry these; text pasted from a word processor can hold them (Word's manual
# line break is \x0b), and Django refuses to write them (a 500 for the whole feed).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text):
    return CONTROL_RE.sub("", text)


class Feed(DjangoFeed):
    """A feed that answers an unknown object with a plain-text 404, not the HTML page:
    feed readers show the body as it is."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            return HttpResponseNotFound("No such feed.\n", content_type="text/plain; charset=utf-8")


class LatestRssFeed(Feed):
    def title(self):
        return site_context()["site"].site_name

    def description(self):
        site = site_context()["site"]
        return site.tagline or f"The latest from {site.site_name}"

    def link(self):
        return reverse("blog:home")

    def items(self):
        return Post.objects.published().for_listing().prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return xml_text(item.standfirst or item.body_html)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at if item.was_updated else item.published_at

    def item_author_name(self, item):
        return xml_text(item.author.get_full_name() or item.author.get_username())

    def item_categories(self, item):
        names = [c.name for c in item.categories.all()] + [t.name for t in item.tags.all()]
        return [xml_text(name) for name in names]


class LatestAtomFeed(LatestRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class CategoryRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {site_context()['site'].site_name}"

    def description(self, obj):
        return obj.description or f"The latest in {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            Post.objects.published()
            .filter(categories=obj)
            .for_listing()
            .prefetch_related("tags")[:FEED_LENGTH]
        )


class CategoryAtomFeed(CategoryRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class TagRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return xml_text(f"{obj.name} · {site_context()['site'].site_name}")

    def description(self, obj):
        return xml_text(f"The latest tagged {obj.name}")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            Post.objects.published()
            .filter(tags=obj)
            .for_listing()
            .prefetch_related("tags")[:FEED_LENGTH]
        )


class TagAtomFeed(TagRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
