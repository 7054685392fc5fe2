from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import Category, Post, Tag


class PostSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Post.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        # A scheduled post was last saved before it went public.
        return max(item.updated_at, item.published_at)


class NewsSitemap(PostSitemap):
    """Posts published in the last two days, for sitemap-news.xml (Google News' format,
    drawn by templates/sitemaps/news.xml)."""

    NEWS_DAYS = 2
    limit = 1000  # the news format's limit per file

    def items(self):
        since = timezone.now() - timedelta(days=self.NEWS_DAYS)
        return super().items().filter(published_at__gte=since)


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Category.objects.filter(posts__in=Post.objects.published()).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return Tag.objects.filter(posts__in=Post.objects.published()).distinct()


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["blog:home"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}

news_sitemaps = {"news": NewsSitemap}
