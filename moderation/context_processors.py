from functools import cache

from comments.models import Comment


def pending_comments(request):
    """The number of comments awaiting moderation, for staff only.

    A callable (templates call it): the count query runs only on pages that show it, once per
    request, and never for visitors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {}
    return {"pending_comment_count": cache(lambda: Comment.objects.pending().count())}
