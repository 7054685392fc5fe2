"""The nested-set invariant checker (docs/tree.md, rule 11).

Used by `manage.py check_comment_trees` and by the tests after golden, concurrent and
many-insert runs. It streams the whole table once in (tree_id, lft) order.
"""

from itertools import groupby

from .models import Comment


def find_tree_problems(queryset=None):
    """Return a list of human-readable problems; an empty list means every tree is sound.

    Checked for each tree_id: exactly one root, with lft=1, level=0 and no parent; the lft and
    rght values are exactly 1..2n; every child lies strictly inside its parent, in the same
    tree and post, one level deeper.
    """
    queryset = Comment.objects.all() if queryset is None else queryset
    rows = (
        queryset.order_by("tree_id", "lft")
        .values_list("pk", "tree_id", "lft", "rght", "level", "parent_id", "post_id")
        .iterator(chunk_size=5000)
    )
    problems = []
    for tree_id, tree in groupby(rows, key=lambda row: row[1]):
        problems.extend(_check_tree(tree_id, list(tree)))
    return problems


def _check_tree(tree_id, rows):
    problems = []
    by_pk = {row[0]: row for row in rows}
    roots = [row for row in rows if row[5] is None]
    if len(roots) != 1:
        problems.append(f"tree {tree_id}: {len(roots)} roots (expected 1)")
    for pk, _, lft, _rght, level, _parent, _ in roots:
        if lft != 1 or level != 0:
            problems.append(f"tree {tree_id}: root {pk} has lft={lft}, level={level}")
    bounds = sorted([row[2] for row in rows] + [row[3] for row in rows])
    if bounds != list(range(1, 2 * len(rows) + 1)):
        problems.append(f"tree {tree_id}: lft/rght are not exactly 1..{2 * len(rows)}")
    for pk, _, lft, rght, level, parent_id, post_id in rows:
        if lft >= rght:
            problems.append(f"tree {tree_id}: comment {pk} has lft {lft} >= rght {rght}")
        if parent_id is None:
            continue
        parent = by_pk.get(parent_id)
        if parent is None:
            problems.append(f"tree {tree_id}: comment {pk}'s parent {parent_id} is in another tree")
            continue
        if not (parent[2] < lft and rght < parent[3]):
            problems.append(f"tree {tree_id}: comment {pk} lies outside its parent {parent_id}")
        if level != parent[4] + 1:
            problems.append(f"tree {tree_id}: comment {pk} has level {level}, parent {parent[4]}")
        if post_id != parent[6]:
            problems.append(f"tree {tree_id}: comment {pk} is on another post than its parent")
    return problems
