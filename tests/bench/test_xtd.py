"""bench/xtd.py: django-comments-xtd's whole-discussion page, measured in its own process.

The timing itself is never asserted (machines here are noisy); what is checked is that the
measurement renders every comment, that the bulk-built rows are the ones xtd's own save()
would have written, and that the drawn discussion has the promised shape.
"""

import importlib.util

import pytest

from bench.xtd import MAX_LEVEL, discussion, measure, thread_columns, verify

needs_xtd = pytest.mark.skipif(
    importlib.util.find_spec("django_comments_xtd") is None,
    reason="django-comments-xtd is not installed (pip install -e '.[bench]')",
)


@needs_xtd
def test_the_xtd_page_shows_every_comment_of_the_discussion():
    report = measure(20, runs=1)

    assert report["comments"] == 20
    assert report["runs"] == 1
    assert report["ms"] > 0 and report["p90_ms"] >= report["ms"]
    assert report["bytes"] > 0
    # Article, comment count, the comments (one query, users joined), their flags prefetched.
    assert report["queries"] <= 5
    assert report["version"].startswith("2.")


@needs_xtd
def test_the_bulk_built_rows_are_those_xtd_save_writes():
    """Thread, parent, level, order and nested count match xtd's save(), reply by reply."""
    report = verify(120, seed=4)

    assert report["mismatches"] == []
    assert report["same"] is True
    assert report["comments"] == 120


def test_the_discussion_is_the_same_for_the_same_seed_and_differs_for_another():
    assert discussion(200, seed=1) == discussion(200, seed=1)
    assert discussion(200, seed=1) != discussion(200, seed=2)


def test_the_discussion_has_a_third_top_level_and_replies_within_the_depth_cap():
    comments = discussion(3000, seed=0)

    top_level = sum(comment["parent"] is None for comment in comments) / len(comments)
    assert 0.25 < top_level < 0.35
    for index, comment in enumerate(comments):
        parent = comment["parent"]
        if parent is None:
            assert comment["level"] == 0
        else:
            assert parent < index, "a reply is posted after its parent"
            assert comment["level"] == comments[parent]["level"] + 1
        assert comment["level"] <= MAX_LEVEL
        assert 1 <= len(comment["body"]) <= 1200
    assert max(comment["level"] for comment in comments) == MAX_LEVEL


def test_thread_columns_number_each_thread_depth_first_in_posting_order():
    #  10            (thread 10)
    #   |-- 11
    #   |    `-- 13
    #   `-- 12
    #  14            (thread 14)
    comments = [
        {"parent": None, "level": 0},
        {"parent": 0, "level": 1},
        {"parent": 0, "level": 1},
        {"parent": 1, "level": 2},
        {"parent": None, "level": 0},
    ]

    assert thread_columns(comments, [10, 11, 12, 13, 14]) == [
        (10, 10, 0, 1, 3),
        (10, 10, 1, 2, 1),
        (10, 10, 1, 4, 0),
        (10, 11, 2, 3, 0),
        (14, 14, 0, 1, 0),
    ]
