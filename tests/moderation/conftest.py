import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories create many users; real password hashing would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _moderation_policy(settings):
    """The moderation tests run with the real policy, whatever the project default is."""
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
