import pytest

CSRF_TOKEN = "a" * 32


@pytest.fixture
def csrf_client(client):
    """A client that keeps Django's CSRF check on and holds a CSRF cookie, as a browser would.

    The token is sent back in each form as csrfmiddlewaretoken; tests that want a CSRF
    failure leave it out.
    """
    client.handler.enforce_csrf_checks = True
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


@pytest.fixture
def post_endpoints(db):
    """Every form a visitor can send: a comment, a report, the admin login."""
    from django.urls import reverse

    from tests.factories import CommentFactory, PostFactory

    post = PostFactory()
    comment = CommentFactory(stored=True, post=post)
    return {
        "comment": reverse("comments:post", args=[post.pk]),
        "report": reverse("moderation:report", args=[comment.pk]),
        "admin login": reverse("admin:login"),
    }
