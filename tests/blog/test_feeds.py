"""RSS, Atom and sitemap: valid XML listing exactly the public posts."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def posts():
    world = CategoryFactory(name="World", slug="world")
    now = timezone.now()
    public = PostFactory(title="Public in world", published_at=now - timedelta(hours=2))
    public.categories.add(world)
    public.tags.add(TagFactory(name="Trade", slug="trade"))
    other = PostFactory(title="Public elsewhere", published_at=now - timedelta(hours=1))
    draft = PostFactory(title="Draft in world", status="draft", published_at=None)
    draft.categories.add(world)
    scheduled = PostFactory(
        title="Scheduled in world", status="scheduled", published_at=now + timedelta(days=1)
    )
    scheduled.categories.add(world)
    return {"public": public, "other": other, "draft": draft, "scheduled": scheduled}


def test_rss_feed_lists_public_posts_newest_first(client, posts):
    response = client.get(reverse("blog:rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Public elsewhere", "Public in world"]
    first_world = items[1]
    assert first_world.findtext("link").endswith(posts["public"].get_absolute_url())
    assert first_world.findtext("description") == posts["public"].standfirst
    assert {c.text for c in first_world.findall("category")} == {"World", "Trade"}
    assert first_world.findtext("pubDate")


def test_atom_feed_lists_public_posts(client, posts):
    response = client.get(reverse("blog:atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Public elsewhere", "Public in world"]
    assert feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text


@pytest.mark.parametrize("name", ["blog:category_rss", "blog:category_atom"])
def test_category_feeds_list_only_that_categorys_public_posts(client, posts, name):
    response = client.get(reverse(name, args=["world"]))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    titles = [el.text for el in root.iter() if el.tag in ("title", f"{ATOM}title")]
    assert "Public in world" in titles
    assert not {"Public elsewhere", "Draft in world", "Scheduled in world"} & set(titles)


def test_feed_of_an_unknown_category_is_a_404(client):
    assert client.get(reverse("blog:category_rss", args=["nope"])).status_code == 404


def test_sitemap_lists_public_posts_and_their_sections_only(client, posts):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {el.text for el in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    paths = {url.split("testserver", 1)[1] for url in urls}
    assert posts["public"].get_absolute_url() in paths
    assert posts["other"].get_absolute_url() in paths
    assert posts["draft"].get_absolute_url() not in paths
    assert posts["scheduled"].get_absolute_url() not in paths
    assert reverse("blog:home") in paths
    assert reverse("blog:category", args=["world"]) in paths
    assert reverse("blog:tag", args=["trade"]) in paths


def test_sitemap_lastmod_of_a_post_is_never_before_it_went_public(client):
    went_public = timezone.now() - timedelta(minutes=5)
    post = PostFactory(status="scheduled", published_at=went_public)
    Post.objects.filter(pk=post.pk).update(updated_at=went_public - timedelta(days=1))
    root = ET.fromstring(client.get("/sitemap.xml").content)
    for url in root.iter(f"{SITEMAP}url"):
        if url.findtext(f"{SITEMAP}loc").endswith(post.get_absolute_url()):
            assert url.findtext(f"{SITEMAP}lastmod") == went_public.date().isoformat()
            break
    else:
        pytest.fail("post missing from the sitemap")


@pytest.mark.parametrize("field", ["title", "standfirst", "body"])
@pytest.mark.parametrize("feed", ["blog:rss", "blog:atom", "comments:feed"])
def test_text_pasted_with_control_characters_does_not_break_the_feeds(client, field, feed):
    """Word's manual line break is a vertical tab (\\x0b): XML 1.0 cannot carry it, and one
    such post used to make the feeds answer 500."""
    from tests.factories import CommentFactory

    text = {"title": "Budget talks", "standfirst": "Talks resume.", "body": "Text."}
    text[field] = text[field].replace(" ", "\x0b") + "\x0b\x1f"
    post = PostFactory(standfirst=text["standfirst"], body=text["body"], title=text["title"])
    CommentFactory(post=post)
    response = client.get(reverse(feed))
    assert response.status_code == 200
    ET.fromstring(response.content)
