"""Pages of a post's discussion: which threads a page holds, and the page drawn from them.

Reading a page is mostly a string join of the HTML stored with each comment
(comments/drawing.py):

1. one query: the tree ids of this page's threads in the reader's order; the number of
   threads is stored on the post (Post.thread_count), or counted in the same query for a
   viewer with held comments of their own,
2. one query: every comment of those trees in thread order, as named rows with the stored HTML,
3. only when needed, one more query: the full rows of comments that must be drawn now
   (placeholders, the viewer's own held comment, a reply whose parent is now hidden, a stale
   version after a template change, or every comment when the page is served at another
   address).

A single backwards pass decides which comments are drawn; a forward pass opens and closes
the replies wrappers with a stack (no recursion, docs/tree.md rule 6). Hidden comments are
never filtered out before the walk (rule 7): a removed or held comment with visible replies
becomes a placeholder so its replies keep their place. Every tag comes from the templates;
this module selects rows and joins strings.
"""

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BinaryField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.utils import create_namedtuple_class
from django.utils.safestring import mark_safe

from blog.models import Post
from blog.prepared import Prepared

from . import caching
from .drawing import FULL_FIELDS, draw, fragment_version, make_node, parts
from .models import Comment

ORDERS = {
    "oldest": "Oldest",
    "newest": "Newest",
    "replies": "Most replies",
    "liked": "Most liked",
    # Editors' picks (featured comments) lift their whole thread.
    "featured": "Featured first",
}
DEFAULT_ORDER = "oldest"
# Every status the public does not see (held, spam, removed, deleted), spelled out for the
# queries that find hidden comments through an index, or that must not use one for them.
HIDDEN_STATUSES = tuple(status for status in Comment.Status if status != Comment.Status.APPROVED)
# What the page walk needs of every comment (walk_rows() adds the stored HTML as `stored`);
# full rows are fetched only for the few drawn now.
WALK_FIELDS = (
    "pk",
    "parent_id",
    "tree_id",
    "lft",
    "rght",
    "level",
    "status",
    "in_reply_to_id",
    "html_version",
)
# Page numbers above this are treated as "past the end": the offset must fit the database's
# integer type (a huge ?cpage= was a 500).
MAX_PAGE = 100_000


class StoredBytes(Func):
    """A text column read as its UTF-8 bytes, so that the stored HTML of thousands of
    comments goes from the database to the response without being decoded, joined as text
    (a single emoji makes CPython hold a whole joined page at 4 bytes a character) and encoded
    again."""

    output_field = BinaryField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS BLOB)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="convert_to(%(expressions)s, 'UTF8')", **extra
        )


def walk_rows(queryset, *, stored=True):
    """Named WALK_FIELDS rows of `queryset` in thread order, with `stored`: the stored HTML
    (models.Fragment) as UTF-8 bytes; with stored=False, None; with a condition (a Q, see
    _heads_query), the HTML of the rows that meet it and None for the others. draw_rows()
    draws a comment without stored HTML from its full row."""
    return list(_walk_queryset(queryset, stored).values_list(*WALK_FIELDS, "stored", named=True))


def _walk_queryset(queryset, stored=True):
    """`queryset` in thread order with `html_version` (the stored HTML's version, None where
    there is none) and `stored` (see walk_rows) annotated, from the fragment table."""
    queryset = queryset.in_thread_order()
    if stored is False:  # every row is drawn from its full row: no join
        return queryset.annotate(
            html_version=Value(None, output_field=CharField()),
            stored=Value(None, output_field=BinaryField()),
        )
    queryset = queryset.annotate(html_version=F("fragment__version"))
    if stored is True:
        return queryset.annotate(stored=StoredBytes("fragment__html"))
    return queryset.annotate(
        stored=Case(When(stored, then=StoredBytes("fragment__html")), output_field=BinaryField())
    )


def _named(rows):
    """Prepared walk rows as walk_rows() gives them (named tuples)."""
    new = tuple.__new__
    return [new(_WalkRow, row) for row in rows]


def _prepared_for_trees(rows_of):
    """Two Prepared queries of rows_of(a post's comments in some trees): one listing the
    trees, one selecting the span of tree ids they cover, for more than MANY_TREES."""
    listed = Prepared(
        lambda post, trees: rows_of(Comment.objects.filter(post_id=post[0], tree_id__in=trees))
    )
    span = Prepared(
        lambda post, span: rows_of(
            Comment.objects.filter(post_id=post[0], tree_id__gte=span[0], tree_id__lte=span[1])
        )
    )
    return listed, span


def _rows_of_trees(queries, post_pk, tree_ids, tree_at):
    """The rows of `queries` (_prepared_for_trees) in these trees of a post; `tree_at` is the
    position of the tree id in a row."""
    listed, span = queries
    if len(tree_ids) > MANY_TREES:
        wanted = set(tree_ids)
        rows = span.rows([post_pk], [min(tree_ids), max(tree_ids)])
        return [row for row in rows if row[tree_at] in wanted]
    return listed.rows([post_pk], tree_ids)


# The walk of whole threads, with their stored HTML, runs on every cold page: compiled once
# per number of threads (blog.prepared), as building it cost about as much as running it.
_WALK = _prepared_for_trees(
    lambda comments: _walk_queryset(comments).values_list(*WALK_FIELDS, "stored")
)
_WalkRow = create_namedtuple_class(*WALK_FIELDS, "stored")
_TREE_ID = WALK_FIELDS.index("tree_id")
# The top comments' (rght, thread_stamp), the thread cache's keys, read on every page whose
# thread list came from the cache but that is not served whole (signed-in readers, readers
# with a session).
_ROOTS = _prepared_for_trees(
    lambda comments: comments.filter(level=0).values_list("tree_id", "rght", "thread_stamp")
)


def walk_trees(post_pk, tree_ids):
    """walk_rows() of these whole threads of a post (the rows of these trees only)."""
    if not tree_ids:
        return []
    return _named(_rows_of_trees(_WALK, post_pk, tree_ids, _TREE_ID))


def root_stamps(post_pk, tree_ids):
    """{tree_id: (rght, thread_stamp)} of these threads' top comments."""
    if not tree_ids:
        return {}
    rows = _rows_of_trees(_ROOTS, post_pk, tree_ids, 0)
    return {tree_id: (rght, stamp) for tree_id, rght, stamp in rows}


@dataclass
class DiscussionPage:
    number: int
    num_pages: int
    order: str
    total_threads: int
    # The drawn threads as UTF-8 bytes, in page order (comments/middleware.py splices them).
    parts: list = field(default_factory=list)
    comments_shown: int = 0
    thread_ids: list = field(default_factory=list)

    @property
    def html(self):
        """The drawn threads as one safe string (the response splices `parts` instead)."""
        return _safe_text(self.parts)

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def page_numbers(self):
        """The page numbers the page list links: the first and last two, and two either side
        of this one, with None where numbers are left out (so a 600-page discussion draws a
        dozen links, not 600)."""
        wanted = {1, 2, self.num_pages - 1, self.num_pages}
        wanted.update(range(self.number - 2, self.number + 3))
        numbers = []
        for number in sorted(n for n in wanted if 1 <= n <= self.num_pages):
            if numbers and number > numbers[-1] + 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def threads_per_page():
    return max(1, settings.COMMENTS_THREADS_PER_PAGE)


def clean_order(value):
    return value if value in ORDERS else DEFAULT_ORDER


def roots(post, pending_ids=()):
    """The top-level comments of the threads a reader sees: those with something to show.

    A thread is shown when it holds a comment visible to this viewer (a hidden root then
    becomes a placeholder); threads with nothing visible take no place on the pages.
    """
    shown = Comment.objects.visible_to(pending_ids).filter(tree_id=OuterRef("tree_id"))
    return Comment.objects.filter(post=post, level=0).filter(
        Comment.visible_q(pending_ids) | Exists(shown)
    )


def ordered_roots(post, order, pending_ids=()):
    if order == "newest":
        return roots(post, pending_ids).order_by("-created_at", "-pk")
    if order == "replies":
        # rght - lft grows with the size of the thread; no per-thread count query is needed.
        return roots(post, pending_ids).order_by(F("lft") - F("rght"), "created_at", "pk")
    if order == "featured":
        return featured_first(roots(post, pending_ids))
    if order == "liked":
        # Threads by their top-level comment's stored likes; inside a thread replies keep
        # their place (the walk below is always in thread order).
        return roots(post, pending_ids).order_by("-like_count", "created_at", "pk")
    return roots(post, pending_ids).order_by("created_at", "pk")


def featured_first(queryset):
    """Threads holding a public featured comment first (newest pick first), then oldest."""
    picks = Comment.objects.featured().filter(tree_id=OuterRef("tree_id"))
    return queryset.alias(
        picked=Subquery(picks.order_by("-featured_at").values("featured_at")[:1])
    ).order_by(F("picked").desc(nulls_last=True), "created_at", "pk")


def page_of(comment):
    """The page (in the default order) that shows `comment`'s thread."""
    root = (
        Comment.objects.filter(tree_id=comment.tree_id, level=0).values("created_at", "pk").first()
    )
    if root is None:
        return 1
    before = (
        roots(comment.post_id)
        .filter(
            Q(created_at__lt=root["created_at"])
            | Q(created_at=root["created_at"], pk__lt=root["pk"])
        )
        .count()
    )
    return before // threads_per_page() + 1


def comment_url(comment, page=None):
    """The address that shows this comment: the post page, ?cpage=N#comment-<pk>, or the
    thread page that the post page's folding leaves it to ("Continue this thread")."""
    page = page_of(comment) if page is None else page
    folded = _folded_at(comment, page)
    if folded is not None:
        return thread_url(*folded, anchor=comment.pk)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def _folded_at(comment, page):
    """where_shown() for `comment` on `page` of the post page in the default order: one
    query for the page's threads, and one more only when its thread may be folded."""
    fold = page_fold()
    if comment.level == 0 or (
        fold.depth is None and fold.replies is None and not settings.COMMENTS_PAGE_COMMENTS
    ):
        return None  # a top-level comment is always on its page
    per_page = threads_per_page()
    start = (page - 1) * per_page
    page_roots = dict(
        ordered_roots(comment.post_id, DEFAULT_ORDER).values_list("tree_id", "rght")[
            start : start + per_page
        ]
    )
    this = _folds_for(list(page_roots), {t: (r, 0) for t, r in page_roots.items()}).get(
        comment.tree_id, fold
    )
    size = page_roots.get(comment.tree_id, 0) // 2
    deep = this.depth is not None and comment.level >= this.depth
    long = this.replies is not None and size > 1 + this.replies
    if not (deep or long):
        return None
    return where_shown(comment, this)


@dataclass(frozen=True)
class Fold:
    """How much of a thread a page shows; the rest is behind "Continue this thread" links.

    `depth`: replies this many levels below the thread's top comment (or deeper) are folded
    under their ancestor one level up; None shows every level. `replies`: replies shown
    below the top comment before the rest of the thread is folded; None shows them all.
    """

    depth: int | None = None
    replies: int | None = None


WHOLE = Fold()


def page_fold():
    """The folding of the post page (settings.COMMENTS_FOLD_DEPTH / _REPLIES; 0 is off)."""
    return Fold(settings.COMMENTS_FOLD_DEPTH or None, settings.COMMENTS_FOLD_REPLIES or None)


def load_page(post, *, number=1, order=DEFAULT_ORDER, pending_ids=(), staff=False, link_base=""):
    """One page of whole threads, drawn: a DiscussionPage whose .html is safe to show.

    `link_base` is the post's address when the page is served at another one (after a failed
    POST), so that the relative Reply links still lead to the post. Threads come from the
    thread cache (comments/caching.py) except for staff (their links are in the page), pages
    served at another address, and threads holding the viewer's own held comment.
    """
    per_page = threads_per_page()
    order = clean_order(order)
    number = min(max(1, number), MAX_PAGE)
    pending_ids = set(pending_ids)
    shared = caching.enabled() and not staff and not link_base
    # What this view stores in the cache, written at the end in one set_many (the database
    # cache writes it in one transaction, config/cache.py).
    to_store = {}
    number, tree_ids, total, roots = _page_index(
        post,
        order,
        number,
        per_page,
        pending_ids,
        store=to_store if shared and not pending_ids else None,
    )
    if roots is None:
        roots = root_stamps(post.pk, tree_ids)
    page = DiscussionPage(
        number=number,
        num_pages=max(1, math.ceil(total / per_page)),
        order=order,
        total_threads=total,
        thread_ids=tree_ids,
    )
    folds = _folds_for(tree_ids, roots)
    own = set()
    if pending_ids:
        own = set(
            Comment.objects.filter(pk__in=pending_ids, post=post)
            .order_by()
            .values_list("tree_id", flat=True)
        ) & set(tree_ids)
    drawn = {}
    keys = {}
    if shared:
        version = fragment_version()
        for tree_id in tree_ids:
            if tree_id in roots and tree_id not in own:
                size, stamp = roots[tree_id]
                fold = folds[tree_id]
                variant = f"{version}:{fold.depth}:{fold.replies}:{settings.COMMENTS_THREAD_PAGE}"
                keys[tree_id] = caching.thread_key(tree_id, size, stamp, variant)
        hits = caching.get_many(list(keys.values()))
        drawn = {tree_id: hits[key] for tree_id, key in keys.items() if key in hits}
    missing = [tree_id for tree_id in tree_ids if tree_id not in drawn]
    if missing:
        # A busy thread (far more comments than its fold shows) is read from its head: the
        # comments it draws, found through the index, and the few hidden ones, which are all
        # its "Continue this thread" counts need. So a page costs what it shows, not what its
        # threads hold.
        busy = [t for t in missing if t in roots and _is_busy(folds[t], roots[t][0])]
        whole = [t for t in missing if t not in busy]
        if busy:
            rows, marks, ends = _heads(post, busy, whole, folds, roots, pending_ids)
        else:
            rows = walk_trees(post.pk, whole)
            marks, ends = mark_rows(rows, pending_ids), {}
        for thread in draw_rows(
            rows,
            post=post,
            pending_ids=pending_ids,
            staff=staff,
            link_base=link_base,
            folds=folds,
            marks=marks,
            ends=ends,
        ):
            drawn[thread.tree_id] = (thread.html, thread.shown)
        to_store.update({keys[t]: drawn[t] for t in missing if t in keys and t in drawn})
    caching.set_many(to_store)
    parts_of_page = [drawn[tree_id] for tree_id in tree_ids if tree_id in drawn]
    page.parts = [html for html, _ in parts_of_page]
    page.comments_shown = sum(shown for _, shown in parts_of_page)
    return page


# Past this many threads a query selects a range of tree ids instead of listing them: a
# whole discussion of 100,000 comments has 30,000 threads, near SQLite's limit of 32,766
# query parameters, and a long IN list costs more to build than the few rows it leaves out.
MANY_TREES = 500


def _safe_text(parts):
    # Every piece is HTML drawn by the autoescaping templates (comments/drawing.py).
    return mark_safe(b"".join(parts).decode())  # noqa: S308


def _drawn_at_most(fold, rght):
    size = rght // 2  # rows in the thread, hidden ones included (the root's lft is 1)
    return min(size, 1 + fold.replies) if fold.replies is not None else size


# A thread holding more than twice what its fold draws, plus this, is read from its head.
BUSY_SLACK = 50


def _is_busy(fold, rght):
    return rght // 2 > 2 * _drawn_at_most(fold, rght) + BUSY_SLACK


def _heads(post, tree_ids, whole, folds, roots, pending_ids):
    """The rows draw_rows() needs of these busy threads and of the `whole` ones (every row),
    their Marks, and the busy threads' ends, in one query whatever the threads hold.

    The nested set tells most of what a walk of every row would count. In pre-order a
    comment has (lft - 1 + level) / 2 comments before it, and (rght - lft - 1) / 2 below it;
    of those, the ones this viewer cannot see are among the post's hidden comments (held,
    spam, removed or deleted: few), read with the head. A hidden comment is kept as a
    placeholder when something visible lies below it. So one query reads:
    - the head: the first published comments of each thread above the fold depth, in thread
      order, as many as the fold draws and the cut (found in the (post, tree_id, lft, level,
      status) index alone, with a LIMIT);
    - the post's hidden comments, without their HTML (through the (post, status) index);
    Every row of a thread up to its head's last published comment is then at hand: the
    published ones before it are in the head, the others are hidden. From them come each
    drawn comment's visible replies (its "N more replies" link), and where a thread is cut
    ("Continue this thread"), the visible comments from there on and the cut's place among
    the kept comments (the page of its thread page). A page of busy threads reads what it
    draws and the post's hidden comments, however many hidden comments sit in the heads.

    Returns (rows, Marks, {tree_id: (kept comments before the cut, visible comments from
    the cut on)}).
    """
    # The root, the replies the fold draws and the first one past them (the cut). Kept
    # placeholders and the viewer's own held comments only bring the cut sooner.
    heads = {tree_id: folds[tree_id].replies + 2 for tree_id in tree_ids}
    if len(whole) > MANY_TREES:
        mode, span = "span", [min(whole), max(whole)]
    else:
        mode, span = ("list" if whole else "none"), list(whole)
    busy = list(heads)
    shape = (tuple((folds[t].depth, heads[t]) for t in busy), mode)
    rows = _named(_HEADS.rows([post.pk], busy, span, shape=shape))
    wanted = set(whole)
    walked = [row for row in rows if row.tree_id in wanted]
    rows = [row for row in rows if row.tree_id not in wanted]
    marks = mark_rows(walked, pending_ids)
    # A busy thread's rows here are its head (published) and its hidden comments (with
    # those of the post's other threads). Its head ends at the last published row read when
    # the LIMIT was reached, or else takes every row above the fold depth.
    hidden = {tree_id: [] for tree_id in tree_ids}
    by_tree = {}
    published = {}
    for row in rows:
        if row.tree_id not in heads:
            continue
        if not Comment.visible_to_viewer(row.pk, row.status, pending_ids):
            hidden[row.tree_id].append(row)
            marks.hidden.add(row.pk)
        depth = folds[row.tree_id].depth
        if depth is None or row.level < depth:
            by_tree.setdefault(row.tree_id, []).append(row)
            if Comment.public_status(row.status):
                published.setdefault(row.tree_id, []).append(row.lft)
    head = []
    ends = {}
    for tree_id in tree_ids:
        lfts = [row.lft for row in hidden[tree_id]]

        def hidden_below(lft, rght, lfts=lfts):
            return bisect_left(lfts, rght) - bisect_right(lfts, lft)

        skipped = [
            row.lft
            for row in hidden[tree_id]
            if (row.rght - row.lft - 1) // 2 == hidden_below(row.lft, row.rght)
        ]
        firsts = published.get(tree_id, ())
        last = firsts[-1] if len(firsts) >= heads[tree_id] else None
        budget = folds[tree_id].replies
        replies = 0
        for row in by_tree.get(tree_id, ()):
            if last is not None and row.lft > last:
                break
            head.append(row)
            seen = (row.rght - row.lft - 1) // 2 - hidden_below(row.lft, row.rght)
            if row.pk not in marks.hidden or seen:
                marks.keep.add(row.pk)
            if seen:
                marks.below[row.pk] = seen
            if row.pk not in marks.keep or row.level == 0:
                continue
            if replies < budget:
                replies += 1
                continue
            # The cut: the thread's first reply past its fold's budget.
            before = (row.lft - 1 + row.level) // 2
            size = roots[tree_id][0] // 2
            from_here = size - before - (len(lfts) - bisect_left(lfts, row.lft))
            ends[tree_id] = (before - bisect_left(skipped, row.lft), from_here)
            break
    return walked + head, marks, ends


def _heads_query(post, busy, whole, limits, mode):
    """The walk of _heads(): the busy threads' heads, the post's hidden comments and every
    row of the `whole` threads (listed, or a span of tree ids less the busy ones).

    The rows are picked by their ids, from one UNION ALL of those parts. Written as an OR
    of the parts, PostgreSQL scanned the whole comment table and its fragments, testing
    each row against every part (15 ms at 10,000 comments, growing with the table), and
    SQLite read each head twice."""
    post = post[0]
    parts = [
        _head(post, tree_id, depth, count)
        for tree_id, (depth, count) in zip(busy, limits, strict=True)
    ]
    mine = Comment.objects.filter(post=post).order_by()
    parts.append(mine.filter(status__in=HIDDEN_STATUSES).values("pk"))
    if mode == "span":
        parts.append(
            mine.filter(tree_id__gte=whole[0], tree_id__lte=whole[1])
            .exclude(tree_id__in=busy)
            .values("pk")
        )
    elif mode == "list":
        parts.append(mine.filter(tree_id__in=whole).values("pk"))
    picked = parts[0].union(*parts[1:], all=True)
    return _walk_queryset(
        Comment.objects.filter(pk__in=picked), Q(status=Comment.Status.APPROVED)
    ).values_list(*WALK_FIELDS, "stored")


def _head(post, tree_id, depth, count):
    """The ids of the first `count` published comments above `depth` of a thread (a
    compound query takes no LIMIT of its own parts: the LIMIT is in a subquery)."""
    # Published, spelled as "not hidden": a test no index can start from, so the database
    # walks the thread's (post, tree_id, lft, level, status) index in order, from the index
    # alone, and stops at the LIMIT. Spelled `status = 'approved'` (or without the status in
    # that index), SQLite read every published comment of the post through another index
    # and sorted them, for each thread: page 1 of 100,000 comments took 450 ms, not 20.
    shallow = Comment.objects.filter(post=post, tree_id=tree_id).exclude(status__in=HIDDEN_STATUSES)
    if depth is not None:
        shallow = shallow.filter(level__lt=depth)
    firsts = shallow.order_by("lft").values("pk")[:count]
    return Comment.objects.filter(pk__in=firsts).order_by().values("pk")


# Compiled once per number of threads and fold (blog.prepared), as the walks above are.
_HEADS = Prepared(_heads_query)


def _folds_for(tree_ids, roots):
    """The Fold of each thread of a page: the page's folding, and past the page's budget of
    comments (settings.COMMENTS_PAGE_COMMENTS) the thread's top comment alone, so a page of
    busy threads stays small. Thread sizes come from the roots' nested-set bounds."""
    fold = page_fold()
    budget = settings.COMMENTS_PAGE_COMMENTS or None
    alone = Fold(fold.depth, 0)
    folds = {}
    used = 0
    for tree_id in tree_ids:
        if budget is not None and used >= budget:
            folds[tree_id] = alone
            continue
        folds[tree_id] = fold
        used += _drawn_at_most(fold, roots.get(tree_id, (2, 0))[0])
    return folds


def _page_index(post, order, number, per_page, pending_ids, *, store):
    """(page number, tree ids of the page's threads in the reader's order, number of
    threads, {tree_id: (rght, thread_stamp)} or None when only the ids came from the cache).

    With `store` (a dict) the index is read from the cache, and when it is not there the
    entry to cache is added to `store` for the caller to write; with None it is computed.
    A page number past the end (an old link) gives the last page.
    """

    def compute():
        nonlocal number
        total = None if pending_ids else _stored_thread_count(post)
        if total:
            number = min(number, math.ceil(total / per_page))
            rows = _page_of_counted(post, order, (number - 1) * per_page, per_page, total)
            if rows:
                return number, rows, total
            # The stored count is ahead of the rows (written outside comments.posting):
            # count them.
        start = (number - 1) * per_page
        rows, total = _page_of_roots(post, order, start, per_page, pending_ids)
        if not rows and total:
            number = math.ceil(total / per_page)
            rows, total = _page_of_roots(
                post, order, (number - 1) * per_page, per_page, pending_ids
            )
        return number, rows, total

    if store is None:
        number, rows, total = compute()
        return number, [r[0] for r in rows], total, {r[0]: (r[1], r[2]) for r in rows}
    key = caching.index_key(post, order, per_page, number)
    hit = caching.get(key)
    if hit is not None:
        number, tree_ids, total = hit
        return number, tree_ids, total, None
    number, rows, total = compute()
    tree_ids = [r[0] for r in rows]
    store[key] = (number, tree_ids, total)
    return number, tree_ids, total, {r[0]: (r[1], r[2]) for r in rows}


def _stored_thread_count(post):
    """Post.thread_count when `post` is a Post that holds it (None: count the threads)."""
    if not isinstance(post, Post) or "thread_count" in post.get_deferred_fields():
        return None
    return post.thread_count


def _page_of_counted(post, order, start, per_page, total):
    """(tree_id, rght, thread_stamp) of one page of the public's threads, `total` of them:
    read from whichever end of the order is nearer, so that the first and the last pages
    cost a few rows of the index, not an OFFSET past every thread before them."""
    end = min(start + per_page, total)
    if start <= total - end:
        return _PAGE_OF_ROOTS.rows([post.pk], shape=(order, False, start, end))
    backwards = _PAGE_OF_ROOTS.rows([post.pk], shape=(order, True, total - end, total - start))
    return list(reversed(backwards))


def _roots_slice(post, order, backwards, start, end):
    roots = ordered_roots(post[0], order)
    if backwards:
        roots = roots.reverse()
    return roots.values_list("tree_id", "rght", "thread_stamp")[start:end]


# Compiled once per order and slice (blog.prepared): building the query cost more than
# running it, on every cold page.
_PAGE_OF_ROOTS = Prepared(_roots_slice)


def _page_of_roots(post, order, start, per_page, pending_ids=()):
    """(tree_id, rght, thread_stamp) of one page of threads plus the number of threads, in
    one query."""
    page = list(
        ordered_roots(post, order, pending_ids)
        .annotate(total=thread_count(post, pending_ids))
        .values_list("tree_id", "rght", "thread_stamp", "total")[start : start + per_page]
    )
    if page:
        return [row[:3] for row in page], page[0][3]
    return [], roots(post, pending_ids).count() if start else 0


def thread_count(post, pending_ids=()):
    """The number of roots(post, pending_ids), as an expression the database computes once
    per query: the visible top-level comments, counted from an index, plus the hidden ones
    with something visible below them (few). A window COUNT over roots() would look at
    every top-level comment's row and sort them all, on every page (30,000 at 100,000
    comments)."""
    top = Comment.objects.filter(post=post, level=0).order_by()
    visible = Comment.visible_q(pending_ids)
    # Not visible, spelled with the other statuses so that the index on (post, status,
    # level) finds them without reading every top-level row.
    hidden = top.filter(status__in=HIDDEN_STATUSES).exclude(visible)
    shown = Comment.objects.visible_to(pending_ids).filter(tree_id=OuterRef("tree_id"))

    def counted(queryset):
        return Subquery(queryset.values("post").annotate(n=Count("pk")).values("n"))

    return Coalesce(counted(top.filter(visible)), 0) + Coalesce(
        counted(hidden.filter(Exists(shown))), 0
    )


@dataclass
class Marks:
    """Which rows of a walk are drawn: `keep` (visible ones and hidden ones with something
    drawn below them), `hidden` (not visible to this viewer; drawn as placeholders when
    kept) and `below` (pk -> visible comments below it)."""

    keep: set
    hidden: set
    below: dict


def mark_rows(rows, pending_ids):
    """The Marks of thread-ordered rows (one backwards pass: children follow their parent in
    pre-order, so every child is seen before its parent)."""
    visible = Comment.visible_to_viewer
    keep = set()
    hidden = set()
    below = {}
    for row in reversed(rows):
        pk = row.pk
        seen = visible(pk, row.status, pending_ids)
        if seen:
            keep.add(pk)
        else:
            hidden.add(pk)
            if pk not in keep:
                continue
        parent = row.parent_id
        if parent is not None:
            keep.add(parent)
            below[parent] = below.get(parent, 0) + below.get(pk, 0) + seen
    return Marks(keep, hidden, below)


@dataclass
class DrawnThread:
    tree_id: int
    html: bytes  # UTF-8
    shown: int


def thread_url(pk, page=1, anchor=None):
    """The address of a comment's own thread page (comments.views.thread)."""
    return _thread_link(parts(), pk, page, anchor)


def draw_rows(
    rows,
    *,
    post,
    pending_ids,
    staff=False,
    link_base="",
    folds=None,
    fold=WHOLE,
    base_level=0,
    marks=None,
    ends=None,
):
    """Join the stored HTML of walk_rows() rows, with placeholders, nesting and folding, as
    UTF-8 bytes. Returns a DrawnThread for each thread with something drawn, in order.

    `folds` maps tree_id -> Fold (default `fold` for all); `base_level` is the level of the
    top comment of the walk (a thread page starts deeper); `marks` may be computed by the
    caller over more rows than are drawn (a page of a thread); `ends` maps tree_id -> (kept
    comments before the cut, visible comments from it on) for threads whose rows stop at the
    cut (_heads()).
    """
    marks = marks or mark_rows(rows, pending_ids)
    keep, hidden, below = marks.keep, marks.hidden, marks.below
    version = fragment_version()
    public = Comment.public_status
    tags = parts()
    thread_page = max(1, settings.COMMENTS_THREAD_PAGE)
    closings = {}
    threads = []
    late = []  # (pieces, index, pk): comments that cannot use the HTML stored for everyone
    # The state of the thread being drawn; reset when the next thread starts.
    tree_id = pieces = stack = previous = cut = depth = budget = top = None
    replies = shown = kept_index = 0
    for row in rows:
        pk = row.pk
        if pk not in keep:
            continue
        if row.tree_id != tree_id:
            if pieces is not None:
                _finish(threads, tree_id, pieces, stack, previous, cut, shown, tags, closings)
            tree_id = row.tree_id
            this = folds.get(tree_id, fold) if folds else fold
            depth, budget = this.depth, this.replies
            pieces, stack, previous, cut = [], [], None, None
            replies = shown = 0
            kept_index = -1
            top = pk
        kept_index += 1
        level = row.level - base_level
        if cut is not None:
            if pk not in hidden:
                cut[1] += 1
            continue
        if depth is not None and level >= depth:
            continue
        if level >= 1 and budget is not None:
            if replies == budget:
                # Close down to the top comment's replies (or its own article when none is
                # drawn yet); the link to the rest comes when the thread ends.
                if stack:
                    pieces.append(_closing(tags, len(stack) - 1, closings))
                    del stack[1:]
                end = ends.get(tree_id) if ends else None
                if end is None:
                    end = (kept_index, int(pk not in hidden))
                link = _thread_link(tags, top, end[0] // thread_page + 1, pk)
                cut = [link, end[1]]
                continue
            replies += 1
        if previous is not None:
            if row.lft < previous.rght:
                pieces.append(tags.open_replies)
                stack.append(previous.rght)
            else:
                closed = 0
                while stack and stack[-1] < row.lft:
                    stack.pop()
                    closed += 1
                pieces.append(_closing(tags, closed, closings))
        if (
            row.html_version != version
            or link_base
            or not row.stored
            or not public(row.status)
            or (
                hidden and (pk in hidden or row.parent_id in hidden or row.in_reply_to_id in hidden)
            )
        ):
            late.append((pieces, len(pieces), pk))
        pieces.append(row.stored)
        shown += 1
        if staff:
            pieces += (tags.staff_before, str(pk).encode(), tags.staff_after)
        if depth is not None and level == depth - 1 and below.get(pk):
            pieces.append(_continue(tags, _thread_link(tags, pk), below[pk], more=False))
        previous = row
    if pieces is not None:
        _finish(threads, tree_id, pieces, stack, previous, cut, shown, tags, closings)
    if late:
        # Drawn now, from one query.
        drawn = _draw_now(
            [pk for _, _, pk in late], rows, post=post, hidden=hidden, link_base=link_base
        )
        for target, index, pk in late:
            target[index] = drawn[pk].encode()
    return [DrawnThread(tree_id, b"".join(pieces), shown) for tree_id, pieces, shown in threads]


def _finish(threads, tree_id, pieces, stack, previous, cut, shown, tags, closings):
    """Close one thread's open tags (and add its "Continue this thread" link when cut)."""
    if previous is None:
        return
    if cut is not None:
        url, remaining = cut
        pieces.append(_continue(tags, url, remaining, more=True))
        pieces.append(tags.close_replies + tags.close_comment if stack else tags.close_comment)
    else:
        pieces.append(_closing(tags, len(stack), closings))
    threads.append((tree_id, pieces, shown))


def _continue(tags, url, count, *, more):
    return str(tags.continue_link(url, count, more)).encode()


def _thread_link(tags, pk, page=1, anchor=None):
    """thread_url() without a reverse() per link: the prefix and suffix drawn once."""
    query = f"?page={page}" if page > 1 else ""
    fragment = f"#comment-{anchor}" if anchor else ""
    return f"{tags.thread_prefix}{pk}{tags.thread_suffix}{query}{fragment}"


def where_shown(comment, fold):
    """Where `fold` (the post page's folding of its thread) puts `comment`: None when the
    post page shows it, else
    (pk of the comment whose thread page shows it, page of that thread page).

    The same rules as draw_rows, on the comment's thread as a reader sees it (with the
    comment itself, if held, as the viewer's own).
    """
    if fold.depth is None and fold.replies is None:
        return None
    rows = list(
        Comment.objects.filter(tree_id=comment.tree_id)
        .in_thread_order()
        .values_list("pk", "parent_id", "level", "lft", "rght", "status", named=True)
    )
    pending = {comment.pk} if comment.status == Comment.Status.PENDING else set()
    marks = mark_rows(rows, pending)
    kept = [row for row in rows if row.pk in marks.keep]
    mine = next((row for row in kept if row.pk == comment.pk), None)
    if mine is None or not kept:
        return None
    replies = 0
    anchor = None
    for row in kept:
        if fold.depth is not None and row.level >= fold.depth:
            if row.pk == mine.pk:
                anchor = next(
                    r for r in kept if r.level == fold.depth - 1 and r.lft < row.lft < r.rght
                )
                break
            continue
        if row.level >= 1 and fold.replies is not None:
            if replies == fold.replies:
                anchor = kept[0]
                break
            replies += 1
        if row.pk == mine.pk:
            return None
    inside = [row.pk for row in kept if anchor.lft <= row.lft < anchor.rght]
    return anchor.pk, inside.index(mine.pk) // max(1, settings.COMMENTS_THREAD_PAGE) + 1


def _draw_now(pks, rows, *, post, hidden, link_base):
    """Draw the given comments from their full rows (one query, none when `pks` is empty)."""
    if not pks:
        return {}
    wanted = set(pks)
    by_pk = {row.pk: row for row in rows}
    names_needed = {by_pk[pk].parent_id for pk in pks} | {by_pk[pk].in_reply_to_id for pk in pks}
    full = {
        row["pk"]: row
        for row in Comment.objects.filter(pk__in=wanted | (names_needed - {None})).values(
            *FULL_FIELDS
        )
    }
    names = {
        pk: (row["name"] or "Anonymous")
        for pk, row in full.items()
        if Comment.public_status(row["status"]) and pk not in hidden
    }
    drawn = {}
    for pk in pks:
        row = full[pk]
        if pk in hidden:
            kind = "placeholder"
        elif Comment.public_status(row["status"]):
            kind = "public"
        else:
            kind = "mine"
        drawn[pk] = draw(
            make_node(row, post_author_id=post.author_id, names=names, kind=kind),
            link_base=link_base,
        )
    return drawn


def _closing(tags, ancestors, cache):
    """The closing tags after a comment whose `ancestors` open wrappers end with it."""
    if ancestors not in cache:
        after_each = tags.close_replies + tags.close_comment
        cache[ancestors] = tags.close_comment + after_each * ancestors
    return cache[ancestors]


class ThreadHidden(Exception):
    """Nothing of this thread is visible to the viewer."""


@dataclass
class ThreadPage:
    number: int
    num_pages: int
    parts: list  # UTF-8 bytes, as DiscussionPage.parts
    comments_shown: int
    top_comment: object  # the top-level comment of the thread, for the way back

    @property
    def html(self):
        return _safe_text(self.parts)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def load_thread(anchor, *, number=1, pending_ids=()):
    """One page of the thread page of `anchor`: it and every reply below it (no folding), in
    thread order, settings.COMMENTS_THREAD_PAGE comments a page. Raises ThreadHidden when
    the viewer can see nothing of it. Drawn from the stored HTML like the post page, with
    links that lead back to the post page (its comment form)."""
    pending_ids = set(pending_ids)
    per_page = max(1, settings.COMMENTS_THREAD_PAGE)
    # Walked without the stored HTML: a thread page draws its comments from their rows, with
    # links back to the post page (link_base).
    rows = walk_rows(
        Comment.objects.filter(tree_id=anchor.tree_id, lft__gte=anchor.lft, lft__lt=anchor.rght),
        stored=False,
    )
    marks = mark_rows(rows, pending_ids)
    if anchor.pk not in marks.keep:
        raise ThreadHidden(anchor.pk)
    kept = [row for row in rows if row.pk in marks.keep]
    num_pages = math.ceil(len(kept) / per_page)
    number = min(max(1, number), num_pages)
    chosen = kept[(number - 1) * per_page : number * per_page]
    drawn = draw_rows(
        chosen,
        post=anchor.post,
        pending_ids=pending_ids,
        link_base=anchor.post.get_absolute_url(),
        base_level=anchor.level,
        marks=marks,
    )
    top = anchor
    if anchor.level:
        top = Comment.objects.select_related("post").get(tree_id=anchor.tree_id, level=0)
    return ThreadPage(
        number=number,
        num_pages=num_pages,
        parts=[thread.html for thread in drawn],
        comments_shown=sum(thread.shown for thread in drawn),
        top_comment=top,
    )
