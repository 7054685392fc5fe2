"""Reading pages for visitors and staff: content, visibility and query budgets."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from blog.images import process_cover
from blog.models import Post, SiteSettings, SocialLink
from blog.site import site_context
from blog.views import server_error
from tests.factories import CategoryFactory, PostFactory, StaffFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def hidden_posts():
    """A draft, a scheduled post and a draft with a past date: none may leak."""
    now = timezone.now()
    return [
        PostFactory(title="Secret draft", status=Post.Status.DRAFT, published_at=None),
        PostFactory(
            title="Tomorrow's news", status=Post.Status.SCHEDULED, published_at=now + timedelta(1)
        ),
        PostFactory(
            title="Pulled story", status=Post.Status.DRAFT, published_at=now - timedelta(1)
        ),
    ]


# Home


def test_home_lists_public_posts_with_standfirst_date_and_comment_count(client):
    category = CategoryFactory(name="World")
    post = PostFactory(title="Crossing reopens", standfirst="Lorries move again.")
    post.categories.add(category)
    Post.objects.filter(pk=post.pk).update(comment_count=3)

    response = client.get(reverse("blog:home"))

    assert response.status_code == 200
    card = soup(response).select_one("article.card")
    assert card.h2.a["href"] == post.get_absolute_url()
    assert "Crossing reopens" in card.h2.text
    assert "Lorries move again." in card.text
    assert card.time["datetime"] == post.published_at.isoformat(timespec="seconds")
    assert "3 comments" in card.text
    assert card.select_one(".kicker").text == "World"


def test_home_never_shows_drafts_or_scheduled_posts(client, hidden_posts):
    PostFactory(title="Public story")
    text = client.get(reverse("blog:home")).text
    assert "Public story" in text
    for post in hidden_posts:
        assert post.title not in text


def test_home_is_paginated(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    now = timezone.now()
    for days in range(5):
        PostFactory(title=f"Story {days}", published_at=now - timedelta(days=days, hours=1))
    first = client.get(reverse("blog:home"))
    assert [a.text for a in soup(first).select(".card-title a")] == ["Story 0", "Story 1"]
    assert soup(first).select_one('a[rel="next"]')["href"] == "?page=2"
    last = client.get(reverse("blog:home") + "?page=3")
    assert [a.text for a in soup(last).select(".card-title a")] == ["Story 4"]
    canonical = soup(last).select_one('link[rel="canonical"]')["href"]
    assert canonical == "http://testserver/?page=3"
    assert client.get(reverse("blog:home") + "?page=9").status_code == 404


def test_home_with_nothing_published_says_so(client):
    assert "Nothing has been published yet." in client.get(reverse("blog:home")).text


def test_home_query_budget_does_not_grow_with_the_number_of_posts(
    client, django_assert_max_num_queries
):
    category = CategoryFactory()
    for _ in range(8):
        PostFactory().categories.add(category)
    client.get(reverse("blog:home"))  # warms the site settings cache
    with django_assert_max_num_queries(5):
        response = client.get(reverse("blog:home"))
    assert len(soup(response).select("article.card")) == 8


# Post page


@pytest.fixture
def full_post():
    author = UserFactory(username="lhaddad", first_name="Lina", last_name="Haddad")
    post = PostFactory(
        title="Border crossing reopens",
        author=author,
        standfirst="Lorries move again.",
        body="The crossing **reopened** at dawn.",
        source="Threadline wire",
        dateline="AMMAN",
    )
    post.categories.add(CategoryFactory(name="World", slug="world"))
    post.tags.add(TagFactory(name="Trade", slug="trade"))
    return post


def test_post_page_shows_the_article_with_byline_dateline_and_terms(client, full_post):
    response = client.get(full_post.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    article = page.select_one("article.post")
    assert article.h1.text == "Border crossing reopens"
    assert "Lorries move again." in article.select_one(".standfirst").text
    byline = article.select_one(".byline")
    assert "Lina Haddad" in byline.text and "Threadline wire" in byline.text
    assert byline.a["href"] == reverse("blog:author", args=["lhaddad"])
    assert "AMMAN" in article.select_one(".dateline").text
    assert "<strong>reopened</strong>" in str(article.select_one(".post-body"))
    published = article.select_one('time[itemprop="datePublished"]')
    assert published["datetime"] == full_post.published_at.isoformat(timespec="seconds")
    assert page.select_one('a[rel="tag"]')["href"] == reverse("blog:tag", args=["trade"])
    read_more = page.select_one(".read-more a")
    assert read_more.text.strip().startswith("Read more in World")
    assert read_more["href"] == reverse("blog:category", args=["world"])


def test_post_page_marks_an_article_changed_after_publication_as_updated(client, full_post):
    Post.objects.filter(pk=full_post.pk).update(updated_at=full_post.published_at)
    assert "Updated" not in soup(client.get(full_post.get_absolute_url())).select_one(".dates").text
    later = full_post.published_at + timedelta(hours=3)
    Post.objects.filter(pk=full_post.pk).update(updated_at=later)
    dates = soup(client.get(full_post.get_absolute_url())).select_one(".dates")
    assert "Updated" in dates.text
    assert dates.select_one('time[itemprop="dateModified"]')["datetime"] == later.isoformat(
        timespec="seconds"
    )


def test_post_page_is_a_blogposting_wrapping_article_and_comments(client, full_post):
    Post.objects.filter(pk=full_post.pk).update(comment_count=4)
    page = soup(client.get(full_post.get_absolute_url()))
    scope = page.select_one('[itemtype="https://schema.org/BlogPosting"]')
    assert scope.select_one("article.post") is not None
    assert scope.select_one('meta[itemprop="commentCount"]')["content"] == "4"
    assert scope.select_one('[itemprop="headline"]').text == full_post.title
    publisher = scope.select_one('[itemprop="publisher"]')
    assert publisher.select_one('meta[itemprop="name"]')["content"] == "The Threadline"
    assert scope.select_one('[itemprop="author"] [itemprop="name"]').text == "Lina Haddad"
    assert scope.select_one('[itemprop="datePublished"]')["datetime"]
    assert scope.select_one('[itemprop="dateModified"]')


def test_post_page_has_canonical_opengraph_and_twitter_meta(client, full_post, settings):
    settings.SITE_URL = "https://news.example"
    head = soup(client.get(full_post.get_absolute_url())).head
    url = "https://news.example" + full_post.get_absolute_url()
    assert head.select_one('link[rel="canonical"]')["href"] == url
    assert head.select_one('meta[property="og:url"]')["content"] == url
    assert head.select_one('meta[property="og:type"]')["content"] == "article"
    assert head.select_one('meta[property="og:title"]')["content"] == full_post.title
    assert head.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_post_page_links_to_previous_and_next_public_posts(client):
    now = timezone.now()
    older = PostFactory(title="Older", published_at=now - timedelta(days=3))
    PostFactory(title="Draft between", status="draft", published_at=now - timedelta(days=2))
    middle = PostFactory(title="Middle", published_at=now - timedelta(days=1))
    newer = PostFactory(title="Newer", published_at=now - timedelta(hours=1))
    page = soup(client.get(middle.get_absolute_url()))
    assert page.select_one('.post-nav a[rel="prev"]')["href"] == older.get_absolute_url()
    assert page.select_one('.post-nav a[rel="next"]')["href"] == newer.get_absolute_url()


def test_post_page_with_a_cover_uses_a_picture_with_srcset_and_dimensions(client, gps_jpeg_upload):
    post = PostFactory(cover_alt="Lorries at the border")
    post.cover_image.save("c.jpg", gps_jpeg_upload, save=False)
    process_cover(post)
    page = soup(client.get(post.get_absolute_url()))
    picture = page.select_one(".post-cover picture")
    assert picture.source["type"] == "image/webp" and "480w" in picture.source["srcset"]
    image = picture.img
    assert image["alt"] == "Lorries at the border"
    assert image["width"] and image["height"] and image["sizes"]
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"


def test_post_page_query_budget(client, full_post, django_assert_max_num_queries):
    client.get(full_post.get_absolute_url())
    with django_assert_max_num_queries(10):
        client.get(full_post.get_absolute_url())


@pytest.mark.parametrize("index", [0, 1, 2])
def test_hidden_posts_are_a_404_for_visitors(client, hidden_posts, index):
    response = client.get(hidden_posts[index].get_absolute_url())
    assert response.status_code == 404


# Staff preview


def test_staff_can_preview_a_draft(client, hidden_posts):
    client.force_login(StaffFactory())
    response = client.get(hidden_posts[0].get_preview_url())
    assert response.status_code == 200
    assert "Secret draft" in response.text
    assert "this draft is not public" in response.text
    assert soup(response).select_one('meta[name="robots"]')["content"] == "noindex, nofollow"


@pytest.mark.parametrize("logged_in", [False, True])
def test_preview_is_a_404_for_visitors_and_non_staff_users(client, hidden_posts, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    assert client.get(hidden_posts[0].get_preview_url()).status_code == 404


# Sections, tags, authors, archives


def test_category_page_lists_only_its_public_posts(client, hidden_posts):
    world = CategoryFactory(name="World", slug="world", description="From abroad.")
    inside = PostFactory(title="In world")
    inside.categories.add(world)
    PostFactory(title="Elsewhere")
    hidden_posts[1].categories.add(world)
    response = client.get(world.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.text == "World"
    assert "From abroad." in page.select_one(".list-intro").text
    assert [a.text for a in page.select(".card-title a")] == ["In world"]
    feed = page.select_one('link[type="application/rss+xml"][href*="world"]')
    assert feed["href"] == reverse("blog:category_rss", args=["world"])


def test_unknown_category_and_tag_are_404s(client):
    assert client.get(reverse("blog:category", args=["nope"])).status_code == 404
    assert client.get(reverse("blog:tag", args=["nope"])).status_code == 404


def test_tag_page_lists_tagged_public_posts(client):
    tag = TagFactory(name="Trade", slug="trade")
    PostFactory(title="Tagged").tags.add(tag)
    PostFactory(title="Untagged")
    page = soup(client.get(tag.get_absolute_url()))
    assert page.h1.text == "Trade"
    assert [a.text for a in page.select(".card-title a")] == ["Tagged"]


def test_author_page_lists_their_public_posts_under_their_name(client):
    author = UserFactory(username="mrossi", first_name="Marta", last_name="Rossi")
    PostFactory(title="Hers", author=author)
    PostFactory(title="Someone else's")
    page = soup(client.get(reverse("blog:author", args=["mrossi"])))
    assert page.h1.text == "Marta Rossi"
    assert [a.text for a in page.select(".card-title a")] == ["Hers"]


def test_a_user_without_public_posts_has_no_author_page(client):
    author = UserFactory(username="backroom")
    PostFactory(author=author, status="draft", published_at=None)
    assert client.get(reverse("blog:author", args=["backroom"])).status_code == 404


def test_an_author_address_with_a_null_character_is_a_404(client):
    """PostgreSQL refuses NUL in text, so the look-up itself used to fail with a 500."""
    PostFactory(author=UserFactory(username="mrossi"))
    assert client.get("/author/mrossi%00/").status_code == 404


def test_year_and_month_archives_list_that_period_only(client):
    now = timezone.now()
    this_month = PostFactory(title="Recent", published_at=now - timedelta(minutes=5))
    PostFactory(title="Long ago", published_at=now.replace(year=now.year - 2))
    year = client.get(reverse("blog:archive_year", args=[now.year]))
    assert year.status_code == 200
    assert [a.text for a in soup(year).select(".card-title a")] == ["Recent"]
    month = client.get(reverse("blog:archive_month", args=[now.year, now.month]))
    assert [a.text for a in soup(month).select(".card-title a")] == [this_month.title]


def test_archive_of_a_future_month_does_not_show_scheduled_posts(client):
    later = timezone.now() + timedelta(days=40)
    PostFactory(title="Scheduled", status="scheduled", published_at=later)
    response = client.get(reverse("blog:archive_month", args=[later.year, later.month]))
    assert "Scheduled" not in response.text


# Site settings, errors, robots


def test_site_settings_appear_in_header_and_footer(client):
    site = SiteSettings.load()
    site.site_name, site.tagline, site.about = "Daily Ledger", "News that lasts", "About us."
    site.save()
    SocialLink.objects.create(settings=site, network="youtube", url="https://youtube.com/@x")
    page = soup(client.get(reverse("blog:home")))
    assert page.select_one(".site-name").text == "Daily Ledger"
    assert page.select_one(".tagline").text == "News that lasts"
    footer = page.select_one("footer.site-footer")
    assert "About us." in footer.text
    assert footer.select_one('a[href="https://youtube.com/@x"]').text == "YouTube"
    assert footer.select_one(f'a[href="{reverse("blog:rss")}"]') is not None


def test_site_settings_are_cached_between_requests(client, django_assert_num_queries):
    PostFactory()
    client.get(reverse("blog:home"))
    with django_assert_num_queries(0):
        site_context()


def test_page_has_landmarks_and_a_skip_link(client):
    page = soup(client.get(reverse("blog:home")))
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.select_one("main#main") and page.header and page.footer and page.nav
    assert page.html["lang"] == "en"


def test_unknown_address_gets_the_friendly_404_page(client):
    CategoryFactory(name="Culture")
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = soup(response)
    assert page.h1.text == "We can’t find that page"
    assert page.select_one(".error-page a.button")["href"] == reverse("blog:home")
    assert "Culture" in page.select_one(".error-page").text


def test_server_error_page_renders_without_the_database(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://news.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://news.example/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text
