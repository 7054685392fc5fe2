"""Writing a post's imported discussion in bulk: the one module of imports/ that touches trees.

Live replies go through comments.posting one at a time; an import writes thousands, so it
follows ../shared/TREE.md rule 10 instead, inside the caller's transaction for one post:

1. lock the post row (SELECT ... FOR UPDATE, as comments.posting does; on SQLite the IMMEDIATE
   transaction already holds the write lock), and take the global advisory lock before new
   tree ids are allocated (PostgreSQL), with the same key as comments.posting;
2. with django-mptt's updates disabled, insert the new comments with bulk_create, parents
   before children, each new top-level comment on its own new tree id;
3. rebuild the trees: a new tree is numbered in memory from the parent links before its rows
   are inserted (comments.trees.number_forest, replies in date order), so its rows go in with
   their final lft/rght/level; a tree that already existed and gets new replies
   (a later export with more comments) is rebuilt in the database with django-mptt's
   partial_rebuild, the new replies carrying placeholder lft values after the old ones so
   they come out last, in date order. Measured on 2,000 comments, partial_rebuild of every
   new tree took 45% of the import (its bulk_update builds a CASE per row and column), which
   put 100,000 comments well past the 2-minute target;
4. fill the derived fields through `finish_comments`, the single call into comments/ for
   the stored fragment and Post.comment_count.

The depth cap is applied exactly as comments.posting.save_new_comment does: a reply to a
comment at settings.COMMENTS_MAX_DEPTH - 1 attaches to that comment's parent and records the
comment it answers in `in_reply_to`. A comment whose parent is not in the file (nor imported
before) becomes top-level and is listed; so is one caught in a parent loop. Comments already
imported are updated in place when the file changed (status, text, author fields), never
moved.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Q

from comments.drawing import draw_rows_as_stored, fragment_version, row_of
from comments.models import Comment, Fragment
from comments.posting import (
    bulk_tree_writes,
    lock_new_trees,
    lock_post,
    rebuild_tree,
    recount,
    redraw_stale,
    write_fragments,
)
from comments.trees import number_forest

from .models import SourceRecord

CHUNK = 2000
UPDATED_FIELDS = ["status", "body", "name", "email", "url", "ip_address", "created_at", "user"]


@dataclass
class SourceComment:
    """One comment as an export gives it, already mapped to the blog's fields."""

    source_id: str
    parent_id: str  # "" for a top-level comment
    name: str
    email: str
    url: str
    ip_address: str | None
    created_at: datetime
    status: str
    body: str
    user: object = None

    def fingerprint(self):
        values = (
            self.parent_id,
            self.name,
            self.email,
            self.url,
            self.ip_address,
            self.created_at.isoformat(),
            self.status,
            self.body,
            getattr(self.user, "pk", None),
        )
        return hashlib.sha1(repr(values).encode()).hexdigest()  # noqa: S324 (not security)


@dataclass
class _New:
    item: SourceComment
    comment: Comment
    parent: object = None  # what the file says it answers: a _New, an existing pk or None
    generation: int = 0
    children: list = field(default_factory=list)
    real_parent: object = None  # where it is attached, after the depth cap
    in_reply_to: object = None


def save_comments(post, items, *, source, site, summary, label):
    """Create or update `items` (SourceComments of one post) inside the caller's transaction.

    `label` names the post in the summary's lists. Returns nothing; counts go to `summary`.
    """
    lock_post(post.pk)
    items = _unique(items, summary)
    ids = [item.source_id for item in items]
    records = _records(source, site, ids)
    changed = []
    new = []
    for item in items:
        record = records.get(item.source_id)
        if record is None:
            new.append(item)
            continue
        fingerprint = item.fingerprint()
        if record.fingerprint == fingerprint:
            summary.count("comment", "unchanged", item.status)
            continue
        comment = record.comment
        comment.status, comment.body, comment.name = item.status, item.body, item.name
        comment.email, comment.url, comment.ip_address = item.email, item.url, item.ip_address
        comment.created_at, comment.user = item.created_at, item.user
        record.fingerprint = fingerprint
        changed.append((comment, record))
        summary.count("comment", "updated", item.status)
    if changed:
        Comment.objects.bulk_update([c for c, _ in changed], UPDATED_FIELDS, batch_size=500)
        SourceRecord.objects.bulk_update([r for _, r in changed], ["fingerprint"], batch_size=500)
    created = _insert(post, new, records, source=source, site=site, summary=summary, label=label)
    if created or changed:
        finish_comments(post, created + [c for c, _ in changed], neighbours=bool(changed))


def finish_comments(post, comments, *, neighbours=False):
    """Derived fields of bulk-written comments, through comments/ (the one place to retarget).

    Draws the comments' fragments as redraw_stale does (comments.drawing.draw_rows_as_stored,
    fragment_version), stores them with comments.posting.write_fragments, then recounts
    Post.comment_count (comments.posting.recount). With `neighbours`, the replies of these
    comments are redrawn too, since their "in reply to" names may have changed.
    """
    version = fragment_version()
    names = _reply_names(comments)
    rows = [row_of(comment) for comment in comments]
    drawn = draw_rows_as_stored(rows, post_author_id=post.author_id, names=names)
    write_fragments([(pk, html, version) for pk, html in drawn.items()])
    if neighbours:
        pks = [comment.pk for comment in comments]
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            replies = Q(parent_id__in=chunk) | Q(in_reply_to_id__in=chunk)
            Fragment.objects.filter(comment__in=Comment.objects.filter(replies, post=post)).update(
                version=""
            )
        redraw_stale(Comment.objects.filter(post=post))
    recount([post.pk])


def _reply_names(comments):
    """pk -> name of the approved comments these answer, for the "in reply to" cues.

    store_fragment looks them up with one query per comment; here it is one query per
    post for the parents that were already in the database, the rest from memory.
    """
    wanted = {c.parent_id for c in comments} | {c.in_reply_to_id for c in comments}
    wanted.discard(None)
    here = {c.pk: c for c in comments}
    names = {pk: here[pk].name or "Anonymous" for pk in wanted & here.keys() if here[pk].is_public}
    elsewhere = sorted(wanted - here.keys())
    for start in range(0, len(elsewhere), CHUNK):
        approved = Comment.objects.public().filter(pk__in=elsewhere[start : start + CHUNK])
        names.update((pk, name or "Anonymous") for pk, name in approved.values_list("pk", "name"))
    return names


def _unique(items, summary):
    seen, unique = set(), []
    for item in items:
        if item.source_id in seen:
            summary.skip("comment", "the same comment id twice in the file")
            continue
        seen.add(item.source_id)
        unique.append(item)
    return unique


def _records(source, site, ids):
    found = {}
    for start in range(0, len(ids), CHUNK):
        rows = SourceRecord.objects.filter(
            source=source,
            site=site,
            kind=SourceRecord.Kind.COMMENT,
            source_id__in=ids[start : start + CHUNK],
        ).select_related("comment")
        found.update((row.source_id, row) for row in rows)
    return found


def _insert(post, items, records, *, source, site, summary, label):
    if not items:
        return []
    cap = settings.COMMENTS_MAX_DEPTH
    # Comments come in date order (then by id), whatever their order in the file, so a
    # parent written after its child is no problem and replies keep their reading order.
    items = sorted(items, key=lambda item: (item.created_at, _id_key(item.source_id)))
    nodes = {}
    for item in items:
        comment = Comment(
            post=post,
            user=item.user,
            name=item.name,
            email=item.email,
            url=item.url,
            body=item.body,
            status=item.status,
            created_at=item.created_at,
            ip_address=item.ip_address,
        )
        nodes[item.source_id] = _New(item=item, comment=comment)
    # Parents already in the database: imported earlier, in this file or another one.
    outside = {n.item.parent_id for n in nodes.values() if n.item.parent_id} - set(nodes)
    outside_records = _records(source, site, sorted(outside - set(records)))
    outside_records.update({sid: records[sid] for sid in outside & set(records)})
    existing = {
        row["pk"]: row
        for row in Comment.objects.filter(
            pk__in=[r.comment_id for r in outside_records.values()], post=post
        ).values("pk", "parent_id", "level", "tree_id")
    }
    for node in nodes.values():
        parent_id = node.item.parent_id
        if not parent_id:
            continue
        if parent_id in nodes:
            node.parent = nodes[parent_id]
            nodes[parent_id].children.append(node)
        elif parent_id in outside_records and outside_records[parent_id].comment_id in existing:
            node.parent = outside_records[parent_id].comment_id
        else:
            summary.note(
                "Comments whose parent is missing (made top-level)",
                f"comment {node.item.source_id} on {label} (parent {parent_id})",
            )
    order = _generations(nodes, summary, label)
    _place(order, existing, cap, summary)
    trees = _allocate_trees(order, existing)
    with bulk_tree_writes():
        generations = {}
        for node in order:
            generations.setdefault(node.generation, []).append(node)
        for generation in sorted(generations):
            batch = generations[generation]
            for node in batch:
                comment = node.comment
                comment.parent_id = _pk(node.real_parent)
                comment.in_reply_to_id = _pk(node.in_reply_to)
            Comment.objects.bulk_create([node.comment for node in batch], batch_size=500)
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    source=source,
                    site=site,
                    kind=SourceRecord.Kind.COMMENT,
                    source_id=node.item.source_id,
                    fingerprint=node.item.fingerprint(),
                    comment=node.comment,
                )
                for node in order
            ],
            batch_size=500,
        )
    for tree_id in sorted(trees):
        rebuild_tree(tree_id)
    for node in order:
        summary.count("comment", "created", node.item.status)
    return [node.comment for node in order]


def _id_key(source_id):
    return (0, int(source_id), "") if source_id.isdigit() else (1, 0, source_id)


def _generations(nodes, summary, label):
    """Nodes with parents before children (breadth first); loops are cut and listed."""
    order = []
    queue = [node for node in nodes.values() if not isinstance(node.parent, _New)]
    reached = set()
    while queue:
        next_queue = []
        for node in queue:
            reached.add(id(node))
            order.append(node)
            for child in node.children:
                child.generation = node.generation + 1
                next_queue.append(child)
        queue = next_queue
    for node in nodes.values():
        if id(node) not in reached:
            # Part of a parent loop (a file can say anything): made top-level.
            summary.note(
                "Comments in a parent loop (made top-level)",
                f"comment {node.item.source_id} on {label}",
            )
            node.parent.children.remove(node)
            node.parent = None
            node.generation = 0
            stack = [node]
            while stack:
                current = stack.pop()
                reached.add(id(current))
                order.append(current)
                for child in current.children:
                    child.generation = current.generation + 1
                    stack.append(child)
    order.sort(key=lambda node: node.generation)
    return order


def _place(order, existing, cap, summary):
    """Set level, the real parent and in_reply_to, as save_new_comment does at the cap."""
    for node in order:
        parent = node.parent
        if parent is None:
            node.comment.level = 0
            continue
        parent_level, grandparent = _level_and_parent(parent, existing)
        if parent_level + 1 >= cap:
            node.in_reply_to, node.real_parent = parent, grandparent
            node.comment.level = parent_level
            summary.tally(f"Replies deeper than COMMENTS_MAX_DEPTH={cap} (attached at the cap)")
        else:
            node.real_parent = parent
            node.comment.level = parent_level + 1


def _level_and_parent(parent, existing):
    if isinstance(parent, _New):
        return parent.comment.level, parent.real_parent
    row = existing[parent]
    return row["level"], row["parent_id"]


def _allocate_trees(order, existing):
    """Tree columns of every node: final ones in new trees, numbered in date order (threads
    and replies), placeholder lft/rght in trees that already existed, whose ids it returns."""
    top = 0
    if any(node.real_parent is None for node in order):
        lock_new_trees()
        top = Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0
    existing_trees = set()
    for node in order:
        if node.real_parent is None:
            continue
        # The comment it answers is in the same tree as where it is attached (an ancestor),
        # and was placed first: `order` has parents before children. In a new tree it stays
        # None until number_forest below.
        if isinstance(node.parent, _New):
            node.comment.tree_id = node.parent.comment.tree_id
        else:
            node.comment.tree_id = existing[node.parent]["tree_id"]
            existing_trees.add(node.comment.tree_id)
    # Siblings are ordered by lft when the tree is rebuilt: new replies go after the replies
    # a tree already has, in date order.
    base = dict(
        Comment.objects.filter(tree_id__in=existing_trees)
        .values("tree_id")
        .annotate(top=Max("rght"))
        .values_list("tree_id", "top")
    )
    ranked = sorted(order, key=lambda node: (node.item.created_at, _id_key(node.item.source_id)))
    new_trees = []
    for rank, node in enumerate(ranked):
        if node.comment.tree_id is None:
            new_trees.append(node)
        else:
            node.comment.lft = base[node.comment.tree_id] + 2 * rank + 1
            node.comment.rght = node.comment.lft + 1
    # By level, then date (a stable sort of `ranked`): every parent before its replies, and
    # siblings, threads included, in date order.
    new_trees.sort(key=lambda node: node.comment.level)
    pairs = [
        (node.comment, None if node.real_parent is None else node.real_parent.comment)
        for node in new_trees
    ]
    number_forest(pairs, first_tree_id=top + 1)
    return existing_trees


def _pk(ref):
    if ref is None:
        return None
    if isinstance(ref, _New):
        return ref.comment.pk
    return ref
