"""What the moderation desk shows around each comment of the queue: the commenter at hand and
the counts of the queue tabs.

`attach_history(comments)` loads, for a whole page of the queue at once, what moderators
need to judge each commenter: their comments by status, first seen, their latest comments,
other names used from the same e-mail or IP address, open bans and the moderators' own record
(trusted, suspended). It costs the same few queries whatever the size of the page or of the
table (one per kind of fact, keyed by the page's e-mail and IP addresses), so the queue's
query count stays constant (tests/moderation/test_desk.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Window
from django.db.models.functions import RowNumber, Upper

from comments.models import Comment

from .models import Ban, Commenter, Report

Status = Comment.Status
RECENT = 3  # the commenter's latest comments listed on a row (besides the one at hand)


@dataclass
class History:
    """One commenter as the desk sees them (by e-mail address, or by IP address without one)."""

    email: str = ""
    counts: dict = field(default_factory=dict)  # status -> number of comments
    first_seen: object = None
    recent: list = field(default_factory=list)  # Comment rows (pk, status, created_at, body)
    other_names: list = field(default_factory=list)
    bans: list = field(default_factory=list)
    commenter: Commenter | None = None

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def by_status(self):
        """(label, status, number) for each status this commenter has comments in."""
        return [
            (label, value, self.counts[value])
            for value, label in Status.choices
            if self.counts.get(value)
        ]

    @property
    def trusted(self):
        return bool(self.commenter and self.commenter.trusted)

    @property
    def suspended_until(self):
        if self.commenter and self.commenter.is_suspended():
            return self.commenter.suspended_until
        return None


def attach_history(comments):
    """Set `comment.history` (a History) on every comment of a page, in a constant number of
    queries. Also sets `comment.queue_next`: the pk of the row after it (before it for the
    last row), where the queue goes back to after an action without JavaScript."""
    comments = list(comments)
    for index, comment in enumerate(comments):
        following = comments[index + 1] if index + 1 < len(comments) else None
        previous = comments[index - 1] if index else None
        comment.queue_next = (following or previous or comment).pk
    emails = {c.email.upper() for c in comments if c.email}
    ips = {c.ip_address for c in comments if c.ip_address}
    histories = {}
    for comment in comments:
        key = _key(comment)
        comment.history = histories.setdefault(key, History(email=comment.email.lower()))
    if not comments:
        return comments

    by_email = Comment.objects.annotate(upper_email=Upper("email"))
    for row in (
        by_email.filter(upper_email__in=emails)
        .values("upper_email", "status")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .order_by()
    ):
        history = histories.get(("email", row["upper_email"]))
        if history is not None:
            history.counts[row["status"]] = row["n"]
            if history.first_seen is None or row["first"] < history.first_seen:
                history.first_seen = row["first"]

    latest = (
        Comment.objects.annotate(
            upper_email=Upper("email"),
            position=Window(
                RowNumber(),
                partition_by=[Upper("email")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            ),
        )
        .filter(upper_email__in=emails, position__lte=RECENT + 1)
        .only("pk", "email", "status", "created_at", "body", "post_id")
        .order_by("-created_at", "-pk")
    )
    for row in latest:
        history = histories.get(("email", row.upper_email))
        if history is not None:
            history.recent.append(row)

    names = defaultdict(set)
    for email, ip, name in (
        by_email.filter(Q(upper_email__in=emails) | Q(ip_address__in=ips))
        .values_list("upper_email", "ip_address", "name")
        .distinct()
        .order_by()
    ):
        if email:
            names[("email", email)].add(name)
        if ip:
            names[("ip", ip)].add(name)

    bans = list(
        Ban.objects.active()
        .alias(upper_email=Upper("email"))
        .filter(Q(upper_email__in=emails) | Q(ip_address__in=ips))
    )
    commenters = {c.email: c for c in Commenter.objects.filter(email__in=_lower(emails))}

    for comment in comments:
        history = comment.history
        if not hasattr(history, "_done"):
            history._done = True
            history.commenter = commenters.get(comment.email.lower())
            history.bans = [
                ban
                for ban in bans
                if (ban.email and ban.email.upper() == comment.email.upper())
                or (ban.ip_address and ban.ip_address == comment.ip_address)
            ]
        # Per comment (the same e-mail can come from several addresses).
        seen = names.get(("email", comment.email.upper()), set()) | names.get(
            ("ip", comment.ip_address), set()
        )
        comment.other_names = sorted(n for n in seen if n and n != comment.name)
        comment.recent_others = [c for c in history.recent if c.pk != comment.pk][:RECENT]
    return comments


def _key(comment):
    if comment.email:
        return ("email", comment.email.upper())
    return ("ip", comment.ip_address or f"comment:{comment.pk}")


def _lower(emails):
    return [email.lower() for email in emails]


def tab_counts():
    """The numbers on the queue's tabs, in one query: pending, reported (open reports) and all."""
    reported = Exists(Report.objects.filter(comment=OuterRef("pk"), resolved=False))
    return Comment.objects.aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        reported=Count("pk", filter=Q(reported)),
        all=Count("pk"),
    )
