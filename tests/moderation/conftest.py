import pytest


@pytest.fixture(autouse=True)
def _moderation_policy(settings):
    """The moderation tests run with the real policy, whatever the project default is."""
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
