"""Rendering a post's discussion: the one place that reads and draws comment trees.

Speed comes from drawing each comment once. When a comment is saved, its HTML (the opening
<article> tag, author, avatar, date, text, Reply and Report links) is rendered from
templates/jinja2/comments/comment.html and stored in Comment.html, stamped with
fragment_version(). Reading a page is then mostly a string join:

1. one query: the tree ids of this page's threads in the reader's order, with the number of
   threads (a window count, so no separate COUNT query),
2. one query: every comment of those trees in (tree_id, lft) order, as plain tuples with the
   stored HTML,
3. only when needed, one more query: the full rows of comments whose HTML must be drawn now
   (a stale version after a template change, or the viewer's own held comment).

A single backwards pass decides which comments are drawn; a forward pass adds the closing
tags with a stack (no recursion, ../shared/TREE.md rule 6). Hidden comments are never
filtered out before the walk (rule 7): a removed or held comment with visible replies becomes
a placeholder so its replies keep their place. The staff-only "Edit in admin" link is added
per comment by string formatting, not by re-rendering.
"""

import hashlib
import math
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from markupsafe import Markup

from blog.models import Post

from .avatars import avatar_key, avatar_url
from .models import Comment

ORDERS = {"oldest": "Oldest", "newest": "Newest", "replies": "Most replies"}
DEFAULT_ORDER = "oldest"
SESSION_KEY = "comments_pending"
TEMPLATE = "comments/comment.html"
# What the page walk needs for every comment; full rows are fetched only for the few
# comments drawn at read time.
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
FULL_FIELDS = (
    "pk",
    "parent_id",
    "level",
    "user_id",
    "name",
    "email",
    "url",
    "body_html",
    "status",
    "created_at",
    "edited_at",
    "in_reply_to_id",
)
APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING
OPEN_REPLIES = '<div class="comment-replies">'
HIDDEN_NAME = "a hidden comment"
_CLOSINGS = {}
# A pk that never appears in a real URL, used to split reversed URLs into prefix and suffix.
_PK_MARK = "987654321"
# Page numbers above this are treated as "past the end": the offset must fit the database's
# integer type (a huge ?cpage= was a 500).
MAX_PAGE = 100_000


@dataclass(slots=True)
class Node:
    """What comment.html draws for one comment."""

    pk: int
    depth: int
    kind: str = "public"  # "public", "mine" (the viewer's own held comment) or "placeholder"
    name: str = ""
    url: str = ""
    is_author: bool = False
    avatar: str = ""
    iso: str = ""
    when: str = ""
    edited: bool = False
    body_html: Markup = Markup("")
    placeholder: str = ""
    parent_pk: int | None = None
    parent_name: str = ""
    reply_to_pk: int | None = None
    reply_to_name: str = ""


@dataclass
class DiscussionPage:
    number: int
    num_pages: int
    order: str
    total_threads: int
    html: str = ""
    comments_shown: int = 0
    queries: int = 0
    thread_ids: list = field(default_factory=list)

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def page_numbers(self):
        return range(1, self.num_pages + 1)


# ---------- Drawing one comment ----------


@lru_cache(maxsize=1)
def _urls():
    report = reverse("moderation:report", args=[int(_PK_MARK)]).partition(_PK_MARK)
    admin = reverse("admin:comments_comment_change", args=[int(_PK_MARK)]).partition(_PK_MARK)
    return {
        "report_prefix": report[0],
        "report_suffix": report[2],
        "admin_prefix": admin[0],
        "admin_suffix": admin[2],
    }


def _template():
    return engines["jinja2"].env.get_template(TEMPLATE)


@lru_cache(maxsize=4)
def _fragment_version(template_path, gravatar, time_zone, urls, sample_avatar):
    source = Path(template_path).read_bytes()
    key = repr((gravatar, time_zone, urls, sample_avatar)).encode()
    return hashlib.sha256(source + key).hexdigest()[:16]


def fragment_version():
    """Changes whenever a stored fragment would come out differently, so it is redrawn."""
    template = _template()
    return _fragment_version(
        template.filename,
        settings.COMMENTS_GRAVATAR,
        settings.TIME_ZONE,
        tuple(sorted(_urls().items())),
        avatar_key("version@example.com"),
    )


def make_node(row, *, depth, post_author_id, names, kind="public"):
    """A Node from a dict of FULL_FIELDS; `names` maps pk -> display name for the cues."""
    node = Node(pk=row["pk"], depth=depth, kind=kind, parent_pk=row["parent_id"])
    if row["parent_id"] is not None:
        node.parent_name = names.get(row["parent_id"]) or HIDDEN_NAME
    if kind == "placeholder":
        node.placeholder = (
            "This comment is awaiting moderation"
            if row["status"] == PENDING
            else "This comment was removed"
        )
        return node
    node.name = row["name"] or "Anonymous"
    if row["url"].startswith(("https://", "http://")):
        node.url = row["url"]
    node.is_author = row["user_id"] is not None and row["user_id"] == post_author_id
    node.avatar = avatar_url(row["email"])
    local = row["created_at"].astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    node.iso = local.isoformat(timespec="seconds")
    node.when = f"{local.day} {local:%B %Y at %H:%M}"
    node.edited = row["edited_at"] is not None
    node.body_html = Markup(row["body_html"])
    if row["in_reply_to_id"] is not None:
        node.reply_to_pk = row["in_reply_to_id"]
        node.reply_to_name = names.get(row["in_reply_to_id"]) or HIDDEN_NAME
    return node


def draw(node):
    """The HTML of one comment, up to (not including) its closing tag."""
    return _template().render(c=node, **_urls()).strip()


def render_fragment(comment):
    """Draw a saved comment as it appears to everyone (used on save)."""
    related = {}
    wanted = [pk for pk in (comment.parent_id, comment.in_reply_to_id) if pk]
    if wanted:
        related = dict(
            Comment.objects.filter(pk__in=wanted, status=APPROVED).values_list("pk", "name")
        )
        related = {pk: name or "Anonymous" for pk, name in related.items()}
    row = {name: getattr(comment, name) for name in FULL_FIELDS}
    node = make_node(
        row,
        depth=comment.level + 1,
        post_author_id=comment.post.author_id,
        names=related,
    )
    return draw(node)


def store_fragment(comment):
    """Render and store a comment's HTML with one UPDATE (the pk must exist)."""
    comment.html = render_fragment(comment)
    comment.html_version = fragment_version()
    Comment.objects.filter(pk=comment.pk).update(
        html=comment.html, html_version=comment.html_version
    )


# ---------- Pages of threads ----------


def threads_per_page():
    return max(1, settings.COMMENTS_THREADS_PER_PAGE)


def clean_order(value):
    return value if value in ORDERS else DEFAULT_ORDER


def roots(post, pending_ids=()):
    """The top-level comments of the threads a reader sees: those with something to show.

    A thread is shown when it holds a public comment (a hidden root then becomes a
    placeholder) or one of the viewer's own held comments; threads with nothing visible
    (spam, held or removed, without public replies) take no place on the pages.
    """
    visible = Q(status=APPROVED)
    if pending_ids:
        visible |= Q(status=PENDING, pk__in=list(pending_ids))
    shown = Comment.objects.filter(visible, tree_id=OuterRef("tree_id"))
    return Comment.objects.filter(post=post, level=0).filter(visible | Exists(shown))


def ordered_roots(post, order, pending_ids=()):
    if order == "newest":
        return roots(post, pending_ids).order_by("-created_at", "-pk")
    if order == "replies":
        # rght - lft grows with the size of the thread; no per-thread count query is needed.
        return roots(post, pending_ids).order_by(F("lft") - F("rght"), "created_at", "pk")
    return roots(post, pending_ids).order_by("created_at", "pk")


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


def load_page(post, *, number=1, order=DEFAULT_ORDER, pending_ids=(), staff=False):
    """One page of whole threads, drawn: a DiscussionPage whose .html is safe to show."""
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
            .order_by("tree_id", "lft")
            .values_list(*WALK_FIELDS)
        )
    if tree_ids != sorted(tree_ids):
        # The rows come in tree_id order; put the threads back in the reader's order.
        position = {tree_id: index for index, tree_id in enumerate(tree_ids)}
        rows.sort(key=lambda row: (position[row[2]], row[3]))
    page = DiscussionPage(
        number=number,
        num_pages=max(1, math.ceil(total / per_page)),
        order=order,
        total_threads=total,
        thread_ids=tree_ids,
    )
    page.html, page.comments_shown = draw_rows(
        rows, post=post, pending_ids=pending_ids, staff=staff
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


def draw_rows(rows, *, post, pending_ids, staff=False):
    """Join the stored HTML of (tree_id, lft)-ordered rows, adding placeholders and nesting.

    Returns (safe HTML, number of comments drawn).
    """
    # Which rows are drawn: public ones, the viewer's own held ones, and hidden ones that
    # still have something drawn below them. Children follow their parent in pre-order, so a
    # backwards pass sees every child before its parent.
    keep = set()
    hidden = set()  # not public: drawn as a placeholder if kept, otherwise left out
    for pk, parent_id, _, _, _, status, _, _, _ in reversed(rows):
        if status == APPROVED or (status == PENDING and pk in pending_ids):
            keep.add(pk)
        else:
            hidden.add(pk)
            if pk not in keep:
                continue
        if parent_id is not None:
            keep.add(parent_id)
    version = fragment_version()
    # Comments that cannot use their stored HTML are drawn now, from one extra query.
    redraw = [
        row[0]
        for row in rows
        if row[0] in keep and (row[5] != APPROVED or row[7] != version or not row[8])
    ]
    drawn = _draw_now(redraw, rows, post=post, hidden=hidden) if redraw else {}
    admin = _urls() if staff else None
    parts = []
    stack = []  # rght of the drawn ancestors whose replies container is open
    previous_tree = previous_rght = None
    shown = 0
    for pk, parent_id, tree_id, lft, rght, _, in_reply_to_id, _, html in rows:
        if pk not in keep:
            continue
        if previous_tree is not None:
            if previous_tree == tree_id and lft < previous_rght:
                parts.append(OPEN_REPLIES)
                stack.append(previous_rght)
            else:
                closed = 0
                while stack and (previous_tree != tree_id or stack[-1] < lft):
                    stack.pop()
                    closed += 1
                parts.append(_closing(closed))
        if pk in drawn:
            html = drawn[pk]
        elif parent_id in hidden or in_reply_to_id in hidden:
            html = _hide_names(html, (parent_id, in_reply_to_id), hidden)
        parts.append(html)
        if admin:
            parts.append(
                f'<p class="comment-staff"><a class="comment-admin" href="{admin["admin_prefix"]}'
                f'{pk}{admin["admin_suffix"]}">Edit in admin</a></p>'
            )
        previous_tree, previous_rght = tree_id, rght
        shown += 1
    if previous_tree is not None:
        parts.append(_closing(len(stack)))
    # Every part is either stored HTML drawn by the autoescaping template or a constant.
    return mark_safe("".join(parts)), shown  # noqa: S308


def _draw_now(pks, rows, *, post, hidden):
    """Draw placeholders, the viewer's held comments and stale fragments (one query)."""
    wanted = set(pks)
    for pk, parent_id, *_rest in rows:
        if pk in wanted and parent_id is not None:
            wanted.add(parent_id)
    in_reply_to = {row[6] for row in rows if row[0] in pks and row[6]}
    full = {
        row["pk"]: row
        for row in Comment.objects.filter(pk__in=wanted | in_reply_to).values(*FULL_FIELDS)
    }
    names = {
        pk: (row["name"] or "Anonymous")
        for pk, row in full.items()
        if row["status"] == APPROVED and pk not in hidden
    }
    drawn = {}
    for pk in pks:
        row = full[pk]
        if pk in hidden:
            kind = "placeholder"
        elif row["status"] == APPROVED:
            kind = "public"
        else:
            kind = "mine"
        drawn[pk] = draw(
            make_node(
                row,
                depth=row["level"] + 1,
                post_author_id=post.author_id,
                names=names,
                kind=kind,
            )
        )
    return drawn


def _hide_names(html, pks, hidden):
    """Replace the name of a now-hidden comment in a stored reply's "in reply to" links."""
    for pk in pks:
        if pk in hidden:
            html = re.sub(
                rf'(<a href="#comment-{pk}">)[^<]*(</a>)', rf"\g<1>{HIDDEN_NAME}\g<2>", html
            )
    return html


def _closing(ancestors):
    if ancestors not in _CLOSINGS:
        _CLOSINGS[ancestors] = "</article>" + "</div></article>" * ancestors
    return _CLOSINGS[ancestors]


# ---------- The viewer's held comments ----------


def pending_ids(request):
    """Ids of the held comments this browser posted (remembered in the session)."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key and not session.modified:
        return set()
    return set(session.get(SESSION_KEY, ()))


def remember_pending(request, comment):
    held = list(request.session.get(SESSION_KEY, ()))
    held.append(comment.pk)
    request.session[SESSION_KEY] = held[-50:]


def redraw_stale(queryset=None):
    """Store fresh HTML for every comment whose stored HTML is missing or out of date.

    Pages stay right without this (stale comments are drawn at read time); running it after a
    template or settings change, or after a bulk import, brings pages back to full speed.
    Works post by post with bulk updates. Returns the number of comments redrawn.
    """
    version = fragment_version()
    queryset = Comment.objects.all() if queryset is None else queryset
    stale = queryset.exclude(html_version=version)
    post_ids = set(stale.values_list("post_id", flat=True).distinct())
    count = 0
    for post in Post.objects.filter(pk__in=post_ids).only("pk", "author_id"):
        rows = list(stale.filter(post=post).values(*FULL_FIELDS))
        related = {row["parent_id"] for row in rows} | {row["in_reply_to_id"] for row in rows}
        names = {
            pk: name or "Anonymous"
            for pk, name in Comment.objects.filter(
                pk__in=related - {None}, status=APPROVED
            ).values_list("pk", "name")
        }
        drawn = [
            Comment(
                pk=row["pk"],
                html=draw(
                    make_node(
                        row, depth=row["level"] + 1, post_author_id=post.author_id, names=names
                    )
                ),
                html_version=version,
            )
            for row in rows
        ]
        Comment.objects.bulk_update(drawn, ["html", "html_version"], batch_size=500)
        count += len(drawn)
    return count
