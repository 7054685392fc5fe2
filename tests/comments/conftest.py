import pytest
from django.urls import reverse

from tests.factories import CommentFactory, PostFactory


@pytest.fixture
def whole_discussion(settings):
    """The whole discussion on one page, nothing folded (as the benchmark shows it)."""
    settings.COMMENTS_THREADS_PER_PAGE = 10_000
    settings.COMMENTS_FOLD_DEPTH = 0
    settings.COMMENTS_FOLD_REPLIES = 0
    settings.COMMENTS_PAGE_COMMENTS = 0


@pytest.fixture
def post(db):
    return PostFactory(title="Night trains return")


@pytest.fixture
def post_url(post):
    return reverse("comments:post", args=[post.pk])


@pytest.fixture
def guest_data():
    """A complete, valid guest submission; tests change one field at a time."""
    return {
        "name": "Zoë Marsh",
        "email": "zoe@example.com",
        "url": "",
        "body": "A first comment.\n\nWith two paragraphs.",
        "parent": "",
        "homepage": "",
    }


@pytest.fixture
def unseen_comment_pks(post):
    """Ids of comments a reader cannot reply to, one of each kind: missing, held, removed,
    spam, and on another post."""
    return [
        987654,
        CommentFactory(post=post, status="pending").pk,
        CommentFactory(post=post, status="removed").pk,
        CommentFactory(post=post, status="spam").pk,
        CommentFactory(post=PostFactory()).pk,
    ]
