"""What search engines and validators read: dates, JSON-LD beside the microdata, one address."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from blog.models import Post
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

WHOLE_SECONDS_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def covered_post():
    """A post with a cover (renditions as process_cover stores them), terms and comments."""
    author = UserFactory(username="lhaddad", first_name="Lina", last_name="Haddad")
    post = PostFactory(
        title="Border crossing reopens",
        author=author,
        standfirst="Lorries move again.",
        published_at=datetime(2026, 11, 3, 9, 15, 42, 123456, tzinfo=ZoneInfo("UTC")),
        cover_image="covers/2026/11/crossing.jpg",
        cover_alt="Lorries at the crossing",
        cover_width=1600,
        cover_height=900,
        cover_renditions=[
            {"width": 960, "height": 540, "webp": "covers/c-960.webp", "jpeg": "covers/c-960.jpg"},
            {
                "width": 1600,
                "height": 900,
                "webp": "covers/c-1600.webp",
                "jpeg": "covers/c-1600.jpg",
            },
        ],
    )
    post.categories.add(CategoryFactory(name="World", slug="world"))
    post.tags.add(TagFactory(name="Trade", slug="trade"))
    root = CommentFactory(post=post, stored=True)
    CommentFactory(parent=root, stored=True)
    CommentFactory(post=post, stored=True)
    return Post.objects.get(pk=post.pk)


def json_ld(page):
    blocks = page.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def test_every_datetime_attribute_is_in_whole_seconds_with_the_offset(
    client, covered_post, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    pages = [client.get(reverse("blog:home")), client.get(covered_post.get_absolute_url())]
    times = [t["datetime"] for page in pages for t in soup(page).find_all("time")]
    assert len(times) >= 5  # a card, the post's date, three comments
    assert all(WHOLE_SECONDS_WITH_OFFSET.match(value) for value in times), times
    assert "2026-11-03T10:15:42+01:00" in times


def test_json_ld_blog_posting_states_what_the_microdata_states(client, covered_post):
    page = soup(client.get(covered_post.get_absolute_url()))
    data = json_ld(page)
    scope = page.select_one('[itemtype="https://schema.org/BlogPosting"]')

    def prop(name):
        element = scope.find(attrs={"itemprop": name})
        return element.get("content") or element.get("datetime") or element.get_text(strip=True)

    url = "http://testserver" + covered_post.get_absolute_url()
    assert data["@type"] == "BlogPosting"
    assert data["url"] == data["mainEntityOfPage"] == url
    assert scope.find("link", itemprop="mainEntityOfPage")["href"] == url
    assert data["headline"] == prop("headline") == "Border crossing reopens"
    assert data["description"] == prop("description") == "Lorries move again."
    assert data["datePublished"] == prop("datePublished") == "2026-11-03T09:15:42+00:00"
    assert data["dateModified"] == prop("dateModified")
    assert data["author"]["name"] == prop("author") == "Lina Haddad"
    assert data["author"]["url"] == "http://testserver/author/lhaddad/"
    assert data["image"]["url"] == prop("image") == "http://testserver/media/covers/c-1600.jpg"
    assert (data["image"]["width"], data["image"]["height"]) == (1600, 900)
    assert data["publisher"]["name"] == "The Threadline"
    assert data["commentCount"] == int(prop("commentCount")) == 3
    assert data["articleSection"] == "World" and data["keywords"] == ["Trade"]


def test_json_ld_cannot_be_closed_by_a_title(client):
    post = PostFactory(title="</script><script>alert(1)</script> & more")
    response = client.get(post.get_absolute_url())
    raw = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content)
    assert b"<" not in raw.group(1)
    assert json_ld(soup(response))["headline"] == post.title


def test_a_preview_carries_no_json_ld(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    draft = PostFactory(status="draft", published_at=None)
    page = soup(client.get(draft.get_preview_url()))
    assert not page.find_all("script", type="application/ld+json")


def test_every_comment_is_attached_to_the_blog_posting_and_named_by_a_heading(client, covered_post):
    page = soup(client.get(covered_post.get_absolute_url()))
    comments = page.select("article.comment")
    assert len(comments) == 3
    for element in comments:
        assert element["itemprop"] == "comment"
        owner = element.find_parent(attrs={"itemscope": True})
        assert owner["itemtype"] in {
            "https://schema.org/BlogPosting",
            "https://schema.org/Comment",
        }
        heading = element.find(["h3", "h4"], recursive=True)
        assert heading.find(itemprop="name").text == element.find(itemprop="name").text
    top_level = [c for c in comments if "depth-1" in c["class"]]
    assert len(top_level) == 2
    for element in top_level:
        owner = element.find_parent(attrs={"itemscope": True})
        assert owner["itemtype"] == "https://schema.org/BlogPosting"


def test_a_removed_comment_with_replies_is_named_by_its_placeholder(client, post_with_removed):
    page = soup(client.get(post_with_removed.get_absolute_url()))
    placeholder = page.select_one("article.comment-placeholder")
    assert placeholder["aria-label"] == "This comment was removed"


@pytest.fixture
def post_with_removed():
    post = PostFactory()
    root = CommentFactory(post=post, status="removed", stored=True)
    CommentFactory(parent=root, stored=True)
    return post


def test_fragments_stored_by_the_old_template_are_redrawn(client, covered_post):
    """Stored HTML from before a template change is stale: drawn anew, then stored anew."""
    from comments.models import Fragment
    from comments.posting import redraw_stale

    old = '<article id="comment-{pk}" class="comment depth-1" itemscope>old</article>'
    for stored in Fragment.objects.filter(comment__post=covered_post):
        Fragment.objects.filter(pk=stored.pk).update(
            html=old.format(pk=stored.pk), version="0123456789abcdef"
        )
    page = soup(client.get(covered_post.get_absolute_url()))
    assert len(page.select('article.comment[itemprop="comment"] h3')) == 3
    assert redraw_stale() == 3
    assert not Fragment.objects.filter(html__contains="old</article>").exists()


# One site address


@pytest.fixture
def elsewhere(settings):
    """The site reached at another host and port, with SITE_URL unset."""
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["news.example"]
    return {"HTTP_HOST": "news.example:8443"}


def test_with_site_url_unset_every_address_on_a_page_is_the_requests(
    client, covered_post, elsewhere
):
    base = "http://news.example:8443"
    page = soup(client.get(covered_post.get_absolute_url(), **elsewhere))
    url = base + covered_post.get_absolute_url()
    assert page.select_one('link[rel="canonical"]')["href"] == url
    assert page.select_one('meta[property="og:url"]')["content"] == url
    assert page.select_one('meta[property="og:image"]')["content"].startswith(base + "/media/")
    assert page.select_one('meta[name="twitter:image"]')["content"].startswith(base + "/media/")
    assert json_ld(page)["url"] == url
    assert json_ld(page)["publisher"]["url"] == base + "/"
    home = soup(client.get("/?page=1", **elsewhere))
    assert home.select_one('link[rel="canonical"]')["href"] == base + "/"
    assert home.select_one('meta[property="og:url"]')["content"] == base + "/"


def test_with_site_url_unset_robots_feeds_and_sitemap_agree_with_the_pages(
    client, covered_post, elsewhere
):
    base = "http://news.example:8443"
    robots = client.get(reverse("robots_txt"), **elsewhere).text
    assert f"Sitemap: {base}/sitemap.xml" in robots
    sitemap = client.get(reverse("sitemap"), **elsewhere).text
    assert f"<loc>{base}{covered_post.get_absolute_url()}</loc>" in sitemap
    feed = client.get(reverse("blog:rss"), **elsewhere).text
    assert f"<link>{base}{covered_post.get_absolute_url()}</link>" in feed
    canonical = soup(client.get(covered_post.get_absolute_url(), **elsewhere)).select_one(
        'link[rel="canonical"]'
    )["href"]
    assert canonical == f"{base}{covered_post.get_absolute_url()}"


def test_a_host_outside_allowed_hosts_is_refused_not_printed(client, covered_post, elsewhere):
    response = client.get(covered_post.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_site_url_when_set_wins_over_the_request(client, covered_post, settings, elsewhere):
    settings.SITE_URL = "https://news.example/"
    page = soup(client.get(covered_post.get_absolute_url(), **elsewhere))
    url = "https://news.example" + covered_post.get_absolute_url()
    assert page.select_one('link[rel="canonical"]')["href"] == url
    assert (
        "Sitemap: https://news.example/sitemap.xml" in client.get("/robots.txt", **elsewhere).text
    )


def test_updated_posts_state_the_modification_in_whole_seconds(client, covered_post):
    later = covered_post.published_at + timedelta(hours=3, microseconds=5)
    Post.objects.filter(pk=covered_post.pk).update(updated_at=later)
    data = json_ld(soup(client.get(covered_post.get_absolute_url())))
    assert data["dateModified"] == "2026-11-03T12:15:42+00:00"
