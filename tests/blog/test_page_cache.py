"""The post page kept whole for readers without a session (blog/page_cache.py)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, SiteSettings
from blog.site import clear_site_cache
from comments.models import Comment
from comments.posting import change_status, change_text, like_comment
from comments.viewer import DETAILS_COOKIE, OWN_COOKIE, TOKEN_COOKIE
from moderation.models import ModerationSettings
from tests.factories import CategoryFactory, CommentFactory, PostFactory, submit_comment

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="rendered" value="([^"]+)"')


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _without_per_request_values(text):
    return STAMP.sub("", CSRF.sub("", text))


@pytest.fixture
def post():
    post = PostFactory(title="Night trains return")
    CommentFactory(post=post, stored=True, body="The first word.")
    SiteSettings.load(), ModerationSettings.load()  # their rows made (a site change)
    return post


def test_a_second_reader_gets_the_stored_page_with_values_of_their_own(post):
    url = post.get_absolute_url()
    first = _page(Client(), url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = _page(Client(), url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 1  # the post's stamps; the page and the site stamp are cached
    assert _without_per_request_values(second.text) == _without_per_request_values(first.text)
    assert CSRF.search(second.text)[1] != CSRF.search(first.text)[1]
    assert STAMP.search(second.text)[1] != STAMP.search(first.text)[1]
    assert "csrftoken" in second.cookies and "Cookie" in second["Vary"]


def test_a_miss_reads_the_post_once_for_the_key_and_the_page(post):
    with CaptureQueriesContext(connection) as queries:
        response = _page(Client(), post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "blog_post"."id"')]
    assert len(reads) == 1, reads


def test_other_pages_pass_through_untouched(post):
    response = _page(Client(), "/")
    assert "X-Page-Cache" not in response
    assert Client().get("/no-such-page/").status_code == 404


def test_a_comment_posted_from_a_stored_page_is_accepted_and_shows_at_once(post):
    settings_row = ModerationSettings.load()
    settings_row.min_seconds = 0
    settings_row.hold_first_time = False
    settings_row.save()
    url = post.get_absolute_url()
    _page(Client(), url)
    reader = Client(enforce_csrf_checks=True)
    page = _page(reader, url)
    assert page["X-Page-Cache"] == "hit"
    answer = reader.post(
        f"/comments/post/{post.pk}/",
        {
            "name": "Zoë Marsh",
            "email": "zoe@example.com",
            "url": "",
            "body": "Posted from the stored page.",
            "parent": "",
            "homepage": "",
            "rendered": STAMP.search(page.text)[1],
            "csrfmiddlewaretoken": CSRF.search(page.text)[1],
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    assert Comment.objects.filter(body="Posted from the stored page.", status="approved").exists()
    fresh = _page(Client(), url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Posted from the stored page." in fresh.text


def test_every_change_to_the_discussion_shows_at_once(post):
    moderation = ModerationSettings.load()
    moderation.hold_first_time = False
    moderation.save()
    url = post.get_absolute_url()
    comment = Comment.objects.get(post=post)
    _page(Client(), url)
    assert _page(Client(), url)["X-Page-Cache"] == "hit"
    change_text(comment, "A corrected word.")
    assert "A corrected word." in _page(Client(), url).text
    like_comment(comment, voter="reader-1", ip_address="192.0.2.1")
    assert "1 like<" in _page(Client(), url).text
    submit_comment(post, parent=comment, name="Ben", body="An answer.", email="b@example.com")
    assert Comment.objects.get(body="An answer.").status == "approved"
    assert "An answer." in _page(Client(), url).text
    change_status(Comment.objects.filter(body="An answer."), "removed")
    assert "An answer." not in _page(Client(), url).text


def test_a_change_to_the_site_shows_at_once(post):
    url = post.get_absolute_url()
    category = CategoryFactory(name="World")
    post.categories.add(category)
    assert "World" in _page(Client(), url).text
    category.name = "Elsewhere"
    category.save()
    assert "Elsewhere" in _page(Client(), url).text
    site = SiteSettings.load()
    site.site_name = "The Night Paper"
    site.save()
    clear_site_cache()  # as the admin does (blog/site.py)
    assert "The Night Paper" in _page(Client(), url).text
    post.title = "Night trains are back"
    post.save()
    assert "Night trains are back" in _page(Client(), url).text
    Post.objects.filter(pk=post.pk).unpublish()
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize(
    "cookie", ["sessionid", "messages", TOKEN_COOKIE, OWN_COOKIE, DETAILS_COOKIE]
)
def test_a_reader_with_a_page_of_their_own_never_gets_the_stored_one(post, cookie):
    url = post.get_absolute_url()
    _page(Client(), url)
    reader = Client()
    reader.cookies[cookie] = "anything"
    assert "X-Page-Cache" not in _page(reader, url)


def test_a_signed_in_reader_and_a_poster_of_a_held_comment_see_their_own_page(post, admin_user):
    url = post.get_absolute_url()
    _page(Client(), url)
    staff = Client()
    staff.force_login(admin_user)
    page = _page(staff, url)
    assert "X-Page-Cache" not in page and "Edit in admin" in page.text
    assert "Edit in admin" not in _page(Client(), url).text


def test_only_the_comment_pages_and_orders_are_stored(post):
    url = post.get_absolute_url()
    for query in ("?cpage=1", "?corder=newest"):
        _page(Client(), url + query)
        assert _page(Client(), url + query)["X-Page-Cache"] == "hit"
    comment = Comment.objects.get(post=post)
    replying = _page(Client(), f"{url}?replyto={comment.pk}")
    assert "X-Page-Cache" not in replying and "Replying to" in replying.text


def test_a_discussion_that_closes_soon_is_kept_no_longer(post, settings):
    from blog.page_cache import _lifetime

    now = timezone.now()
    closing = Post(comments_close_at=now + timedelta(seconds=20), published_at=now)
    assert _lifetime(closing, now) == 20
    plain = Post(comments_close_at=None, published_at=now - timedelta(days=1))
    assert _lifetime(plain, now) == settings.POST_PAGE_CACHE_SECONDS
    # The site's rule closes discussions a number of days after publication: the policy's
    # closes_at(), which its comments_open() applies too.
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    moderation = ModerationSettings.load()
    moderation.close_after_days = 1
    moderation.save()
    day_old = Post(published_at=now - timedelta(days=1) + timedelta(seconds=30))
    assert _lifetime(day_old, now) == 30
    settings.POST_PAGE_CACHE_SECONDS = 0
    _page(Client(), post.get_absolute_url())
    assert "X-Page-Cache" not in _page(Client(), post.get_absolute_url())
    cache.clear()


def test_the_per_request_values_are_marked_wherever_they_are_and_nowhere_else():
    from blog.page_cache import CSRF_MARK, CSRF_VALUE, STAMP_MARK, STAMP_VALUE, _marked

    page = b"<p>a</p>" + CSRF_VALUE + b'one"><i>' + STAMP_VALUE + b'"><b>' + CSRF_VALUE + b'two">'
    marks = {CSRF_VALUE: CSRF_MARK, STAMP_VALUE: STAMP_MARK}
    assert _marked(page, marks) == (
        b"<p>a</p>"
        + CSRF_VALUE
        + CSRF_MARK
        + b'"><i>'
        + STAMP_VALUE
        + STAMP_MARK
        + b'"><b>'
        + CSRF_VALUE
        + CSRF_MARK
        + b'">'
    )
    assert _marked(b"<p>nothing here</p>", marks) == b"<p>nothing here</p>"


def test_a_comment_quoting_the_form_fields_is_kept_as_written(post):
    """A comment's text may hold quotes as they are (the formatter leaves them), never a
    "<": the values drawn per request are found by the tags around them, so the text stays
    as its author wrote it."""
    text = 'Paste this: name="csrfmiddlewaretoken" value="abc" and name="rendered" value="x"'
    CommentFactory(post=post, stored=True, body=text)
    url = post.get_absolute_url()
    first = _page(Client(), url)
    second = _page(Client(), url)
    assert second["X-Page-Cache"] == "hit"
    assert text in first.text and text in second.text
    assert len(CSRF.findall(second.text)) == len(CSRF.findall(first.text))
