"""Feeds and sitemaps for readers' tools: tag feeds, plain 404s, news and image sitemaps."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests.factories import PostFactory, TagFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"


def test_a_tag_has_rss_and_atom_feeds_announced_on_its_page(client):
    tag = TagFactory(name="Rail", slug="rail")
    PostFactory(title="Night trains").tags.add(tag)
    PostFactory(title="Untagged story")
    for name in ("blog:tag_rss", "blog:tag_atom"):
        response = client.get(reverse(name, args=["rail"]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Night trains" in text and "Untagged story" not in text
    head = BeautifulSoup(client.get(tag.get_absolute_url()).content, "html.parser").head
    hrefs = [link["href"] for link in head.select('link[rel="alternate"]')]
    assert "/tag/rail/rss/" in hrefs and "/tag/rail/atom/" in hrefs


def test_a_post_page_announces_its_comment_feed(client):
    post = PostFactory(slug="night-trains")
    head = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser").head
    link = head.select_one('link[rel="alternate"][href="/comments/feed/night-trains/"]')
    assert link["type"] == "application/rss+xml"


@pytest.mark.parametrize(
    "url",
    ["/tag/nope/rss/", "/tag/nope/atom/", "/category/nope/rss/", "/comments/feed/nope/"],
)
def test_an_unknown_feed_is_a_plain_text_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"No such feed.\n"


def test_the_news_sitemap_lists_posts_of_the_last_two_days(client):
    now = timezone.now()
    PostFactory(title="Fresh & new", published_at=now - timedelta(hours=3))
    PostFactory(title="Old news", published_at=now - timedelta(days=3))
    PostFactory(title="Draft", status="draft", published_at=None)
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    items = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{NEWS}news/{NEWS}title") for u in items] == ["Fresh & new"]
    news = items[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Threadline"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert len(news.findtext(f"{NEWS}publication_date")) == 25  # whole seconds + offset
    assert "Sitemap: http://testserver/sitemap-news.xml" in client.get("/robots.txt").text


def test_the_sitemap_lists_each_cover_as_an_image_of_its_post(client):
    PostFactory(
        slug="covered",
        cover_image="covers/a.jpg",
        cover_renditions=[{"width": 1200, "height": 600, "webp": "c.webp", "jpeg": "c.jpg"}],
    )
    PostFactory(slug="plain")
    root = ET.fromstring(client.get("/sitemap.xml").content)
    images = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{IMAGE}image/{IMAGE}loc")
        for u in root.findall(f"{SITEMAP}url")
    }
    assert images["http://testserver/posts/covered/"] == "http://testserver/media/c.jpg"
    assert images["http://testserver/posts/plain/"] is None
