"""The post page's query budget: the same at 10 comments and at 2,000 (issue 11).

Cold (every cache empty: the whole-page cache, the thread cache, the site's and the
moderation settings) the page costs at most six queries: the post with its neighbours' links
(read once, for the whole-page cache's key and for the view), its categories and tags with
the site's settings, links and menu (one UNION ALL), the moderation settings row, and the
comment section's page of threads, their comments and the featured list. Warm, a reader
without a session gets the stored page for one query (tests/blog/test_page_cache.py); with
the whole-page cache off, the page beside its comments costs two.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, SiteSettings, SocialLink, load_terms
from blog.site import site_context, site_context_and_terms
from moderation.models import ModerationSettings
from tests.factories import CategoryFactory, PostFactory, TagFactory, make_forest

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 6  # issue 11: at most 6 queries for the whole post page, cold
OUTSIDE_COMMENTS_BUDGET = 2
# The CSRF token and the form's time stamp, drawn for each request.
PER_REQUEST = re.compile(r'name="(csrfmiddlewaretoken|rendered)" value="[^"]*"')


@pytest.fixture(autouse=True)
def _the_sites_policy(settings):
    # The project's own policy: it reads the moderation settings on every post page.
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    # The page as it is drawn: readers without a session get it whole from the cache in one
    # query (blog/page_cache.py, tests/blog/test_page_cache.py); the cold tests turn it on.
    settings.POST_PAGE_CACHE_SECONDS = 0


def _post_with_neighbours_and_terms():
    now = timezone.now()
    PostFactory(title="Before", published_at=now - timedelta(days=2))
    post = PostFactory(title="The story", published_at=now - timedelta(days=1))
    PostFactory(title="After", published_at=now - timedelta(hours=1))
    post.categories.add(CategoryFactory(name="World"), CategoryFactory(name="Europe"))
    post.tags.add(TagFactory(name="trains"), TagFactory(name="borders"))
    return post


def _warm_get(client, url):
    client.get(url)  # fills the caches (site settings, moderation settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def _outside_comments(sql):
    return [query for query in sql if '"comments_comment"' not in query]


@pytest.mark.parametrize("comments", [10, 2000])
def test_the_post_page_costs_the_same_few_queries_at_any_size(client, comments):
    post = _post_with_neighbours_and_terms()
    make_forest(post, comments)
    response, sql = _warm_get(client, post.get_absolute_url())
    assert len(sql) <= PAGE_BUDGET, sql
    assert len(_outside_comments(sql)) <= OUTSIDE_COMMENTS_BUDGET, sql
    html = response.content.decode()
    assert "Previous story</span> Before" in html and "Next story</span> After" in html
    assert html.index(">Europe<") < html.index(">World<")
    assert html.index(">borders<") < html.index(">trains<")


def _cold_get(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(
    "comments, shape",
    [
        (10, {}),
        (2000, {}),
        # Ten busy threads, deep and long: the page folds them and draws 60-odd comments.
        (2000, {"threads": 10, "max_level": 40}),
    ],
)
def test_a_cold_page_costs_six_queries_at_any_size(client, settings, comments, shape):
    settings.POST_PAGE_CACHE_SECONDS = 60
    post = _post_with_neighbours_and_terms()
    make_forest(post, comments, **shape)
    SiteSettings.load(), ModerationSettings.load()  # the rows exist, as on any real site
    response, sql = _cold_get(client, post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert len(sql) <= PAGE_BUDGET, sql
    posts = [query for query in sql if query.startswith('SELECT "blog_post"."id"')]
    assert len(posts) == 1, posts
    assert "Previous story</span> Before" in response.text
    # The same page as one drawn without the whole-page cache (the post read twice).
    settings.POST_PAGE_CACHE_SECONDS = 0
    fresh = _cold_get(Client(), post.get_absolute_url())[0]
    assert PER_REQUEST.sub("", response.text) == PER_REQUEST.sub("", fresh.text)


def test_the_site_context_is_one_query_and_with_a_posts_terms_still_one(
    django_assert_num_queries,
):
    post = _post_with_neighbours_and_terms()
    site = SiteSettings.load()
    SocialLink.objects.create(settings=site, network="x", url="https://x.example/b", position=2)
    SocialLink.objects.create(settings=site, network="rss", url="https://r.example/", position=1)
    SocialLink.objects.create(
        settings=site, network="mastodon", url="https://m.example/", position=2
    )
    cache.clear()
    with django_assert_num_queries(1):
        context = site_context()
    assert context["site"].site_name == site.site_name
    assert [link.network for link in context["social_links"]] == ["rss", "x", "mastodon"]
    assert [c.name for c in context["nav_categories"]] == ["Europe", "World"]
    assert context["social_links"][0].get_network_display() == "RSS feed"
    cache.clear()
    with django_assert_num_queries(1):
        assert site_context_and_terms([post])["nav_categories"] == context["nav_categories"]
    with django_assert_num_queries(0):
        assert [c.name for c in post.categories.all()] == ["Europe", "World"]
        assert [t.name for t in post.tags.all()] == ["borders", "trains"]
        site_context()
    with django_assert_num_queries(1):  # the site context from the cache: the terms alone
        site_context_and_terms([post])


def test_the_neighbours_of_a_post_come_in_one_query_when_not_annotated(
    django_assert_num_queries,
):
    now = timezone.now()
    older = PostFactory(published_at=now - timedelta(days=3))
    PostFactory(status=Post.Status.DRAFT, published_at=now - timedelta(days=2))
    current = PostFactory(published_at=now - timedelta(days=1))
    PostFactory(status=Post.Status.SCHEDULED, published_at=now + timedelta(days=1))
    with django_assert_num_queries(1):
        previous, following = current.adjacent()
    assert (previous.slug, previous.title) == (older.slug, older.title)
    assert following is None
    annotated = Post.objects.with_neighbours().get(pk=older.pk)
    with django_assert_num_queries(0):
        previous, following = annotated.adjacent()
    assert previous is None and following.get_absolute_url() == current.get_absolute_url()


def test_terms_of_several_posts_load_in_one_query(django_assert_num_queries):
    first, second, bare = PostFactory(), PostFactory(), PostFactory()
    first.categories.add(CategoryFactory(name="b"), CategoryFactory(name="a"))
    first.tags.add(TagFactory(name="z"))
    second.tags.add(TagFactory(name="y"), TagFactory(name="x"))
    posts = list(Post.objects.filter(pk__in=[first.pk, second.pk, bare.pk]).order_by("pk"))
    with django_assert_num_queries(1):
        load_terms(posts)
    with django_assert_num_queries(0):
        assert [c.name for c in posts[0].categories.all()] == ["a", "b"]
        assert [t.name for t in posts[0].tags.all()] == ["z"]
        assert list(posts[1].categories.all()) == []
        assert [t.name for t in posts[1].tags.all()] == ["x", "y"]
        assert list(posts[2].tags.all()) == list(posts[2].categories.all()) == []
    assert posts[0].primary_category.name == "a"
