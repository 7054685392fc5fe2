"""A commenter's own comment: who may edit or delete it, and the edit itself.

A comment may be edited or deleted by its author for settings.COMMENTS_EDIT_MINUTES after it
was posted, while it has no replies and is public or waiting for a moderator. Signed-in
authors may do it from any browser; a guest only from the browser that posted it (its signed
list of own comments, comments/viewer.py). An edit is judged again by the moderation policy's
first step (the text): new links or blocked words send it back to the queue.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Comment
from .policy import Submission, get_policy
from .posting import CommentRefused, edit_comment, withdraw_comment
from .viewer import own_comment_ids

EDITABLE_STATUSES = (Comment.Status.APPROVED, Comment.Status.PENDING)


class NotYours(Exception):
    """Why this viewer may not change this comment (the message is shown, with a 403)."""


def is_authors(comment, *, user, own_ids):
    if comment.user_id is not None:
        return user is not None and user.is_authenticated and user.pk == comment.user_id
    return comment.pk in own_ids


def editable_until(comment):
    return comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def check_may_change(comment, request, *, now=None):
    """Raise NotYours with the reason unless this request's viewer may edit or delete it."""
    if comment.status not in EDITABLE_STATUSES or not is_authors(
        comment, user=request.user, own_ids=own_comment_ids(request)
    ):
        raise NotYours(
            "Only the author of a comment can change it, from the browser that posted it."
        )
    if (now or timezone.now()) > editable_until(comment):
        minutes = settings.COMMENTS_EDIT_MINUTES
        raise NotYours(
            f"A comment can be changed only in the first {minutes} minutes after it was posted."
        )
    if comment.get_descendant_count():
        raise NotYours("This comment has replies now, so it can no longer be changed.")


def own_changeable(post, request):
    """This viewer's comments on `post` that they may still edit or delete (one query)."""
    user = request.user if request.user.is_authenticated else None
    own_ids = own_comment_ids(request)
    if user is None and not own_ids:
        return []
    since = timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
    mine = Comment.objects.filter(post=post, created_at__gte=since, status__in=EDITABLE_STATUSES)
    mine = mine.filter(user=user) if user is not None else mine.filter(pk__in=own_ids, user=None)
    # A leaf of a nested set: nothing between lft and rght.
    return [c for c in mine.order_by("created_at") if c.rght == c.lft + 1]


def apply_edit(comment, body, *, policy=None):
    """Judge the new text and store it; raises CommentRefused when the policy refuses it."""
    policy = policy or get_policy()
    draft = Comment(
        post=comment.post,
        parent_id=comment.parent_id,
        user=comment.user,
        name=comment.name,
        email=comment.email,
        url=comment.url,
        body=body,
        ip_address=comment.ip_address,
        user_agent=comment.user_agent,
    )
    verdict = policy.assess(Submission(comment=draft, from_form=False))
    if verdict.refusal is not None:
        raise CommentRefused(verdict.refusal)
    return edit_comment(comment, body, verdict=verdict)


def delete_own(comment):
    return withdraw_comment(comment)
