"""Drawing one comment: the data a comment template needs, and the template itself.

Each comment's HTML (the opening <article> tag, author, avatar, date, text, Reply and
Report links) comes from templates/jinja2/comments/comment.html, with the text rendered from
the comment's body by comments.formatting, and is stored in the fragment table
(models.Fragment) by comments.posting, stamped with fragment_version(). The tags drawn
around the stored pieces (the replies wrapper, closing tags, staff links) come from the
macros of templates/jinja2/comments/parts.html; comments.pages only joins them.
"""

import hashlib
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import reverse
from markupsafe import Markup

from . import formatting
from .avatars import avatar_url
from .models import Comment

TEMPLATE = "comments/comment.html"
PARTS = "comments/parts.html"
HIDDEN_NAME = "a hidden comment"
# What drawing a comment needs of its row (fetched with .values(*FULL_FIELDS)).
FULL_FIELDS = (
    "pk",
    "parent_id",
    "level",
    "user_id",
    "name",
    "email",
    "url",
    "body",
    "status",
    "created_at",
    "edited_at",
    "in_reply_to_id",
    "identity_verified",
    "redacted",
    "featured_at",
    "like_count",
)
# A pk that never appears in a real URL, used to split reversed URLs into prefix and suffix.
_PK_MARK = "987654321"


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
    redacted: bool = False
    featured: bool = False
    body_html: Markup = Markup("")
    placeholder: str = ""
    parent_pk: int | None = None
    parent_name: str = ""
    reply_to_pk: int | None = None
    reply_to_name: str = ""
    likes: int = 0


@dataclass(frozen=True)
class Parts:
    """The fixed tags around stored comments, drawn once from parts.html, as UTF-8 bytes
    (comments.pages joins a page as bytes, comments/middleware.py splices them)."""

    open_replies: bytes
    close_replies: bytes
    close_comment: bytes
    staff_before: bytes  # the staff link up to the comment's pk ...
    staff_after: bytes  # ... and after it
    continue_link: object  # the macro: continue_link(url, count, more)
    thread_prefix: str  # the thread page's address up to the comment's pk ...
    thread_suffix: str  # ... and after it


def _split(url_name):
    before, _, after = reverse(url_name, args=[int(_PK_MARK)]).partition(_PK_MARK)
    return before, after


@lru_cache(maxsize=1)
def _urls():
    report = _split("moderation:report")
    like = _split("comments:like")
    admin = _split("admin:comments_comment_change")
    return {
        "report_prefix": report[0],
        "report_suffix": report[1],
        "admin_prefix": admin[0],
        "admin_suffix": admin[1],
        "like_prefix": like[0],
        "like_suffix": like[1],
    }


def _env():
    return engines["jinja2"].env


def _template():
    return _env().get_template(TEMPLATE)


def parts():
    return _parts(_env().get_template(PARTS))


@lru_cache(maxsize=2)
def _parts(template):
    macros = template.module
    admin = _urls()
    staff = str(macros.staff_link(f"{admin['admin_prefix']}{_PK_MARK}{admin['admin_suffix']}"))
    before, _, after = staff.partition(_PK_MARK)
    thread = _split("comments:thread")
    return Parts(
        open_replies=str(macros.open_replies()).encode(),
        close_replies=str(macros.close_replies()).encode(),
        close_comment=str(macros.close_comment()).encode(),
        staff_before=before.encode(),
        staff_after=after.encode(),
        continue_link=macros.continue_link,
        # Not in _urls(): stored fragments hold no thread links (fragment_version()).
        thread_prefix=thread[0],
        thread_suffix=thread[1],
    )


@lru_cache(maxsize=4)
def _fragment_version(source_paths, gravatar, time_zone, urls, sample_avatar):
    digest = hashlib.sha256()
    for path in source_paths:
        digest.update(Path(path).read_bytes())
    digest.update(repr((gravatar, time_zone, urls, sample_avatar)).encode())
    return digest.hexdigest()[:16]


def fragment_version():
    """Changes whenever a stored fragment would come out differently, so it is redrawn: the
    template, the body's formatting rules (no HTML of a body is stored but in the fragment)
    and the settings and addresses drawn into it."""
    return _fragment_version(
        (_template().filename, formatting.__file__),
        settings.COMMENTS_GRAVATAR,
        settings.TIME_ZONE,
        tuple(sorted(_urls().items())),
        avatar_url("version@example.com"),
    )


def placeholder_text(status):
    if status == Comment.Status.PENDING:
        return "This comment is awaiting moderation"
    if status == Comment.Status.DELETED:
        return "This comment was deleted by its author"
    return "This comment was removed"


def make_node(row, *, post_author_id, names, kind="public"):
    """A Node from a dict of FULL_FIELDS; `names` maps pk -> display name of the comments
    that may be named in the "in reply to" cues (public ones); others read HIDDEN_NAME."""
    node = Node(pk=row["pk"], depth=row["level"] + 1, kind=kind, parent_pk=row["parent_id"])
    if row["parent_id"] is not None:
        node.parent_name = names.get(row["parent_id"]) or HIDDEN_NAME
    if kind == "placeholder":
        node.placeholder = placeholder_text(row["status"])
        return node
    node.name = row["name"] or "Anonymous"
    if row["url"].startswith(("https://", "http://")):
        node.url = row["url"]
    node.is_author = row["user_id"] is not None and row["user_id"] == post_author_id
    node.avatar = avatar_url(row["email"], verified=row["identity_verified"], comment_pk=row["pk"])
    local = row["created_at"].astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    node.iso = local.isoformat(timespec="seconds")
    node.when = f"{local.day} {local:%B %Y at %H:%M}"
    node.edited = row["edited_at"] is not None
    node.redacted = row["redacted"]
    node.featured = row["featured_at"] is not None
    node.likes = row["like_count"]
    node.body_html = Markup(formatting.render_comment_body(row["body"]))
    if row["in_reply_to_id"] is not None:
        node.reply_to_pk = row["in_reply_to_id"]
        node.reply_to_name = names.get(row["in_reply_to_id"]) or HIDDEN_NAME
    return node


def draw(node, *, link_base=""):
    """The HTML of one comment, up to (not including) its closing tag."""
    return _template().render(c=node, link_base=link_base, **_urls()).strip()


def public_names(pks):
    """Display names of the public comments among `pks`, for the "in reply to" cues."""
    wanted = [pk for pk in pks if pk]
    if not wanted:
        return {}
    rows = Comment.objects.public().filter(pk__in=wanted).values_list("pk", "name")
    return {pk: name or "Anonymous" for pk, name in rows}


def draw_rows_as_stored(rows, *, post_author_id, names=None):
    """The stored fragments of FULL_FIELDS rows of one post, as everyone sees them."""
    if names is None:
        names = public_names(
            {row["parent_id"] for row in rows} | {row["in_reply_to_id"] for row in rows}
        )
    return {
        row["pk"]: draw(make_node(row, post_author_id=post_author_id, names=names)) for row in rows
    }


def row_of(comment):
    """A saved Comment as the FULL_FIELDS row that make_node() takes."""
    return {name: getattr(comment, name) for name in FULL_FIELDS}


def fragment(comment, *, names=None):
    """The stored HTML of a saved comment and its version stamp."""
    drawn = draw_rows_as_stored(
        [row_of(comment)], post_author_id=comment.post.author_id, names=names
    )
    return drawn[comment.pk], fragment_version()
