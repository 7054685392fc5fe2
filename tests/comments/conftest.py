import pytest
from django.urls import reverse

from tests.factories import PostFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _approve_everything_unless_a_test_says_otherwise(settings):
    """These tests are about comments, not the moderation rules (tests/moderation has those)."""
    settings.COMMENTS_POLICY = "comments.policy.ApproveAll"


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
