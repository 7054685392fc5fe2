from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from comments.trees import find_tree_problems
from moderation.models import BlockedTerm
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_load_moderation_queue_posts_mixed_comments_through_the_policy():
    PostFactory.create_batch(2)
    out = StringIO()
    call_command("load_moderation_queue", "--count", "30", stdout=out)
    assert "Posted 30 comments" in out.getvalue()
    assert BlockedTerm.objects.filter(phrase="idiot").exists()
    pending = Comment.objects.pending()
    assert pending.count() > 10
    assert all(c.reason_texts for c in pending)
    assert find_tree_problems() == []


def test_load_moderation_queue_needs_a_published_post():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_moderation_queue", "--count", "1")


@pytest.mark.django_db
def test_purge_spam_with_an_absurd_age_says_so_instead_of_crashing():
    with pytest.raises(CommandError, match="--days"):
        call_command("purge_spam", days=99_999_999)
