"""Any sequence of posting and moderation keeps every tree valid and every public comment on
its page (a property-based state machine over the posting and moderation functions)."""

import contextlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from comments.models import Comment
from comments.pages import load_page
from comments.posting import CommentRefused
from comments.trees import find_tree_problems
from moderation.actions import moderate, purge_spam
from moderation.models import ModerationEvent
from tests.factories import PostFactory, submit_comment

Action = ModerationEvent.Action


class Discussion(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.post = PostFactory()
        self.count = 0

    def _pks(self):
        return list(Comment.objects.filter(post=self.post).values_list("pk", flat=True))

    @rule()
    def new_thread(self):
        self.count += 1
        submit_comment(
            self.post,
            name=f"R{self.count}",
            email=f"r{self.count}@example.com",
            body=f"Thread {self.count}",
        )

    @rule(pick=st.integers(min_value=0, max_value=200))
    def reply(self, pick):
        pks = self._pks()
        if not pks:
            return
        self.count += 1
        # A hidden parent takes no replies.
        with contextlib.suppress(CommentRefused):
            submit_comment(
                self.post,
                parent=pks[pick % len(pks)],
                name=f"R{self.count}",
                email=f"r{self.count}@example.com",
                body=f"Reply {self.count}",
            )

    @rule(
        pick=st.integers(min_value=0, max_value=200),
        action=st.sampled_from(
            [Action.REMOVE, Action.RESTORE, Action.APPROVE, Action.SPAM, Action.HOLD]
        ),
    )
    def moderate_one(self, pick, action):
        pks = self._pks()
        if pks:
            moderate(Comment.objects.filter(pk=pks[pick % len(pks)]), action)

    @rule()
    def purge(self):
        purge_spam(timezone.now() + timedelta(days=1))

    @invariant()
    def trees_are_valid(self):
        if hasattr(self, "post"):
            assert find_tree_problems() == []

    @invariant()
    def every_public_comment_is_on_the_page(self):
        if not hasattr(self, "post"):
            return
        # As a request would: the post as it is now (its comments stamp names the cache).
        self.post.refresh_from_db()
        html = load_page(self.post).html
        for pk in Comment.objects.filter(post=self.post).public().values_list("pk", flat=True):
            assert f'id="comment-{pk}"' in html
        assert self.post.comment_count == Comment.objects.filter(post=self.post).public().count()


@pytest.mark.django_db
@override_settings(
    COMMENTS_MAX_DEPTH=3,
    COMMENTS_THREADS_PER_PAGE=1000,
    COMMENTS_FOLD_REPLIES=0,
    COMMENTS_PAGE_COMMENTS=0,
)
def test_posting_and_moderation_keep_trees_valid_and_public_comments_reachable():
    Discussion.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Discussion.TestCase().runTest()
