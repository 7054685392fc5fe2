"""Pages of a post's discussion: which threads a page holds, and the page drawn from them.

Reading a page is mostly a string join of the HTML stored with each comment
(comments/drawing.py):

1. one query: the tree ids of this page's threads in the reader's order, with the number of
   threads (a window count, so no separate COUNT query),
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
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.utils.safestring import mark_safe

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
# What the page walk needs of every comment; full rows are fetched only for the few drawn now.
WALK_FIELDS = (
    "pk",
    "parent_id",
    "tree_id",
    "lft",
    "rght",
    "status",
    "in_reply_to_id",
    "html_version",
    "html",
)
# Page numbers above this are treated as "past the end": the offset must fit the database's
# integer type (a huge ?cpage= was a 500).
MAX_PAGE = 100_000


@dataclass
class DiscussionPage:
    number: int
    num_pages: int
    order: str
    total_threads: int
    html: str = ""
    comments_shown: int = 0
    thread_ids: list = field(default_factory=list)

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def page_numbers(self):
        return range(1, self.num_pages + 1)


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
    """The post page address that shows this comment: ?cpage=N#comment-<pk>."""
    page = page_of(comment) if page is None else page
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def load_page(post, *, number=1, order=DEFAULT_ORDER, pending_ids=(), staff=False, link_base=""):
    """One page of whole threads, drawn: a DiscussionPage whose .html is safe to show.

    `link_base` is the post's address when the page is served at another one (after a failed
    POST), so that the relative Reply links still lead to the post.
    """
    per_page = threads_per_page()
    order = clean_order(order)
    number = min(max(1, number), MAX_PAGE)
    pending_ids = set(pending_ids)
    tree_ids, total = _page_of_roots(post, order, (number - 1) * per_page, per_page, pending_ids)
    if not tree_ids and total:
        # A page number past the end (an old link): show the last page instead.
        number = math.ceil(total / per_page)
        tree_ids, total = _page_of_roots(
            post, order, (number - 1) * per_page, per_page, pending_ids
        )
    rows = []
    if tree_ids:
        rows = list(
            Comment.objects.filter(post=post, tree_id__in=tree_ids)
            .in_thread_order()
            .values_list(*WALK_FIELDS, named=True)
        )
    if tree_ids != sorted(tree_ids):
        # The rows come in tree_id order; put the threads back in the reader's order.
        position = {tree_id: index for index, tree_id in enumerate(tree_ids)}
        rows.sort(key=lambda row: (position[row.tree_id], row.lft))
    page = DiscussionPage(
        number=number,
        num_pages=max(1, math.ceil(total / per_page)),
        order=order,
        total_threads=total,
        thread_ids=tree_ids,
    )
    page.html, page.comments_shown = draw_rows(
        rows, post=post, pending_ids=pending_ids, staff=staff, link_base=link_base
    )
    return page


def _page_of_roots(post, order, start, per_page, pending_ids=()):
    """Tree ids of one page of threads plus the number of threads, in one query."""
    page = list(
        ordered_roots(post, order, pending_ids)
        .annotate(total=Window(Count("pk")))
        .values_list("tree_id", "total")[start : start + per_page]
    )
    if page:
        return [tree_id for tree_id, _ in page], page[0][1]
    return [], roots(post, pending_ids).count() if start else 0


def draw_rows(rows, *, post, pending_ids, staff=False, link_base=""):
    """Join the stored HTML of thread-ordered WALK_FIELDS rows, with placeholders and nesting.

    Returns (safe HTML, number of comments drawn).
    """
    visible = Comment.visible_to_viewer
    # Which rows are drawn: visible ones and hidden ones that still have something drawn below
    # them. Children follow their parent in pre-order, so a backwards pass sees every child
    # before its parent.
    keep = set()
    hidden = set()  # not visible: drawn as a placeholder if kept, otherwise left out
    for row in reversed(rows):
        if visible(row.pk, row.status, pending_ids):
            keep.add(row.pk)
        else:
            hidden.add(row.pk)
            if row.pk not in keep:
                continue
        if row.parent_id is not None:
            keep.add(row.parent_id)
    version = fragment_version()
    public = Comment.public_status
    tags = parts()
    closings = {}
    pieces = []
    late = []  # (index in pieces, pk): comments that cannot use the HTML stored for everyone
    stack = []  # rght of the drawn ancestors whose replies wrapper is open
    previous = None
    for row in rows:
        pk = row.pk
        if pk not in keep:
            continue
        if previous is not None:
            if previous.tree_id == row.tree_id and row.lft < previous.rght:
                pieces.append(tags.open_replies)
                stack.append(previous.rght)
            else:
                closed = 0
                while stack and (previous.tree_id != row.tree_id or stack[-1] < row.lft):
                    stack.pop()
                    closed += 1
                pieces.append(_closing(tags, closed, closings))
        if (
            row.html_version != version
            or link_base
            or not row.html
            or not public(row.status)
            or (
                hidden and (pk in hidden or row.parent_id in hidden or row.in_reply_to_id in hidden)
            )
        ):
            late.append((len(pieces), pk))
        pieces.append(row.html)
        if staff:
            pieces += (tags.staff_before, str(pk), tags.staff_after)
        previous = row
    if previous is not None:
        pieces.append(_closing(tags, len(stack), closings))
    if late:
        # Drawn now, from one query.
        drawn = _draw_now(
            [pk for _, pk in late], rows, post=post, hidden=hidden, link_base=link_base
        )
        for index, pk in late:
            pieces[index] = drawn[pk]
    # Every piece is HTML drawn by the autoescaping templates, or a pk.
    return mark_safe("".join(pieces)), len(keep)  # noqa: S308


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
