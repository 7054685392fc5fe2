"""A hostile corpus: what an attacker types into every field a person can fill in.

Each case must end in a clear 4xx or in inert output (no script, no event handler, no
javascript:/data: link), never a 5xx, and must not change anything already stored.
"""

import time
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from blog.models import Category, Post, Tag
from comments.forms import new_stamp
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, StaffFactory, stored_html

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<scr<script>ipt>alert(1)</script>",
    "javascript:alert(1)",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "\u202eevil\u202c <b onmouseover=alert(1)>x</b>",
]
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    'https://example.com/"><script>alert(1)</script>',
    "//evil.example/%2F..",
]


def _assert_inert(html):
    """No scripts but the site's own, no event handlers, no link other than web links."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in {"iframe", "object", "embed", "math", "style", "base"}, tag
        if tag.name == "script":  # only the site's own files
            assert tag.get("src", "").startswith("/static/") and not tag.string, tag
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in {"href", "src", "action", "data"}:
                text = " ".join(value) if isinstance(value, list) else value
                scheme = urlsplit(text.strip().lower()).scheme
                assert scheme in {"", "http", "https", "mailto"}, tag


def _form(**fields):
    return {
        "name": "Reader",
        "email": "reader@example.com",
        "url": "",
        "body": "A fine comment.",
        "parent": "",
        "homepage": "",
        "rendered": new_stamp(now=time.time() - 30),
        **fields,
    }


def _post_and_read(client, post, **fields):
    response = client.post(reverse("comments:post", args=[post.pk]), _form(**fields))
    assert response.status_code < 500
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    section = page.text.split('id="comments"')[1]
    _assert_inert(section.split('id="respond"')[0])
    return response


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("field", ["name", "body"])
def test_markup_typed_into_a_comment_is_shown_as_text(client, field, payload):
    post = PostFactory()
    _post_and_read(client, post, **{field: payload})
    for comment in Comment.objects.all():
        _assert_inert(stored_html(comment))
        _assert_inert(comment.body_html)


@pytest.mark.parametrize("url", BAD_URLS + XSS[:6])
def test_a_hostile_website_address_is_refused_or_never_linked(client, url):
    post = PostFactory()
    response = _post_and_read(client, post, url=url)
    assert response.status_code in (302, 400)
    for comment in Comment.objects.all():
        links = BeautifulSoup(stored_html(comment), "html.parser").select(".comment-author a")
        assert all(a["href"].startswith(("http://", "https://")) for a in links)


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("field", ["title", "standfirst", "body"])
def test_markup_in_a_post_is_inert_on_every_page_that_shows_it(client, field, payload):
    post = PostFactory(**{field: payload}, slug="hostile")
    for url in [post.get_absolute_url(), reverse("blog:home")]:
        response = client.get(url)
        assert response.status_code == 200
        main = response.text.split("<main")[1].split("</main>")[0]
        _assert_inert(main.split(">", 1)[1])


@pytest.mark.parametrize("payload", XSS[:9])
def test_markup_in_category_and_tag_names_is_inert(client, payload):
    category = Category.objects.create(name=payload, slug="c")
    tag = Tag.objects.create(name=payload, slug="t")
    post = PostFactory()
    post.categories.add(category)
    post.tags.add(tag)
    for url in [post.get_absolute_url(), category.get_absolute_url(), tag.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        _assert_inert(response.text.split("<main")[1].split("</main>")[0].split(">", 1)[1])


@pytest.mark.parametrize(
    "parent",
    ["-1", "0", "99999999999999999999", "1.5", "1e3", "abc", "%00", "1 OR 1=1", "[]", " 7 "],
)
def test_a_forged_parent_id_is_a_clear_400_and_stores_nothing(client, parent):
    post = PostFactory()
    kept = CommentFactory(post=post)
    response = client.post(reverse("comments:post", args=[post.pk]), _form(parent=parent))
    assert response.status_code == 400
    assert list(Comment.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("status", ["pending", "spam", "removed", "elsewhere"])
def test_replying_to_a_comment_a_reader_cannot_see_stores_nothing(client, status):
    post = PostFactory()
    parent = CommentFactory(post=PostFactory() if status == "elsewhere" else post)
    if status != "elsewhere":
        Comment.objects.filter(pk=parent.pk).update(status=status)
    response = client.post(reverse("comments:post", args=[post.pk]), _form(parent=parent.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "forged",
    [
        {"status": "approved"},
        {"ip_address": "203.0.113.99"},
        {"user": "1"},
        {"user_id": "1"},
        {"html": "<script>alert(1)</script>"},
        {"body_html": "<script>alert(1)</script>"},
        {"post": "999"},
        {"identity_verified": "1"},
        {"moderation_reasons": "[]"},
        {"created_at": "2000-01-01"},
    ],
)
def test_fields_the_form_does_not_have_are_ignored(client, forged, settings):
    settings.COMMENTS_POLICY = "comments.policy.HoldAll"
    staff = StaffFactory()
    post = PostFactory()
    client.post(reverse("comments:post", args=[post.pk]), _form(**forged), REMOTE_ADDR="192.0.2.1")
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert comment.ip_address == "192.0.2.1"
    assert comment.user_id is None and comment.user_id != staff.pk
    assert comment.post_id == post.pk
    assert "<script" not in stored_html(comment)
    assert comment.identity_verified is False
    assert comment.created_at.year > 2000


@pytest.mark.parametrize("field", ["name", "email", "url", "body"])
def test_a_nul_byte_in_any_field_is_a_400(client, field):
    post = PostFactory()
    value = {"email": "a\x00@example.com", "url": "https://a\x00.example"}.get(field, "a\x00b")
    response = client.post(reverse("comments:post", args=[post.pk]), _form(**{field: value}))
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head"])
def test_the_posting_address_takes_only_post(client, method):
    post = PostFactory()
    response = getattr(client, method)(reverse("comments:post", args=[post.pk]))
    assert response.status_code == 405
    assert not Comment.objects.exists()


@pytest.mark.parametrize("token", [None, "", "x" * 64, "forged-token-value"])
def test_a_missing_or_wrong_csrf_token_is_a_403(token):
    post = PostFactory()
    client = Client(enforce_csrf_checks=True)
    client.get(post.get_absolute_url())
    data = _form()
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    response = client.post(reverse("comments:post", args=[post.pk]), data)
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "ADM1N",
        "\u0410dmin",  # a Cyrillic А
        "A d m i n",
        "Ad\u202emin",  # a right-to-left override inside
        "Moderator",
        "M0derat0r",
        "Ada Writer",  # the post's author
        "Ada  Wr1ter",
        "adawriter",
    ],
)
def test_a_guest_named_like_staff_a_role_or_the_author_is_held(client, name, settings):
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    post = PostFactory(
        author__first_name="Ada", author__last_name="Writer", author__username="adawriter"
    )
    CommentFactory(post=post, name=name, email="x@example.com")  # known, so only this rule holds
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"hold_first_time": False})
    client.post(reverse("comments:post", args=[post.pk]), _form(name=name, email="x@example.com"))
    comment = Comment.objects.latest("pk")
    assert comment.status == "pending"
    assert "impersonation" in comment.moderation_codes


def test_an_ordinary_name_is_not_taken_for_impersonation(client, settings):
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"hold_first_time": False})
    post = PostFactory(author__first_name="Ada", author__last_name="Writer")
    client.post(reverse("comments:post", args=[post.pk]), _form(name="Adam Wright"))
    assert Comment.objects.get().status == "approved"


def test_nothing_already_stored_changes_after_the_whole_corpus(client):
    post = PostFactory()
    kept = CommentFactory(post=post, stored=True)
    before = Comment.objects.filter(pk=kept.pk).values().get()
    for payload in XSS + BAD_URLS:
        client.post(
            reverse("comments:post", args=[post.pk]),
            _form(parent=kept.pk, body=payload, url=payload, name=payload[:80]),
        )
    after = Comment.objects.filter(pk=kept.pk).values().get()
    after.pop("rght"), before.pop("rght")  # replies were added under it
    assert after == before
    assert Post.objects.get(pk=post.pk).comment_count == Comment.objects.public().count()


@pytest.mark.parametrize("kind", ["missing", "pending", "spam", "removed", "draft-post"])
def test_permalink_report_and_feed_answer_alike_for_comments_a_reader_cannot_see(client, kind):
    """No oracle: whatever became of a comment a reader cannot see, the answers are the same."""
    post = PostFactory()
    comment = CommentFactory(post=post, body="Hidden words")
    if kind == "missing":
        pk = comment.pk + 1000
        Comment.objects.filter(pk=comment.pk).update(status="removed")
    else:
        pk = comment.pk
        if kind == "draft-post":
            Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
        else:
            Comment.objects.filter(pk=pk).update(status=kind)
    assert client.get(reverse("comments:permalink", args=[pk])).status_code == 404
    assert client.get(reverse("moderation:report", args=[pk])).status_code == 404
    assert (
        client.post(reverse("moderation:report", args=[pk]), {"reason": "spam"}).status_code == 404
    )
    feed = client.get(reverse("comments:feed"))
    assert "Hidden words" not in feed.text
