"""Two app servers on two ports share one PostgreSQL and one Redis, as two machines would.

Whatever happens through one server is what the other shows, on its very next request: a
reply, a moderation decision (page, permalink, feed and counts), a signed-in session.
"""

import os
import re

import pytest

pytestmark = pytest.mark.deploy

POST = "/posts/two-servers/"


@pytest.fixture
def servers(site, redis_cache_url):
    return site.start(redis_cache_url), site.start(redis_cache_url)


@pytest.fixture(autouse=True)
def _postgres_only():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        pytest.skip("needs DATABASE_URL=postgres://... (CI runs it on PostgreSQL)")


def _comment_count(html):
    return int(re.search(r'itemprop="commentCount" content="(\d+)"', html).group(1))


def test_a_session_made_on_one_server_is_valid_on_the_other(servers, visitor):
    first, second = servers
    editor = visitor()
    editor.sign_in(first)
    assert editor.get(second, "/admin/").status_code == 200
    assert visitor().get(second, "/admin/").status_code == 302  # a stranger is sent to log in


def test_a_reply_and_its_moderation_on_one_server_show_on_the_other_at_once(servers, visitor):
    first, second = servers
    reader = visitor()
    page = reader.get(first, POST).text
    parent_pk = re.search(r'id="comment-(\d+)"', page).group(1)
    assert _comment_count(page) == 1

    body = "A reply sent through the first server."
    response = reader.submit(
        first,
        f"{POST}?replyto={parent_pk}",
        "form.comment-form",
        {"name": "Grace", "email": "grace@example.com", "body": body},
    )
    assert response.status_code == 302, response.text[:2000]
    reply_pk = re.search(r"#comment-(\d+)", response.headers["Location"]).group(1)

    on_second = visitor().get(second, POST).text
    assert body in on_second and _comment_count(on_second) == 2
    assert visitor().get(second, f"/comments/{reply_pk}/").status_code == 302
    assert body in visitor().get(second, "/comments/feed/").text
    assert body in visitor().get(second, "/comments/feed/two-servers/").text
    assert "2 comments" in visitor().get(second, "/").text

    moderator = visitor()
    moderator.sign_in(second)
    response = moderator.submit(
        second,
        "/admin/comments/comment/?status=all",
        "#changelist-form",
        {"action": "mark_spam", "_selected_action": reply_pk, "index": "0"},
    )
    assert response.status_code == 302, response.text[:2000]

    on_first = visitor().get(first, POST).text
    assert body not in on_first and _comment_count(on_first) == 1
    assert visitor().get(first, f"/comments/{reply_pk}/").status_code == 404
    assert body not in visitor().get(first, "/comments/feed/").text
    assert body not in visitor().get(first, "/comments/feed/two-servers/").text
    assert "1 comment<" in visitor().get(first, "/").text
