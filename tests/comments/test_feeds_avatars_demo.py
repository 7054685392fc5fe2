"""Comment feeds, identicon avatars and the demo discussions."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post
from comments.avatars import avatar_key, avatar_url, draw_identicon
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_the_site_feed_lists_approved_comments_on_published_posts_only(client):
    post = PostFactory(title="Open post")
    CommentFactory(post=post, name="Visible", body="Shown in the feed")
    CommentFactory(post=post, name="Held", status="pending", body="held text")
    CommentFactory(post=post, status="removed", body="removed text")
    CommentFactory(post=PostFactory(status="draft", published_at=None), body="draft text")
    response = client.get(reverse("comments:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = response.content.decode()
    assert "Shown in the feed" in feed and "Visible on “Open post”" in feed
    for hidden in ("held text", "removed text", "draft text"):
        assert hidden not in feed


def test_the_post_feed_lists_that_posts_approved_comments(client):
    post, other = PostFactory(), PostFactory()
    mine = CommentFactory(post=post, body="On this post")
    CommentFactory(post=other, body="On another post")
    response = client.get(reverse("comments:post_feed", args=[post.slug]))
    feed = response.content.decode()
    assert "On this post" in feed and "On another post" not in feed
    assert reverse("comments:permalink", args=[mine.pk]) in feed


def test_the_feed_of_a_draft_post_is_a_404(client):
    draft = PostFactory(status="draft", published_at=None)
    assert client.get(reverse("comments:post_feed", args=[draft.slug])).status_code == 404


def test_the_post_page_links_its_comment_feed(client):
    post = PostFactory()
    assert (
        reverse("comments:post_feed", args=[post.slug]) in client.get(post.get_absolute_url()).text
    )


def test_an_avatar_is_the_same_picture_for_the_same_address():
    assert avatar_key("Ana@Example.com ") == avatar_key("ana@example.com")
    assert avatar_key("ana@example.com") != avatar_key("bob@example.com")
    assert draw_identicon("abc") == draw_identicon("abc")
    assert draw_identicon("abc") != draw_identicon("abd")


def test_the_avatar_address_is_the_reversed_route_under_any_script_prefix():
    from django.urls import set_script_prefix

    from comments.avatars import key_signature

    def reversed_route(email):
        key = avatar_key(email)
        return reverse("comments:avatar", kwargs={"key": key, "signature": key_signature(key)})

    for email in ("ana@example.com", "zoë@example.com", ""):
        assert avatar_url(email) == reversed_route(email)
    set_script_prefix("/blog/")
    try:
        assert avatar_url("ana@example.com").startswith("/blog/")
        assert avatar_url("ana@example.com") == reversed_route("ana@example.com")
    finally:
        set_script_prefix("/")
    assert not avatar_url("ana@example.com").startswith("/blog/")


def test_the_avatar_url_does_not_reveal_a_plain_hash_of_the_address():
    import hashlib

    url = avatar_url("ana@example.com")
    assert hashlib.md5(b"ana@example.com").hexdigest()[:20] not in url  # noqa: S324
    assert hashlib.sha256(b"ana@example.com").hexdigest()[:20] not in url


def test_avatar_keys_and_signatures_stay_those_already_handed_out(settings):
    # Stored fragments and browsers' caches hold addresses made with Django's salted_hmac()
    # SHA-1 default; a Django upgrade that changes the default must not change them.
    import hashlib
    import hmac

    from comments.avatars import key_signature

    def sha1_hmac(salt, value):
        key = hashlib.sha1((salt + settings.SECRET_KEY).encode()).digest()  # noqa: S324
        return hmac.new(key, value.encode(), hashlib.sha1).hexdigest()

    settings.SECRET_KEY = "a-fixed-secret-for-this-test-0123456789-abcdefghijklmnop"
    avatar_key.cache_clear()
    key_signature.cache_clear()
    try:
        key = avatar_key(" Ana@Example.com ")
        assert key == sha1_hmac("comments.avatar", "ana@example.com")[:20]
        assert key_signature(key) == sha1_hmac("comments.avatar-url", key)[:12]
    finally:
        avatar_key.cache_clear()
        key_signature.cache_clear()


def test_the_avatar_view_serves_a_cacheable_png(client):
    url = avatar_url("ana@example.com")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "max-age=31536000" in response["Cache-Control"]
    assert client.get("/comments/avatar/not-a-key.png").status_code == 404


def test_demo_comments_are_threaded_varied_and_idempotent():
    author = PostFactory().author
    big = PostFactory(slug="night-trains-return", author=author)
    small = PostFactory(author=author)
    call_command("load_demo_comments", size=120, verbosity=0)
    comments = Comment.objects.filter(post=big)
    assert comments.count() >= 120
    assert max(comments.values_list("level", flat=True)) == 4  # depth 5
    assert comments.filter(status="pending").exists()
    assert comments.filter(status="removed").exists()
    assert comments.filter(name="").exists()
    assert any("<ol>" in comment.body_html for comment in comments)
    assert any("</p><p>" in comment.body_html for comment in comments)
    assert comments.filter(name__regex=r"[^\x00-\x7f]").exists()
    assert comments.filter(body__contains="“").exists()
    assert Comment.objects.filter(post=small).exists()
    assert find_tree_problems() == []
    counts = dict(Post.objects.values_list("pk", "comment_count"))
    assert counts[big.pk] == comments.filter(status="approved").count()
    before = Comment.objects.count()
    call_command("load_demo_comments", size=120, verbosity=0)
    assert Comment.objects.count() == before


def test_a_demo_discussion_whose_recent_comments_are_all_at_the_cap_starts_a_new_thread():
    """Replies go under the last 40 comments; when every one of them was at the depth cap
    (long discussions, shallow caps), the next comment used to crash the command."""
    import random

    from comments.management.commands.load_demo_comments import build_discussion

    post = PostFactory()
    assert build_discussion(post, random.Random(3), size=300, max_level=1) == 301  # one held
    levels = set(Comment.objects.filter(post=post).values_list("level", flat=True))
    assert levels == {0, 1}
    assert find_tree_problems() == []


def test_demo_comments_without_posts_explain_what_to_run(capsys):
    call_command("load_demo_comments")
    assert "load_demo" in capsys.readouterr().out


def test_a_control_character_in_a_stored_name_does_not_break_the_feeds(client):
    """XML 1.0 cannot carry control characters; one such name used to make both feeds 500."""
    post = PostFactory(title="Open post")
    CommentFactory(post=post, name="Bob\x0bby\x1b", body="Shown in the feed")
    for url in (reverse("comments:feed"), reverse("comments:post_feed", args=[post.slug])):
        response = client.get(url)
        assert response.status_code == 200
        assert "Bobby on “Open post”" in response.content.decode()


def test_a_post_title_pasted_with_a_control_character_does_not_break_its_comment_feed(client):
    post = PostFactory(title="Budget\x0btalks")
    CommentFactory(post=post, body="Shown in the feed")
    response = client.get(reverse("comments:post_feed", args=[post.slug]))
    assert response.status_code == 200
    assert "Comments on “Budgettalks”" in response.content.decode()


def test_control_characters_are_dropped_from_a_posted_name(client, post, post_url, guest_data):
    response = client.post(post_url, {**guest_data, "name": "Bob\x0bby\x1b\x7f"})
    assert response.status_code == 302
    assert Comment.objects.get().name == "Bobby"
    assert client.get(reverse("comments:feed")).status_code == 200
