"""What the sender checks need to know about a sender, read in one statement.

Every new comment runs the sender checks (moderation/policy.py: ban, suspension, flood,
duplicate, known commenter) under the sender lock, inside the storing transaction. Asked one
by one through the ORM they were five queries, and building and compiling them cost more
than running them (2.7 of the 8.5 ms a new comment took). Here they are one statement of
scalar subqueries, with the sender's recent texts after it (UNION ALL), built once per shape
(which of e-mail, account and IP address the sender has, which rules are on) and then run with
the sender's values.

The conditions are the ORM's, written out: an e-mail address matches in any case through
UPPER(email), the expression the comment_email_created index holds (comments.models.sent_from);
the account and the IP address through their own indexes (tests/moderation/
test_sender_queries.py explains the statement on both databases). A ban or a commenter record
that matches is then loaded by its pk: rare, as both are moderators' decisions.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from comments.models import Comment

from .models import Ban, Commenter

# The duplicate rule compares the new text with the sender's most recent ones.
RECENT_TEXTS = 200


@dataclass
class SenderFacts:
    ban_id: int | None = None
    commenter_id: int | None = None
    # Comments from the sender (e-mail, account or IP address) since the flood window opened;
    # None when the rule is off or nothing identifies the sender.
    recent: int | None = None
    # Approved comments that make a known commenter (0 when not asked).
    approved: int = 0
    # The texts of the sender's own comments (e-mail or account) since the duplicate window
    # opened, newest first; None when the rule is off or nothing identifies the sender.
    texts: list | None = None

    def ban(self):
        return Ban.objects.filter(pk=self.ban_id).first() if self.ban_id else None

    def commenter(self):
        return Commenter.objects.filter(pk=self.commenter_id).first() if self.commenter_id else None


def sender_facts(
    *,
    email="",
    user_id=None,
    ip_address=None,
    ban_email="",
    now,
    flood_since=None,
    duplicate_since=None,
    known=None,
):
    """The facts about one sender. `email` (as typed), `user_id` and `ip_address` identify
    the sender's comments; `ban_email` is the address a ban and a commenter record are looked
    up by; `flood_since` / `duplicate_since` open each rule's window (None: the rule is off);
    `known` is ("user", user_id) or ("guest", email, name) for the known-commenter count, or
    None when the rule does not need it."""
    ip_address = connection.ops.adapt_ipaddressfield_value(ip_address or None)
    by_sender = (bool(email), bool(user_id), bool(ip_address))
    shape = (
        connection.vendor,
        by_sender,
        bool(ban_email),
        flood_since is not None and any(by_sender),
        duplicate_since is not None and any(by_sender[:2]),
        known[0] if known else None,
    )
    sql = _statement(shape)
    params = []

    def when(dt):
        return connection.ops.adapt_datetimefield_value(dt)

    def sender_params(with_ip):
        values = [email] if email else []
        values += [user_id] if user_id else []
        return values + ([ip_address] if with_ip and ip_address else [])

    if ban_email or ip_address:
        params.append(when(now))
        params += [ban_email] if ban_email else []
        params += [ip_address] if ip_address else []
    if ban_email:
        params.append(ban_email.strip().lower())
    if shape[3]:
        params += [*sender_params(True), when(flood_since)]
    if known:
        params += list(known[1:])
    if shape[4]:
        params += [*sender_params(False), when(duplicate_since)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first = next(row for row in rows if row[0] == 0)
    facts = SenderFacts(
        ban_id=first[1],
        commenter_id=first[2],
        recent=first[3] if shape[3] else None,
        approved=first[4] or 0,
    )
    if shape[4]:
        facts.texts = [row[5] for row in rows if row[0] == 1]
    return facts


@cache
def _statement(shape):
    _, (email, user, ip), ban_email, flood, duplicate, known = shape
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    comments = quote(Comment._meta.db_table)
    c_email, c_user, c_ip = (column(Comment, n) for n in ("email", "user", "ip_address"))
    c_created, c_status, c_name = (column(Comment, n) for n in ("created_at", "status", "name"))
    c_body = column(Comment, "body")

    def from_sender(with_ip):
        terms = [f"UPPER({c_email}) = UPPER(%s)"] if email else []
        terms += [f"{c_user} = %s"] if user else []
        terms += [f"{c_ip} = %s"] if with_ip and ip else []
        return "(" + " OR ".join(terms) + ")"

    ban = commenter = recent = approved = "NULL"
    if ban_email or ip:
        bans = quote(Ban._meta.db_table)
        expires = column(Ban, "expires_at")
        terms = [f"UPPER({column(Ban, 'email')}) = UPPER(%s)"] if ban_email else []
        terms += [f"{column(Ban, 'ip_address')} = %s"] if ip else []
        ban = (
            f"(SELECT {quote(Ban._meta.pk.column)} FROM {bans} "  # noqa: S608
            f"WHERE ({expires} IS NULL OR {expires} > %s) AND ({' OR '.join(terms)}) "
            f"ORDER BY {column(Ban, 'created_at')} DESC LIMIT 1)"
        )
    if ban_email:
        commenter = (
            f"(SELECT {quote(Commenter._meta.pk.column)} "  # noqa: S608
            f"FROM {quote(Commenter._meta.db_table)} WHERE {column(Commenter, 'email')} = %s)"
        )
    if flood:
        recent = (
            f"(SELECT COUNT(*) FROM {comments} "  # noqa: S608
            f"WHERE {from_sender(True)} AND {c_created} >= %s)"
        )
    approved_status = f"'{Comment.Status.APPROVED.value}'"
    if known == "user":
        approved = (
            f"(SELECT COUNT(*) FROM {comments} "  # noqa: S608
            f"WHERE {c_status} = {approved_status} AND {c_user} = %s)"
        )
    elif known == "guest":
        approved = (
            f"(SELECT COUNT(*) FROM {comments} WHERE {c_status} = {approved_status} "  # noqa: S608
            f"AND UPPER({c_email}) = UPPER(%s) AND UPPER({c_name}) = UPPER(%s))"
        )
    sql = f"SELECT 0, {ban}, {commenter}, {recent}, {approved}, NULL"
    if duplicate:
        sql += (
            f" UNION ALL SELECT 1, NULL, NULL, NULL, NULL, recent.body FROM ("  # noqa: S608
            f"SELECT {c_body} AS body FROM {comments} "
            f"WHERE {from_sender(False)} AND {c_created} >= %s "
            f"ORDER BY {c_created} DESC LIMIT {RECENT_TEXTS}) recent"
        )
    return sql
