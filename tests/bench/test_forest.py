"""The benchmark's forest generator (bench/run.py): deterministic, realistic, a sound tree.

No timing here: the benchmark's numbers are read as ratios in one run, never asserted.
"""

import pytest

from bench.run import generate_forest, store_forest
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.factories import PostFactory


def test_the_same_seed_gives_the_same_forest_and_another_seed_another():
    assert generate_forest(300, seed=4) == generate_forest(300, seed=4)
    assert generate_forest(300, seed=4) != generate_forest(300, seed=5)


def test_the_forest_has_the_shape_the_issue_asks_for():
    forest = generate_forest(2000, seed=1, max_depth=8)
    roots = [item for item in forest if item.parent is None]
    assert 0.25 <= len(roots) / len(forest) <= 0.35
    assert max(item.level for item in forest) == 7  # the cap: levels 0 to max_depth - 1
    for item in forest:
        assert 20 <= len(item.body) <= 1200
        if item.parent is not None:
            parent = forest[item.parent]
            assert parent.index < item.index
            assert item.level == parent.level + 1
    bodies = "".join(item.body for item in forest)
    for needle in ("\n\n", "<", ">", "&", '"', "é", "😀"):
        assert needle in bodies
    names = [item.name for item in forest]
    assert "" in names  # some commenters give no name
    assert any(" " in name for name in names)


@pytest.mark.django_db
def test_the_stored_forest_is_a_sound_tree_with_every_fragment_drawn():
    post = PostFactory()
    forest = generate_forest(120, seed=2, max_depth=4)
    rows = store_forest(post, forest)
    assert find_tree_problems() == []
    stored = Comment.objects.filter(post=post)
    assert stored.count() == 120
    assert stored.filter(fragment__html__startswith="<article").count() == 120
    by_index = {index: row.pk for index, row in enumerate(rows)}
    parents = dict(stored.values_list("pk", "parent_id"))
    for item in forest:
        expected = by_index[item.parent] if item.parent is not None else None
        assert parents[by_index[item.index]] == expected
    post.refresh_from_db()
    assert post.comment_count == 120
