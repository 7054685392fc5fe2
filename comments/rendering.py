"""Rendering a page of a post's discussion: the one place that reads and draws comment trees.

A page is made of whole top-level threads. It costs two queries whatever the size of the
discussion (../shared/TREE.md, rule 6):

1. the tree ids of this page's threads in the reader's order, with the number of threads
   (a window count, so no separate COUNT query),
2. every comment of those trees, in (tree_id, lft) order, as plain tuples.

The rows are walked once, without recursion, into a flat list of nodes; each node carries the
closing tags that follow it, so one Jinja2 loop (templates/jinja2/comments/threads.html) draws
the nested HTML. Hidden comments are never filtered out before the walk (rule 7): a removed or
held comment with visible replies becomes a placeholder so the replies keep their place.
"""

import math
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from markupsafe import Markup

from .avatars import avatar_url
from .models import Comment

ORDERS = {"oldest": "Oldest", "newest": "Newest", "replies": "Most replies"}
DEFAULT_ORDER = "oldest"
SESSION_KEY = "comments_pending"
FIELDS = (
    "pk",
    "parent_id",
    "tree_id",
    "lft",
    "rght",
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
OPEN_REPLIES = Markup('<div class="comment-replies">')
_CLOSINGS = {}
# A pk that never appears in a real URL, used to split reversed URLs into prefix and suffix.
_PK_MARK = "987654321"


@dataclass(slots=True)
class Node:
    pk: int
    depth: int
    kind: str  # "public", "mine" (the viewer's own held comment) or "placeholder"
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
    tail: Markup = Markup("")


@dataclass
class DiscussionPage:
    number: int
    num_pages: int
    order: str
    total_threads: int
    nodes: list = field(default_factory=list)

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


def roots(post):
    return Comment.objects.filter(post=post, level=0)


def ordered_roots(post, order):
    if order == "newest":
        return roots(post).order_by("-created_at", "-pk")
    if order == "replies":
        # rght - lft grows with the size of the thread; no per-thread count query is needed.
        return roots(post).order_by(F("lft") - F("rght"), "created_at", "pk")
    return roots(post).order_by("created_at", "pk")


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


def load_page(post, *, number=1, order=DEFAULT_ORDER, pending_ids=()):
    """Fetch one page of whole threads (two queries) and walk it into nodes."""
    per_page = threads_per_page()
    order = clean_order(order)
    number = max(1, number)
    tree_ids, total = _page_of_roots(post, order, (number - 1) * per_page, per_page)
    if not tree_ids and total:
        # A page number past the end (an old link): show the last page instead.
        number = math.ceil(total / per_page)
        tree_ids, total = _page_of_roots(post, order, (number - 1) * per_page, per_page)
    rows = []
    if tree_ids:
        rows = list(
            Comment.objects.filter(post=post, tree_id__in=tree_ids)
            .order_by("tree_id", "lft")
            .values_list(*FIELDS)
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
    )
    page.nodes = build_nodes(rows, post_author_id=post.author_id, pending_ids=set(pending_ids))
    return page


def _page_of_roots(post, order, start, per_page):
    """Tree ids of one page of threads plus the number of threads, in one query."""
    page = list(
        ordered_roots(post, order)
        .annotate(total=Window(Count("pk")))
        .values_list("tree_id", "total")[start : start + per_page]
    )
    if page:
        return [tree_id for tree_id, _ in page], page[0][1]
    return [], roots(post).count() if start else 0


def build_nodes(rows, *, post_author_id, pending_ids):
    """Walk (tree_id, lft)-ordered rows into nodes, with placeholders and closing tags."""
    # Which rows are drawn: public ones, the viewer's own held ones, and hidden ones that
    # still have something drawn below them. Children follow their parent in pre-order, so a
    # backwards pass sees every child before its parent.
    shown = {}
    keep = {}
    for row in reversed(rows):
        pk, parent_id, status = row[0], row[1], row[10]
        visible = status == APPROVED or (status == PENDING and pk in pending_ids)
        shown[pk] = visible
        if visible or keep.get(pk):
            keep[pk] = True
            if parent_id is not None:
                keep[parent_id] = True
    names = {row[0]: (row[6] or "Anonymous") if shown[row[0]] else "" for row in rows}
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    avatars = {}
    nodes = []
    stack = []  # (tree_id, rght) of drawn ancestors whose replies container is open
    previous = None
    for row in rows:
        (pk, parent_id, tree_id, lft, rght, user_id, name, email, url, body_html, status,
         created_at, edited_at, in_reply_to_id) = row  # fmt: skip
        if not keep.get(pk):
            continue
        if previous is not None:
            if previous[1] == tree_id and lft < previous[2]:
                previous[0].tail = OPEN_REPLIES
                stack.append((tree_id, previous[2]))
            else:
                closed = 0
                while stack and (stack[-1][0] != tree_id or stack[-1][1] < lft):
                    stack.pop()
                    closed += 1
                previous[0].tail = _closing(closed)
        node = Node(pk=pk, depth=len(stack) + 1, kind="public", parent_pk=parent_id)
        if parent_id is not None:
            node.parent_name = names.get(parent_id) or "a hidden comment"
        if shown[pk]:
            if status != APPROVED:
                node.kind = "mine"
            node.name = names[pk]
            if url.startswith(("https://", "http://")):
                node.url = url
            node.is_author = user_id is not None and user_id == post_author_id
            if email not in avatars:
                avatars[email] = avatar_url(email)
            node.avatar = avatars[email]
            local = created_at.astimezone(tz)
            node.iso = local.isoformat(timespec="seconds")
            node.when = f"{local.day} {local:%B %Y at %H:%M}"
            node.edited = edited_at is not None
            node.body_html = Markup(body_html)
            if in_reply_to_id is not None:
                node.reply_to_pk = in_reply_to_id
                node.reply_to_name = names.get(in_reply_to_id) or "a hidden comment"
        else:
            node.kind = "placeholder"
            node.placeholder = (
                "This comment is awaiting moderation"
                if status == PENDING
                else "This comment was removed"
            )
        nodes.append(node)
        previous = (node, tree_id, rght)
    if previous is not None:
        previous[0].tail = _closing(len(stack))
    return nodes


def _closing(ancestors):
    if ancestors not in _CLOSINGS:
        _CLOSINGS[ancestors] = Markup("</article>" + "</div></article>" * ancestors)
    return _CLOSINGS[ancestors]


def _split_url(name):
    url = reverse(name, args=[int(_PK_MARK)])
    prefix, _, suffix = url.partition(_PK_MARK)
    return prefix, suffix


def render_threads(page, *, staff=False):
    """The HTML of a page's threads (one Jinja2 loop), safe to drop into a Django template."""
    report_prefix, report_suffix = _split_url("moderation:report")
    context = {
        "nodes": page.nodes,
        "staff": staff,
        "report_prefix": report_prefix,
        "report_suffix": report_suffix,
    }
    if staff:
        context["admin_prefix"], context["admin_suffix"] = _split_url(
            "admin:comments_comment_change"
        )
    template = engines["jinja2"].env.get_template("comments/threads.html")
    # The template autoescapes every value; only the stored, sanitised body_html is marked safe.
    return mark_safe(template.render(context))  # noqa: S308


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
