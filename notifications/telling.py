"""Who is told what, decided in the worker after a comment change committed.

- The author of the comment answered, when they ticked "e-mail me replies" and their address
  is confirmed: one mail per reply to that comment, never for other comments of the post.
- The post's author, for each new public top-level comment on their post.
- A held commenter who asked to hear, when their comment is approved.
- Moderators, of each held comment at once, or in a digest (schedule.py).
Each is a setting (config/settings.py, NOTIFY_*). Each mail's outbox key names its event, so a
comment approved, removed and approved again never sends a second mail.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from blog.models import SiteSettings
from comments.models import Comment

from .links import absolute, link
from .models import Address, LinkSent, Subscription
from .outbox import queue_mail

MODERATORS_GROUP = "Moderators"


def handle(event, data):
    if event == "posted":
        return _posted(data["pk"], wants_replies=data.get("wants_replies", False))
    if event == "status":
        return _status(data["pks"], data["status"])
    return None


def _comments(pks):
    return Comment.objects.filter(pk__in=pks).select_related(
        "post", "post__author", "parent", "in_reply_to", "user"
    )


def _posted(pk, *, wants_replies):
    comment = _comments([pk]).first()
    if comment is None:
        return "gone"
    if wants_replies and comment.email:
        subscribe(comment)
    if comment.is_public:
        _published(comment)
    elif comment.status == Comment.Status.PENDING:
        _held([comment])
    return "done"


def _status(pks, status):
    comments = list(_comments(pks))
    if status == Comment.Status.APPROVED:
        for comment in comments:
            _published(comment)
            _approved(comment)
    elif status == Comment.Status.PENDING:
        _held(comments)
    return "done"


def subscribe(comment):
    """Replies to this comment go to its author once their address is confirmed: an account's
    address counts as confirmed; a guest's gets the one confirmation mail."""
    email = comment.email.strip().lower()
    Subscription.objects.get_or_create(comment=comment, defaults={"email": email})
    if comment.user_id is not None:
        address = _address(email)
        if address.confirmed_at is None:
            Address.objects.filter(pk=address.pk).update(confirmed_at=timezone.now())
        return
    request_confirmation(email, ip_address=comment.ip_address)


def _address(email):
    try:
        return Address.objects.get_or_create(email=email)[0]
    except IntegrityError:  # created at the same instant by another worker
        return Address.objects.get(email=email)


def lock_sender(*keys):
    """Serialise requests about the same address or IP address (PostgreSQL advisory locks;
    SQLite's IMMEDIATE transactions already hold the write lock)."""
    if connection.vendor != "postgresql":
        return
    numbers = sorted(
        {int.from_bytes(hashlib.sha256(k.encode()).digest()[:4], "big", signed=True) for k in keys}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, n) FROM unnest(%s::integer[]) AS n",
            [0x4E0, numbers],
        )


def allowed(kind, email, ip_address, *, per_email, email_window, per_ip, ip_window):
    """Record one mail of `kind` for `email` requested from `ip_address` when the limits
    allow it; call inside a transaction that holds lock_sender(email, ip). True when allowed."""
    now = timezone.now()
    sent = LinkSent.objects.filter(kind=kind)
    if sent.filter(email=email, sent_at__gte=now - email_window).count() >= per_email:
        return False
    if ip_address and (
        sent.filter(ip_address=ip_address, sent_at__gte=now - ip_window).count() >= per_ip
    ):
        return False
    LinkSent.objects.create(kind=kind, email=email, ip_address=ip_address, sent_at=now)
    return True


def request_confirmation(email, *, ip_address=None):
    """Send the one confirmation mail of an unconfirmed address, within the limits: one per
    address per NOTIFY_CONFIRM_RESEND_DAYS, NOTIFY_CONFIRM_PER_IP_HOUR per IP address an hour.
    Safe when comments from one sender are handled by several workers at once. Returns True
    when a mail was queued."""
    with transaction.atomic():
        lock_sender(f"address:{email}", f"ip:{ip_address or ''}")
        address = _address(email)
        if address.confirmed_at is not None or address.unsubscribed_at is not None:
            return False
        ok = allowed(
            LinkSent.Kind.CONFIRM,
            email,
            ip_address,
            per_email=1,
            email_window=timezone.timedelta(days=settings.NOTIFY_CONFIRM_RESEND_DAYS),
            per_ip=settings.NOTIFY_CONFIRM_PER_IP_HOUR,
            ip_window=timezone.timedelta(hours=1),
        )
        if not ok:
            return False
        now = timezone.now()
        Address.objects.filter(pk=address.pk).update(confirmation_sent_at=now)
        queue_mail(
            key=f"confirm:{email}:{now.isoformat()}",
            kind="confirm",
            to=email,
            subject=f"Please confirm your address for {_site_name()}",
            template="confirm",
            context={"confirm_url": link("confirm", email), "email": email},
        )
    return True


def _site_name():
    return SiteSettings.load().site_name


def _reachable(email):
    return Address.objects.reachable().filter(email=email).exists()


def _unsubscribe_headers(unsubscribe_url):
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _about(comment):
    """What every mail says about a comment: post, name, excerpt, permalink."""
    return {
        "post_title": comment.post.title,
        "name": comment.display_name,
        "excerpt": Truncator(comment.body).words(60),
        "permalink": absolute(comment.get_absolute_url()),
        "post_url": absolute(comment.post.get_absolute_url()),
    }


def _published(comment):
    if settings.NOTIFY_REPLIES:
        _tell_answered(comment)
    if settings.NOTIFY_POST_AUTHOR and comment.parent_id is None:
        _tell_post_author(comment)


def _tell_answered(comment):
    answered = comment.in_reply_to or comment.parent
    if answered is None:
        return
    subscription = Subscription.objects.filter(comment=answered, active=True).first()
    if subscription is None or subscription.email == comment.email.strip().lower():
        return
    if not _reachable(subscription.email):
        return
    unsubscribe = link("unsubscribe", subscription.email, s=subscription.pk)
    queue_mail(
        key=f"reply:{comment.pk}",
        kind="reply",
        to=subscription.email,
        subject=f"{comment.display_name} replied to your comment on “{comment.post.title}”",
        template="reply",
        context={
            **_about(comment),
            "your_excerpt": Truncator(answered.body).words(25),
            "unsubscribe_url": unsubscribe,
            "unsubscribe_all_url": link("unsubscribe", subscription.email),
            "preferences_url": link("preferences", subscription.email),
        },
        headers=_unsubscribe_headers(unsubscribe),
    )


def _tell_post_author(comment):
    author = comment.post.author
    email = (getattr(author, "email", "") or "").strip().lower()
    if not email or comment.user_id == author.pk:
        return
    address = _address(email)
    if address.unsubscribed_at is not None:
        return
    if address.confirmed_at is None:  # an account's address needs no confirmation
        Address.objects.filter(pk=address.pk).update(confirmed_at=timezone.now())
    unsubscribe = link("unsubscribe", email)
    queue_mail(
        key=f"post-author:{comment.pk}",
        kind="post_author",
        to=email,
        subject=f"New comment by {comment.display_name} on “{comment.post.title}”",
        template="post_author",
        context={
            **_about(comment),
            "unsubscribe_all_url": unsubscribe,
            "preferences_url": link("preferences", email),
        },
        headers=_unsubscribe_headers(unsubscribe),
    )


def _approved(comment):
    if not settings.NOTIFY_APPROVAL:
        return
    subscription = Subscription.objects.filter(comment=comment, active=True).first()
    if subscription is None or not _reachable(subscription.email):
        return
    unsubscribe = link("unsubscribe", subscription.email, s=subscription.pk)
    queue_mail(
        key=f"approved:{comment.pk}",
        kind="approved",
        to=subscription.email,
        subject=f"Your comment on “{comment.post.title}” is published",
        template="approved",
        context={
            **_about(comment),
            "unsubscribe_url": unsubscribe,
            "unsubscribe_all_url": link("unsubscribe", subscription.email),
            "preferences_url": link("preferences", subscription.email),
        },
        headers=_unsubscribe_headers(unsubscribe),
    )


def moderators():
    """Active staff who moderate (the Moderators group, or superusers) and have an address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP)).distinct()


def _held(comments):
    if settings.NOTIFY_MODERATORS != "instant" or not comments:
        return
    people = list(moderators())
    for comment in comments:
        if comment.status != Comment.Status.PENDING:
            continue
        context = {
            **_about(comment),
            "reasons": comment.reason_texts,
            "admin_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        }
        for person in people:
            queue_mail(
                key=f"held:{comment.pk}:{comment.moderation_codes.strip()}:{person.pk}",
                kind="held",
                to=person.email,
                subject=f"Held for moderation: {comment.display_name} on “{comment.post.title}”",
                template="held",
                context=context,
            )
