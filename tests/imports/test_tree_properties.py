"""Any discussion a file can describe comes out as sound trees that keep every answer."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.trees import find_tree_problems
from imports.models import SourceRecord
from imports.summary import Summary
from imports.threads import SourceComment, save_comments
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def discussions(draw):
    """(comments, cap): parents anywhere in the list, missing ones, loops, same dates."""
    size = draw(st.integers(min_value=1, max_value=25))
    parents = [
        draw(st.one_of(st.just(0), st.integers(min_value=1, max_value=size + 3)))
        for _ in range(size)
    ]
    minutes = [draw(st.integers(min_value=0, max_value=5)) for _ in range(size)]
    statuses = [draw(st.sampled_from(Comment.Status.values)) for _ in range(size)]
    comments = [
        SourceComment(
            source_id=str(number),
            parent_id=str(parents[number - 1]) if parents[number - 1] else "",
            name=f"Reader {number}",
            email="",
            url="",
            ip_address=None,
            created_at=START + timedelta(minutes=minutes[number - 1]),
            status=statuses[number - 1],
            body=f"Comment {number}",
        )
        for number in range(1, size + 1)
    ]
    order = draw(st.permutations(comments))
    return list(order), draw(st.integers(min_value=1, max_value=4))


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(discussion=discussions())
def test_every_file_order_parent_and_cap_gives_sound_trees_that_keep_each_answer(
    discussion, settings
):
    comments, cap = discussion
    settings.COMMENTS_MAX_DEPTH = cap
    post = PostFactory()
    for _ in range(2):  # the second run must change nothing
        with transaction.atomic():
            save_comments(
                post, comments, source="wordpress", site="s", summary=Summary("t"), label="p"
            )
    assert find_tree_problems() == []
    stored = {c.name: c for c in Comment.objects.filter(post=post)}
    assert len(stored) == len(comments)
    by_number = {c.source_id: c for c in comments}
    for comment in comments:
        saved = stored[comment.name]
        assert saved.level < cap
        answered = by_number.get(comment.parent_id)
        if saved.in_reply_to_id is not None:
            # Attached at the cap: beside the comment it answers.
            assert saved.in_reply_to.name == answered.name
            assert saved.parent_id == saved.in_reply_to.parent_id
        elif saved.parent_id is not None:
            assert saved.parent.name == answered.name
    Comment.objects.filter(post=post).delete()
    SourceRecord.objects.all().delete()
    post.delete()
