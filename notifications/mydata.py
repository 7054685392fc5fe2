"""A commenter's own data, found by e-mail address: export (JSON) and erase.

Erasing goes through comments.posting.withdraw_comment: a comment without replies is deleted;
one with replies becomes a "deleted by its author" placeholder with no name, e-mail, text,
IP address or user agent, so the replies stay in place. Subscriptions, the address and the
mails sent to it are deleted too.
"""

from django.utils import timezone

from comments.models import Comment
from comments.posting import withdraw_comment

from .links import absolute
from .models import Address, LinkSent, OutgoingMail, Subscription


def comments_of(email):
    """The comments sent from this address, in any case (through the UPPER(email) index)."""
    return Comment.objects.from_email(email.strip())


def export(email):
    comments = comments_of(email).select_related("post").prefetch_related("revisions")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "post": {"title": c.post.title, "url": absolute(c.post.get_absolute_url())},
                "in_reply_to": c.in_reply_to_id or c.parent_id,
                "status": c.get_status_display(),
                "created_at": c.created_at.isoformat(),
                "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                "name": c.name,
                "email": c.email,
                "website": c.url,
                "text": c.body,
                "earlier_texts": [r.body for r in c.revisions.all()],
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
            }
            for c in comments.order_by("created_at")
        ],
    }


def erase(email):
    email = email.strip().lower()
    result = {"deleted": 0, "placeholders": 0}
    # Deepest first, so that a thread of one's own replies goes away entirely.
    for comment in comments_of(email).order_by("-level", "-pk"):
        outcome = withdraw_comment(comment, erase=True)
        result["deleted" if outcome == "deleted" else "placeholders"] += 1
    Subscription.objects.filter(email=email).delete()
    OutgoingMail.objects.filter(to_email=email).delete()
    LinkSent.objects.filter(email=email).delete()
    Address.objects.filter(email=email).delete()
    return result
