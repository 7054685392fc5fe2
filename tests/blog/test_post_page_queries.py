"""The post page's query budget: the same at 10 comments and at 2,000 (issue 11).

The page beside its comments costs the post (its neighbours' links come with it, Post.adjacent)
and one query for its categories and tags together (load_terms); the moderation settings come
from the cache. The comment section takes its own few (comments/pages.py and the featured
list), none of which grows with the discussion.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, load_terms
from tests.factories import CategoryFactory, PostFactory, TagFactory, make_forest

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 6  # issue 11: at most 6 queries for the whole post page
OUTSIDE_COMMENTS_BUDGET = 2


@pytest.fixture(autouse=True)
def _the_sites_policy(settings):
    # The project's own policy: it reads the moderation settings on every post page.
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    # The page as it is drawn: readers without a session get it whole from the cache in one
    # query (blog/page_cache.py, tests/blog/test_page_cache.py).
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


def test_a_cold_start_adds_only_the_cached_settings(client):
    post = _post_with_neighbours_and_terms()
    make_forest(post, 10)
    url = post.get_absolute_url()
    _, warm = _warm_get(client, url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # The site settings with their links and menu (blog/site.py: 3) and the moderation
    # settings row (1), each read once and then cached for every later view; and the comment
    # section's two cached reads (the page of threads, the featured list: 2).
    assert len(queries) <= len(warm) + 6, [query["sql"] for query in queries.captured_queries]


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
