"""Nested-set numbering for bulk writes, and the invariant checker (docs/tree.md, rules 10-11).

`number_forest` gives comments about to be bulk-inserted their final tree columns in memory,
so whole new threads go in with bulk_create and need neither django-mptt's per-row updates nor
a rebuild afterwards: the importer (imports/threads.py, inside
comments.posting.bulk_tree_writes), the benchmark's forest (bench/forest.py) and
tests/factories.make_forest all number their threads with it.

`find_tree_problems` is used by `manage.py check_comment_trees` and by the tests after golden,
concurrent and many-insert runs. It streams the whole table once in (tree_id, lft) order.
"""

from itertools import groupby

from .models import Comment


def number_forest(pairs, *, first_tree_id):
    """Set tree_id, lft, rght and level on new comments from (comment, parent) pairs.

    `parent` is None for a top-level comment, otherwise another comment of `pairs`, listed
    before it. Each top-level comment roots a new tree, numbered from `first_tree_id` in the
    order listed; replies become children in the order listed, each after its earlier
    siblings, as comments.posting appends a reply as last child. Comments are matched by
    identity, so unsaved rows (no pk yet) work.

    The walk keeps its own stack instead of recursing: a chain of replies can be deeper than
    Python's recursion limit (docs/tree.md: django-mptt's rebuild() fails on a ~1,000-deep
    chain). Raises ValueError, before changing any comment, when a reply comes before its
    parent, its parent is not in `pairs` (or is itself), or a comment is listed twice.
    """
    pairs = list(pairs)
    position = {}  # id(comment) -> its index in pairs
    levels = []
    children = {}  # index -> indexes of its replies, in order
    roots = []
    for index, (comment, parent) in enumerate(pairs):
        if id(comment) in position:
            raise ValueError(
                f"pairs[{index}] lists again the comment of pairs[{position[id(comment)]}]"
            )
        if parent is None:
            roots.append(index)
            levels.append(0)
        else:
            parent_index = position.get(id(parent))
            if parent_index is None:
                raise ValueError(_missing_parent(pairs, index))
            children.setdefault(parent_index, []).append(index)
            levels.append(levels[parent_index] + 1)
        position[id(comment)] = index
    for tree_id, root in enumerate(roots, start=first_tree_id):
        counter = 1
        stack = [(root, False)]
        while stack:
            index, closing = stack.pop()
            comment = pairs[index][0]
            if closing:
                comment.rght = counter
            else:
                comment.tree_id, comment.lft, comment.level = tree_id, counter, levels[index]
                stack.append((index, True))
                stack.extend((child, False) for child in reversed(children.get(index, ())))
            counter += 1


def _missing_parent(pairs, index):
    """The error for a reply whose parent was not listed before it (the slow path only)."""
    comment, parent = pairs[index]
    if parent is comment:
        return f"pairs[{index}] is its own parent"
    later = next((i for i in range(index + 1, len(pairs)) if pairs[i][0] is parent), None)
    if later is None:
        return f"pairs[{index}]: its parent is not in the list"
    return (
        f"pairs[{index}] comes before its parent, pairs[{later}]: "
        "every parent must be listed before its replies"
    )


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
