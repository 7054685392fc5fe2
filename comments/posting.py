"""Every write that touches the comment tree, in one place (docs/tree.md, rules 1-2 and 8).

A tree write is: transaction.atomic(), take the lock, then (re)load the parent, then save.

- SQLite: every transaction is IMMEDIATE (config/settings.py), so opening the transaction
  already takes the database's write lock; select_for_update() is a no-op there.
- PostgreSQL: the Post row is locked with SELECT ... FOR UPDATE, so two replies under the same
  post queue up; a new top-level comment allocates MAX(tree_id) + 1 across the whole table,
  so it also takes one global advisory lock for the rest of the transaction.

A new comment is judged in two steps (comments/policy.py). Its text is judged before any
lock. Its sender (bans, flood and duplicate limits, known commenter) is judged inside the
storing transaction under locks keyed by the sender's IP address, e-mail and account:
advisory locks on PostgreSQL, the database write lock on SQLite. So N comments fired at the
same instant from one sender on several workers or servers meet the limits exactly as N
comments one after the other. Sender locks come first and in one order (by key), then the
post row, then the new-tree lock, so writers never wait on each other in a circle.

Status changes (moderation) are plain QuerySet.update() calls that never touch tree columns.
Post.comment_count (public comments only) is kept right by every function here.

The stored page fragment of a comment (models.Fragment, drawn by comments.drawing) is written
here and nowhere else: after the insert of a new comment (store_fragment), after a change of
its text (change_text) or of its editors' pick badge (set_featured), and when a template or
setting change made fragments stale (redraw_stale).
"""

import hashlib
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from blog.models import Post, new_stamp

from . import drawing
from .caching import discussion_changed
from .models import Comment, CommentRevision, Fragment
from .pages import thread_count
from .policy import Refusal, combine, get_policy

# Any constant works; it only has to be the same for every process that allocates tree ids.
NEW_TREE_LOCK_KEY = 0x7C0_3E47
# The first half of the two-number advisory locks keyed by sender (a key space apart from the
# one-number tree lock).
SENDER_LOCK_CLASS = 0x3E4
REUSED_FORM_MESSAGE = (
    "This comment form was already used to post a comment. Your text is kept below: "
    "please post it again."
)


class CommentRefused(Exception):
    """The comment was not stored; `refusal.message` is shown to the poster."""

    def __init__(self, refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


class FormAlreadyUsed(CommentRefused):
    """The form's single-use stamp went with an earlier comment: the form needs a new one."""


# One message whatever the reason (missing, on another post, held, removed, spam), so the
# answer does not tell a reader which comments exist or what became of them.
PARENT_UNAVAILABLE = "The comment you are replying to is not available for replies."


def parent_problem(parent, post):
    """Why `parent` cannot take a reply on `post`, or None when it can."""
    if parent is None or parent.post_id != post.pk or not parent.is_public:
        return PARENT_UNAVAILABLE
    return None


def draft_comment(
    *, post, body, parent=None, user=None, name="", email="", url="", ip_address=None, user_agent=""
):
    """An unsaved comment as the policy sees it. `parent` is a comment or its pk; it is
    loaded and checked only under the tree lock, when the comment is stored.

    A signed-in user's name and e-mail come from the account.
    """
    if user is not None and user.is_authenticated:
        # An account's full name can be longer than a comment's name field holds.
        name = (user.get_full_name() or user.get_username())[: Comment.name.field.max_length]
        email = user.email
    else:
        user = None
    return Comment(
        post=post,
        parent_id=getattr(parent, "pk", parent),
        user=user,
        name=name,
        email=email,
        url=url,
        body=body,
        ip_address=ip_address,
        user_agent=(user_agent or "")[: Comment.user_agent.field.max_length],
    )


def post_comment(submission, *, policy=None, wants_replies=False):
    """Ask the moderation policy about a new comment and store it. Returns the saved Comment.

    `submission` is a comments.policy.Submission around a draft_comment(). Raises
    CommentRefused when the policy refuses it or the parent cannot take replies.
    `wants_replies`: the poster asked to be told of replies (and of the approval of a held
    comment); the listeners hear it with the "posted" event once the comment is committed.
    """
    policy = policy or get_policy()
    comment = submission.comment
    email = (comment.email or "").strip().lower()
    comment.identity_verified = bool(comment.user_id) or bool(
        email and submission.token_email == email
    )
    # The text is judged before any lock is taken.
    verdict = policy.assess(submission)
    if verdict.refusal is not None:
        raise CommentRefused(verdict.refusal)
    judge_sender = getattr(policy, "assess_sender", None)
    try:
        with transaction.atomic():
            _lock_sender(comment)
            if judge_sender is not None:
                verdict = combine(verdict, judge_sender(submission))
                if verdict.refusal is not None:
                    raise CommentRefused(verdict.refusal)
            comment.status = verdict.status
            comment.moderation_reasons = [reason.as_dict() for reason in verdict.reasons]
            # In this transaction, without a savepoint of its own: any error undoes it all.
            _store_new_comment(comment, check_parent=True)
            announce("posted", pk=comment.pk, wants_replies=bool(wants_replies))
            return comment
    except IntegrityError:
        # Rolled back by now, so the question can be asked (PostgreSQL refuses any statement
        # in a transaction that had an error).
        nonce = comment.form_nonce
        if nonce and Comment.objects.filter(form_nonce=nonce).exists():
            raise FormAlreadyUsed(Refusal(REUSED_FORM_MESSAGE)) from None
        raise


def save_new_comment(comment, *, check_parent=True):
    """Insert an unsaved comment as the last child of its parent (or as a new tree).

    The parent is loaded under the lock, so its lft/rght are current. A reply to a comment
    at the depth cap (settings.COMMENTS_MAX_DEPTH) attaches to that comment's parent instead
    and records the comment it answers in `in_reply_to`.

    Few statements, each needed (tests/comments/test_posting_queries.py pins them): the lock,
    which for a public comment is also the UPDATE of Post.comment_count; one read of the
    parent (with its own parent joined, for the depth cap) or of the next tree id; for a
    reply, the shift of the later rows (the nested-set insert django-mptt would make, without
    its second read of the parent); the INSERT; and the INSERT of its stored HTML into the
    fragment table (kept apart so that the shift rewrites small rows).
    """
    with transaction.atomic():
        return _store_new_comment(comment, check_parent=check_parent)


def _store_new_comment(comment, *, check_parent):
    """save_new_comment() inside the caller's transaction."""
    parent_id = comment.parent_id
    public = comment.is_public
    # The new comment moves its root's rght, which names the thread's cache entry; the
    # post's thread list gets a new stamp in the statement that locks the post.
    stamp = new_stamp()
    threads = 1 if public and parent_id is None else 0
    lock_post(comment.post_id, count=1 if public else 0, stamp=stamp, threads=threads)
    if parent_id is None:
        lock_new_trees()
        tree_id = _next_tree_id()
        comment.parent = None
        comment.tree_id, comment.lft, comment.rght, comment.level = tree_id, 1, 2, 0
    else:
        parent = _locked_parent(parent_id)
        problem = parent_problem(parent, comment.post) if check_parent else None
        if parent is None or problem:
            raise CommentRefused(Refusal(problem or parent_problem(None, comment.post)))
        if public and not parent.is_public:
            threads = _revived_thread(comment.post_id, parent.tree_id)
        if parent.level + 1 >= settings.COMMENTS_MAX_DEPTH:
            comment.in_reply_to = parent
            parent = parent.parent
        comment.parent = parent
        _make_room_under(parent, comment)
    # The comments named in the "in reply to" cues are loaded already.
    named = (comment.parent, comment.in_reply_to) if parent_id is not None else ()
    names = {c.pk: c.name or "Anonymous" for c in named if c is not None and c.is_public}
    _insert(comment)
    store_fragment(comment, names=names)
    if Comment.post.is_cached(comment):
        # The caller's Post object stays current for a page drawn from it next.
        comment.post.comments_stamp = stamp
        if comment.post.thread_count is not None:
            comment.post.thread_count += threads
    return comment


def _insert(comment):
    """comment.save() of the new row (its tree columns already set), with an INSERT built
    once: building Django's INSERT of some twenty-five columns cost more than running it.
    The values are prepared by the fields themselves, as the ORM's compiler prepares them
    (pre_save, then get_db_prep_save); the instance is left as save() leaves it, for Django
    and for django-mptt. Where the statement cannot be reused (a database that returns no
    ids, a value that is an expression), save() does it."""
    comment.derive_fields()
    fields, sql = _insert_sql()
    values = [field.pre_save(comment, True) for field in fields]
    if sql is None or any(hasattr(value, "resolve_expression") for value in values):
        comment.save(force_insert=True)
        return
    # The connection itself rather than django.db.connection, a proxy that looks it up again
    # on every attribute each field's preparation reads.
    db = connections[DEFAULT_DB_ALIAS]
    params = [
        field.get_db_prep_save(value, db) for field, value in zip(fields, values, strict=True)
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        (comment.pk,) = cursor.fetchone()
    comment._state.adding = False
    comment._state.db = db.alias
    comment._mptt_saved = True
    Comment._mptt_meta.update_mptt_cached_fields(comment)


@cache
def _insert_sql():
    """(the columns' fields, the INSERT ... RETURNING of a new comment, or None)."""
    meta = Comment._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    if not connection.features.can_return_columns_from_insert or any(
        hasattr(field, "get_placeholder") or field.generated for field in fields
    ):
        return fields, None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}"
    )
    return fields, sql


def _revived_thread(post_id, tree_id):
    """1 when a public reply under a hidden comment is its thread's first public comment:
    the thread then takes a place on the pages (comments.pages.roots), one more in
    Post.thread_count. Before the insert, and rare: replies go under public comments."""
    if Comment.objects.public().filter(tree_id=tree_id).exists():
        return 0
    Post.objects.filter(pk=post_id).update(thread_count=F("thread_count") + 1)
    return 1


# What the posting path reads of a parent (and of the parent's parent, for the depth cap):
# the checks, the tree columns and the name for the "in reply to" cue.
# In the model's field order, as Model.from_db() expects the values.
_PARENT_FIELDS = tuple(
    field.attname
    for field in Comment._meta.concrete_fields
    if field.attname
    in {"id", "post_id", "parent_id", "status", "name", "tree_id", "lft", "rght", "level"}
)


def _locked_parent(parent_id):
    """The parent (or None), in one statement, under the tree lock.

    Plain SQL, as this runs with every reply: building the ORM's join costs more than running
    it. The parent's own parent comes joined, cached on it (`parent.parent`)."""
    if not -(2**63) <= int(parent_id) < 2**63:
        return None  # no such row (and the database could not even take the number)
    with connection.cursor() as cursor:
        cursor.execute(_parent_sql(), [parent_id])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(_PARENT_FIELDS)
    parent = Comment.from_db(connection.alias, _PARENT_FIELDS, row[:width])
    if row[width + _PARENT_FIELDS.index("id")] is not None:
        parent.parent = Comment.from_db(connection.alias, _PARENT_FIELDS, row[width:])
    return parent


@cache
def _parent_sql():
    quote = connection.ops.quote_name
    table = quote(Comment._meta.db_table)
    columns = [quote(Comment._meta.get_field(name).column) for name in _PARENT_FIELDS]
    selected = ", ".join([*(f"p.{c}" for c in columns), *(f"g.{c}" for c in columns)])
    pk, parent = quote(Comment._meta.pk.column), quote(Comment._meta.get_field("parent").column)
    return (
        f"SELECT {selected} FROM {table} p "  # noqa: S608
        f"LEFT JOIN {table} g ON g.{pk} = p.{parent} WHERE p.{pk} = %s"
    )


def _next_tree_id():
    """The next free tree id (django-mptt's MAX + 1), under the new-tree lock."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    tree_id = connection.ops.quote_name(Comment._meta.get_field("tree_id").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({tree_id}) FROM {table}")  # noqa: S608
        (top,) = cursor.fetchone()
    return (top or 0) + 1


def _make_room_under(parent, comment):
    """Open a gap of two at the end of `parent`'s subtree and place `comment` in it (its last
    child): the same single UPDATE django-mptt runs, with the parent's current values read
    under the lock, so no second read of the parent is needed."""
    right, tree_id = parent.rght, parent.tree_id
    table = connection.ops.quote_name(Comment._meta.db_table)
    lft, rght, tree = (
        connection.ops.quote_name(Comment._meta.get_field(name).column)
        for name in ("lft", "rght", "tree_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608
            f"{lft} = CASE WHEN {lft} > %s THEN {lft} + 2 ELSE {lft} END, "
            f"{rght} = CASE WHEN {rght} >= %s THEN {rght} + 2 ELSE {rght} END "
            f"WHERE {tree} = %s AND {rght} >= %s",
            [right, right, tree_id, right],
        )
    comment.tree_id, comment.lft, comment.rght = tree_id, right, right + 1
    comment.level = parent.level + 1
    # The in-memory parent now spans its new child, as django-mptt leaves it.
    parent.rght = right + 2


def store_fragment(comment, *, names=None):
    """Draw a saved comment and store its HTML (models.Fragment) with one statement.

    `names` maps the pks of public comments it answers to their names when the caller has
    them; otherwise they are looked up.
    """
    html, version = drawing.fragment(comment, names=names)
    write_fragments([(comment.pk, html, version)])


def write_fragments(rows):
    """Store (comment pk, html, version) rows in the fragment table, replacing what a comment
    had: one statement for one row (the posting path), executemany in batches for more."""
    sql = _fragment_sql()
    with connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
            return
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])


@cache
def _fragment_sql():
    # INSERT ... ON CONFLICT: SQLite 3.24+ and PostgreSQL 9.5+ spell it the same way.
    quote = connection.ops.quote_name
    table = quote(Fragment._meta.db_table)
    key, html, version = (
        quote(Fragment._meta.get_field(name).column) for name in ("comment", "html", "version")
    )
    return (
        f"INSERT INTO {table} ({key}, {html}, {version}) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{html} = EXCLUDED.{html}, {version} = EXCLUDED.{version}"
    )


def announce(event, **data):
    """Tell the listeners of settings.COMMENTS_LISTENERS about a change, in the transaction
    that makes it.

    Events: "posted" (pk, wants_replies), "status" (pks, status), "edited" (pk). Listeners
    only enqueue background work (notifications/), and nothing of it may outlive a rolled-back
    change: what a listener writes to this database commits or rolls back with the change
    (the database task queue: one commit for the comment and its task), anything else waits
    for the commit (transaction.on_commit).
    """
    for listener in _listeners(tuple(settings.COMMENTS_LISTENERS)):
        listener(event, **data)


@cache
def _listeners(paths):
    return [import_string(path) for path in paths]


def change_text(comment, body, *, edited_at=None, redacted=False):
    """Give a stored comment new text (an edit, a moderator's redaction) and redraw it.

    Only the text columns and the stored HTML are written: no tree columns, no tree lock.
    `redacted=True` marks a moderator's edit: the page then says "edited by a moderator".
    """
    comment.body = body
    comment.edited_at = edited_at or timezone.now()
    fields = ["body", "edited_at"]
    if redacted:
        comment.redacted = True
        fields.append("redacted")
    with transaction.atomic():
        comment.save(update_fields=fields)
        store_fragment(comment)
        discussion_changed(comment.post_id, [comment.tree_id])
    return comment


def edit_comment(comment, body, *, verdict):
    """The commenter's own edit: keep the old text, store the new one, redraw, and put the
    comment back in the queue when the policy (asked about the new text) holds it.

    Returns the comment; `comment.status` says whether it is still public.
    """
    with transaction.atomic():
        lock_post(comment.post_id)
        CommentRevision.objects.create(comment=comment, body=comment.body)
        was_public = comment.is_public
        held = verdict.status != Comment.Status.APPROVED
        if held:
            comment.status = Comment.Status.PENDING
            comment.moderation_reasons = [
                *comment.moderation_reasons,
                *({"code": r.code, "text": f"After an edit: {r.text}"} for r in verdict.reasons),
            ]
            comment.save(update_fields=["status", "moderation_reasons", "moderation_codes"])
        change_text(comment, body)
        if was_public and held:
            _recount([comment.post_id])
            announce("status", pks=[comment.pk], status=comment.status)
        announce("edited", pk=comment.pk)
    return comment


def withdraw_comment(comment, *, erase=False):
    """The commenter takes back their comment: gone for good when it has no replies,
    otherwise a "deleted by its author" placeholder keeps the replies in place. With `erase`
    the placeholder keeps no name, e-mail, website, text, address or user agent either.

    Returns "deleted" or "placeholder".
    """
    with transaction.atomic():
        lock_post(comment.post_id)
        fresh = Comment.objects.filter(pk=comment.pk).first()
        if fresh is None:
            return "deleted"
        if fresh.get_descendant_count() == 0:
            fresh.delete()
            _recount([fresh.post_id])
            discussion_changed(fresh.post_id, [fresh.tree_id])
            return "deleted"
        fresh.status = Comment.Status.DELETED
        fields = ["status"]
        if erase:
            fresh.name = fresh.email = fresh.url = fresh.user_agent = fresh.body = ""
            fresh.ip_address = fresh.user = None
            fresh.moderation_reasons = []
            fresh.revisions.all().delete()
            fields += [
                "name",
                "email",
                "url",
                "user_agent",
                "body",
                "ip_address",
                "user",
            ]
            fields += ["moderation_reasons", "moderation_codes"]
        fresh.save(update_fields=fields)
        store_fragment(fresh)
        _recount([fresh.post_id])
        discussion_changed(fresh.post_id, [fresh.tree_id])
    return "placeholder"


def forget_senders(*, days):
    """Clear the IP address and user agent of comments posted more than `days` days ago.
    Neither is part of the stored HTML. Returns how many comments were cleared."""
    cutoff = timezone.now() - timedelta(days=days)
    old = Comment.objects.filter(created_at__lt=cutoff)
    return (
        old.exclude(ip_address__isnull=True, user_agent="")
        .order_by()
        .update(ip_address=None, user_agent="")
    )


def set_featured(comment, featured):
    """Make a comment an editors' pick (or not) and redraw it (the badge is in its HTML).

    Returns True when this changed anything.
    """
    if bool(comment.featured_at) == bool(featured):
        return False
    comment.featured_at = timezone.now() if featured else None
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(featured_at=comment.featured_at)
        store_fragment(comment)
        discussion_changed(comment.post_id, [comment.tree_id])
    return True


def redraw_stale(queryset=None):
    """Store fresh HTML for every comment whose stored HTML is missing or out of date.

    Pages stay right without this (stale comments are drawn at read time); running it after a
    template or settings change, or after a bulk import, brings pages back to full speed.
    Works post by post with bulk updates. Returns the number of comments redrawn.
    """
    version = drawing.fragment_version()
    queryset = Comment.objects.all() if queryset is None else queryset
    stale = queryset.exclude(fragment__version=version)
    post_ids = set(stale.values_list("post_id", flat=True).distinct())
    count = 0
    for post in Post.objects.filter(pk__in=post_ids).only("pk", "author_id"):
        rows = list(stale.filter(post=post).values(*drawing.FULL_FIELDS, "tree_id"))
        drawn = drawing.draw_rows_as_stored(rows, post_author_id=post.author_id)
        with transaction.atomic():
            write_fragments([(pk, html, version) for pk, html in drawn.items()])
            discussion_changed(post.pk, {row["tree_id"] for row in rows})
        count += len(drawn)
    return count


def delete_comment(comment):
    """Hard-delete a comment and its replies; the gap in the tree is closed under the lock.

    Returns the number of comments deleted (0 when it was already gone).
    """
    with transaction.atomic():
        lock_post(comment.post_id)
        fresh = Comment.objects.filter(pk=comment.pk).first()
        if fresh is None:
            return 0
        deleted = fresh.get_descendant_count() + 1
        fresh.delete()
        _recount([comment.post_id])
        discussion_changed(comment.post_id, [fresh.tree_id])
    return deleted


def change_status(comments, new_status):
    """Set the status of the given comments with one UPDATE; returns how many changed.

    Only the status column is written (no tree columns, no tree lock). The approved-comment
    counts of the affected posts are recomputed in the same transaction.
    """
    if new_status not in Comment.Status.values:
        raise ValueError(f"Unknown comment status: {new_status!r}")
    rows = list(comments.order_by().values_list("pk", "post_id", "status", "tree_id"))
    if not rows:
        return 0
    post_ids = sorted({row[1] for row in rows})
    with transaction.atomic():
        # Locking the posts makes the recount below see every committed insert.
        list(Post.objects.select_for_update().filter(pk__in=post_ids).order_by("pk").values("pk"))
        changed = (
            Comment.objects.filter(pk__in=[row[0] for row in rows])
            .exclude(status=new_status)
            .update(status=new_status)
        )
        _recount(post_ids)
        if changed:
            moved = [row for row in rows if row[2] != new_status]
            discussion_changed(None, {row[3] for row in moved})
            announce("status", pks=[row[0] for row in moved], status=new_status)
    return changed


def _recount(post_ids):
    approved = (
        Comment.objects.public()
        .filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Whatever changed the count may have changed the list of threads too: a new stamp.
    Post.objects.filter(pk__in=post_ids).update(
        comment_count=Coalesce(Subquery(approved), Value(0)),
        thread_count=thread_count(OuterRef("pk")),
        comments_stamp=new_stamp(),
    )


def recount(post_ids):
    """Recompute Post.comment_count and thread_count for these posts (after bulk imports)."""
    with transaction.atomic():
        _recount(list(post_ids))


def bulk_tree_writes():
    """A context manager for bulk inserts that number the tree columns themselves (imports):
    django-mptt's own updates are off inside it (docs/tree.md rule 10). Call it inside a
    transaction that holds lock_post() and, for new trees, lock_new_trees()."""
    return Comment._tree_manager.disable_mptt_updates()


def rebuild_tree(tree_id):
    """Recompute one tree's nested-set columns from `parent` (after bulk_tree_writes)."""
    Comment._tree_manager.partial_rebuild(tree_id)


def _lock_sender(comment):
    """Serialise the comments of one sender (see the module docstring)."""
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already holds the database's write lock.
    keys = [f"ip:{comment.ip_address}" if comment.ip_address else ""]
    keys.append(f"email:{comment.email.strip().lower()}" if comment.email else "")
    keys.append(f"user:{comment.user_id}" if comment.user_id else "")
    numbers = sorted({_lock_number(key) for key in keys if key})
    if not numbers:
        return
    with connection.cursor() as cursor:
        # One statement; unnest() yields the sorted numbers in order, so every writer takes
        # its locks in the same order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, number) FROM unnest(%s::integer[]) AS number",
            [SENDER_LOCK_CLASS, numbers],
        )


def _lock_number(key):
    """A 32-bit signed number for a lock key, the same in every process."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)


def lock_post(post_id, *, count=0, stamp=None, threads=0):
    """Take the tree lock of one post for the rest of the transaction; with `count`, add that
    many to its comment_count in the same statement, and with `stamp` give its thread list
    that new stamp (comments/caching.py) and add `threads` to its thread_count.

    PostgreSQL: an UPDATE of the row locks it against every other writer's SELECT ... FOR
    UPDATE or UPDATE as surely as FOR UPDATE does. SQLite (no row locks): the IMMEDIATE
    transaction holds the database's write lock already, so only the count is written.
    """
    if count or stamp is not None:
        # Raw SQL: this runs with every new comment, and the ORM's UPDATE costs more to build
        # than to run.
        with connection.cursor() as cursor:
            if stamp is None:
                cursor.execute(_count_sql(False), [count, post_id])
            else:
                cursor.execute(_count_sql(True), [count, stamp, threads, post_id])
    elif connection.features.has_select_for_update:
        list(Post.objects.select_for_update().filter(pk=post_id).values("pk"))


@cache
def _count_sql(with_stamp):
    quote = connection.ops.quote_name
    column = quote(Post._meta.get_field("comment_count").column)
    stamp = quote(Post._meta.get_field("comments_stamp").column)
    threads = quote(Post._meta.get_field("thread_count").column)
    also = f", {stamp} = %s, {threads} = {threads} + %s" if with_stamp else ""
    return (
        f"UPDATE {quote(Post._meta.db_table)} SET {column} = {column} + %s{also} "  # noqa: S608
        f"WHERE {quote(Post._meta.pk.column)} = %s"
    )


def lock_new_trees():
    """Take the lock that allocating new tree ids needs, for the rest of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])


class LikeRefused(Exception):
    """Too many likes from one address: `status_code` 429, `message` for the reader."""

    status_code = 429
    message = "You have liked many comments in a short time. Please wait a minute."


def like_comment(comment, *, voter, ip_address=None):
    """Record `voter`'s like of a public comment once; returns True when it was new.

    The like, the stored count and the comment's redrawn HTML (the count is part of it, via
    store_fragment, so every cache of the thread sees the change) commit together. The
    per-address limit (settings.COMMENTS_LIKES_PER_MINUTE) is checked under a lock keyed by
    the address (advisory on PostgreSQL, the write lock on SQLite), and "once" is the unique
    (comment, voter) pair, so simultaneous requests on several workers cannot exceed either.
    """
    from .models import CommentLike

    with transaction.atomic():
        if ip_address and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [SENDER_LOCK_CLASS + 1, _lock_number(f"like-ip:{ip_address}")],
                )
        if ip_address:
            since = timezone.now() - timezone.timedelta(minutes=1)
            recent = CommentLike.objects.filter(ip_address=ip_address, created_at__gte=since)
            if recent.count() >= settings.COMMENTS_LIKES_PER_MINUTE:
                raise LikeRefused()
        try:
            with transaction.atomic():
                CommentLike.objects.create(comment=comment, voter=voter, ip_address=ip_address)
        except IntegrityError:
            return False
        Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
        comment.like_count = Comment.objects.filter(pk=comment.pk).values_list(
            "like_count", flat=True
        )[0]
        store_fragment(comment)
        # Only a top-level comment's likes order the threads ("Most liked").
        discussion_changed(comment.post_id, [comment.tree_id])
    return True
