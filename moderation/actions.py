"""Every moderation write: status changes with their audit trail, bans and report handling.

Called alike by the admin (bulk actions, row actions, the change form), the report view and the
management commands. Moderators' decisions about a commenter (trust, suspension), redactions
and editors' picks are logged here too. Status changes go through
comments.posting.change_status, the one place that updates statuses, recounts
Post.comment_count and invalidates cached threads; this module adds the audit log around it.
Moderation never hard-deletes: "remove" is a status.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from comments.client_ip import client_ip
from comments.models import Comment
from comments.posting import change_status, change_text, delete_comment, set_featured

from .models import Ban, Commenter, ModerationEvent, Report

Status = Comment.Status
Action = ModerationEvent.Action

# The one table of moderation actions and the status each sets. A moderator who picks a
# status by hand is logged as the first action listed for it whose `from` matches the old
# status (None matches any): publishing a removed comment is a restore, not an approval.
TRANSITIONS = [
    # (action, from status or None, to status, chosen for a manual change to that status)
    (Action.RESTORE, Status.REMOVED, Status.APPROVED, True),
    (Action.APPROVE, None, Status.APPROVED, True),
    (Action.SPAM, None, Status.SPAM, True),
    (Action.REMOVE, None, Status.REMOVED, True),
    (Action.HOLD, None, Status.PENDING, True),
    (Action.BAN, None, Status.SPAM, False),
    (Action.REPORTS, None, Status.PENDING, False),
]
TARGET_STATUS = {action: to for action, _, to, _ in TRANSITIONS}


def action_for(old_status, new_status):
    """The audit action for a moderator changing a comment's status by hand."""
    for action, source, target, manual in TRANSITIONS:
        if manual and target == new_status and source in (None, old_status):
            return action
    raise ValueError(f"No moderation action sets {new_status!r}.")


def moderate(comments, action, *, actor=None, reason=""):
    """Apply one moderation action to a queryset of comments and log each change.

    Comments already in the target status are left alone (and not logged). Returns the number
    of comments whose status changed.
    """
    new_status = TARGET_STATUS[action]
    with transaction.atomic():
        changing = list(comments.exclude(status=new_status).order_by().values_list("pk", "status"))
        if not changing:
            return 0
        pks = [pk for pk, _ in changing]
        change_status(Comment.objects.filter(pk__in=pks), new_status)
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                comment_id=pk,
                comment_pk=pk,
                action=action,
                from_status=old,
                to_status=new_status,
                actor=actor,
                reason=reason,
            )
            for pk, old in changing
        )
        if action != Action.REPORTS:
            # A moderator has looked at these comments: their open reports are dealt with.
            Report.objects.filter(comment_id__in=pks, resolved=False).update(resolved=True)
    return len(changing)


def ban_authors(comments, *, by_email=True, by_ip=True, actor=None, reason=""):
    """Ban the e-mail and/or IP addresses behind some comments and mark those comments spam.

    Returns (number of new bans, number of comments marked as spam).
    """
    rows = list(comments.order_by().values_list("email", "ip_address"))
    emails = {email.lower() for email, _ in rows if email} if by_email else set()
    ips = {ip for _, ip in rows if ip} if by_ip else set()
    with transaction.atomic():
        already = Ban.objects.active()
        emails -= {
            e.lower() for e in already.filter(email__in=emails).values_list("email", flat=True)
        }
        ips -= set(already.filter(ip_address__in=ips).values_list("ip_address", flat=True))
        bans = [Ban(email=e, reason=reason, created_by=actor) for e in sorted(emails)]
        bans += [Ban(ip_address=ip, reason=reason, created_by=actor) for ip in sorted(ips)]
        Ban.objects.bulk_create(bans)
        changed = moderate(comments, Action.BAN, actor=actor, reason=reason or "Author banned.")
    return len(bans), changed


def record_report(comment, *, reason, request, threshold):
    """Store a reader's report; hold the comment for review once it has enough open reports.

    Returns True when this report sent the comment back to the moderation queue.
    """
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        Report.objects.create(
            comment=comment,
            reason=reason,
            user=user,
            session_key=request.session.session_key or "",
            ip_address=client_ip(request),
        )
        if not comment.is_public:
            return False
        open_reports = Report.objects.filter(comment=comment, resolved=False).count()
        if open_reports < threshold:
            return False
        moderate(
            Comment.objects.filter(pk=comment.pk),
            Action.REPORTS,
            reason=f"{open_reports} reader reports.",
        )
    return True


def purge_spam(cutoff):
    """Hard-delete spam created before `cutoff`, deepest first, through the tree's delete.

    A spam comment whose subtree holds anything other than spam due for purging is kept:
    deleting it would take those replies with it. Returns (deleted, kept).
    """
    candidates = list(
        Comment.objects.filter(status=Status.SPAM, created_at__lt=cutoff).deepest_first()
    )
    due = {c.pk for c in candidates}
    deleted = kept = 0
    for comment in candidates:
        replies = set(Comment.objects.filter(parent_id=comment.pk).values_list("pk", flat=True))
        if replies - due:
            kept += 1
            due.discard(comment.pk)
            continue
        with transaction.atomic():
            ModerationEvent.objects.create(
                comment=None,
                comment_pk=comment.pk,
                action=Action.PURGE,
                from_status=Status.SPAM,
                reason=f"Spam from {comment.created_at:%Y-%m-%d} purged: {comment.body[:80]}",
            )
            deleted += delete_comment(comment)
    return deleted, kept


def redact(comment, body, *, actor=None, reason=""):
    """A moderator's edit of a comment's text (a phone number taken out, say). The original
    text stays in the audit log; the page says "edited by a moderator". Returns True when the
    text changed."""
    if body == comment.body:
        return False
    with transaction.atomic():
        ModerationEvent.objects.create(
            comment=comment,
            comment_pk=comment.pk,
            email=(comment.email or "").lower(),
            action=Action.REDACT,
            from_status=comment.status,
            to_status=comment.status,
            actor=actor,
            reason=reason,
            previous_text=comment.body,
        )
        change_text(comment, body, redacted=True)
    return True


def feature(comment, featured=True, *, actor=None):
    """Make a public comment an editors' pick, or stop featuring it. Returns True on a change.
    Only a published comment can be featured."""
    if featured and not comment.is_public:
        raise ValueError("Only a published comment can be featured.")
    with transaction.atomic():
        if not set_featured(comment, featured):
            return False
        ModerationEvent.objects.create(
            comment=comment,
            comment_pk=comment.pk,
            action=Action.FEATURE if featured else Action.UNFEATURE,
            from_status=comment.status,
            to_status=comment.status,
            actor=actor,
        )
    return True


def _commenter_event(email, action, *, actor, comment=None, reason=""):
    ModerationEvent.objects.create(
        comment=comment,
        comment_pk=comment.pk if comment is not None else None,
        email=email,
        action=action,
        actor=actor,
        reason=reason,
    )


def trust(email, trusted=True, *, actor=None, comment=None):
    """Trust a commenter by hand (published at once when they prove the address), or stop.
    Returns True on a change."""
    email = email.strip().lower()
    if not email:
        raise ValueError("A commenter is known by an e-mail address.")
    with transaction.atomic():
        commenter, _ = Commenter.objects.select_for_update().get_or_create(email=email)
        if commenter.trusted == trusted:
            return False
        commenter.trusted = trusted
        commenter.save()
        action = Action.TRUST if trusted else Action.UNTRUST
        _commenter_event(email, action, actor=actor, comment=comment)
    return True


def suspend(email, days, *, actor=None, comment=None, reason=""):
    """Refuse a commenter's comments for `days` days (0 lifts a suspension). Returns the end
    of the suspension, or None when lifted."""
    email = email.strip().lower()
    if not email:
        raise ValueError("A commenter is known by an e-mail address.")
    if days < 0:
        raise ValueError("A suspension lasts a positive number of days.")
    until = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        commenter, _ = Commenter.objects.select_for_update().get_or_create(email=email)
        commenter.suspended_until = until
        commenter.save()
        if until:
            text = f"Suspended for {days} day{'s' if days != 1 else ''}."
            reason = f"{text} {reason}".strip()
        _commenter_event(
            email,
            Action.SUSPEND if until else Action.UNSUSPEND,
            actor=actor,
            comment=comment,
            reason=reason,
        )
    return until
