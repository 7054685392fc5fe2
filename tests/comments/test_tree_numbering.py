"""comments.trees.number_forest: the nested-set columns of bulk-written comments.

Most tests number plain objects (the function only sets attributes); the last stores real
rows and checks them against django-mptt and the invariant checker.
"""

import sys
from types import SimpleNamespace

import pytest

from comments.models import Comment
from comments.trees import find_tree_problems, number_forest
from tests.factories import PostFactory


def columns(node):
    return node.tree_id, node.lft, node.rght, node.level


def stored_columns():
    return {
        pk: tuple(rest)
        for pk, *rest in Comment.objects.values_list("pk", "tree_id", "lft", "rght", "level")
    }


def numbered(parents, *, first_tree_id=1):
    """Plain objects numbered as a forest, listed in this order: `parents[i]` is the index of
    object i's parent, or None for a top-level one."""
    nodes = [SimpleNamespace() for _ in parents]
    pairs = [
        (node, None if p is None else nodes[p]) for node, p in zip(nodes, parents, strict=True)
    ]
    number_forest(pairs, first_tree_id=first_tree_id)
    return nodes


def test_a_single_comment_is_a_tree_of_its_own():
    (only,) = numbered([None], first_tree_id=7)
    assert columns(only) == (7, 1, 2, 0)


def test_no_comments_is_no_work():
    assert numbered([]) == []


@pytest.mark.parametrize(
    ("parents", "expected"),
    [
        pytest.param(
            [None, None, 0, None, 3],
            [(1, 1, 4, 0), (2, 1, 2, 0), (1, 2, 3, 1), (3, 1, 4, 0), (3, 2, 3, 1)],
            id="threads interleaved as comments arrive: each top-level one the next tree",
        ),
        pytest.param(
            [None, 0, 0, 1, 0],
            [(1, 1, 10, 0), (1, 2, 5, 1), (1, 6, 7, 1), (1, 3, 4, 2), (1, 8, 9, 1)],
            id="siblings in the order listed, each after the earlier ones and their replies",
        ),
    ],
)
def test_trees_and_siblings_follow_the_order_listed(parents, expected):
    assert [columns(node) for node in numbered(parents)] == expected


def test_a_chain_deeper_than_the_recursion_limit_is_numbered():
    depth = sys.getrecursionlimit() * 3
    chain = numbered([None, *range(depth - 1)])
    assert [columns(node) for node in chain] == [(1, i + 1, 2 * depth - i, i) for i in range(depth)]


def test_a_reply_listed_before_its_parent_is_refused_and_nothing_is_numbered():
    root, parent, reply = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()
    with pytest.raises(ValueError, match=r"pairs\[1\] comes before its parent, pairs\[2\]"):
        number_forest([(root, None), (reply, parent), (parent, root)], first_tree_id=1)
    assert vars(root) == vars(parent) == vars(reply) == {}


def test_a_reply_whose_parent_is_not_listed_is_refused():
    with pytest.raises(ValueError, match=r"pairs\[0\]: its parent is not in the list"):
        number_forest([(SimpleNamespace(), SimpleNamespace())], first_tree_id=1)


def test_a_comment_that_is_its_own_parent_is_refused():
    loop = SimpleNamespace()
    with pytest.raises(ValueError, match=r"pairs\[0\] is its own parent"):
        number_forest([(loop, loop)], first_tree_id=1)


def test_a_comment_listed_twice_is_refused():
    root = SimpleNamespace()
    with pytest.raises(ValueError, match=r"pairs\[1\] lists again the comment of pairs\[0\]"):
        number_forest([(root, None), (root, None)], first_tree_id=1)


@pytest.mark.django_db
def test_stored_with_bulk_create_the_forest_is_sound_and_what_django_mptt_rebuilds():
    post = PostFactory()
    rows = []
    # Three threads (one a lone comment), a chain and siblings; unsaved rows (no pk yet).
    shape = [None, 0, 1, 2, 1, None, 5, 0, None, 3]
    for parent in shape:
        rows.append(Comment(post=post, name="Ana", body="Hi", status="approved"))
        rows[-1].parent = rows[parent] if parent is not None else None
    number_forest([(row, row.parent) for row in rows], first_tree_id=1)
    for level in range(max(row.level for row in rows) + 1):
        batch = [row for row in rows if row.level == level]
        for row in batch:
            row.parent_id = row.parent.pk if row.parent is not None else None
        Comment.objects.bulk_create(batch)
    assert find_tree_problems() == []
    assert stored_columns() == {row.pk: columns(row) for row in rows}
    Comment._tree_manager.rebuild()
    assert stored_columns() == {row.pk: columns(row) for row in rows}
