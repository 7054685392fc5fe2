"""The tree functions in comments/posting.py and the invariant checker."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import Post
from comments.models import Comment
from comments.posting import (
    CommentRefused,
    change_status,
    delete_comment,
    save_new_comment,
)
from comments.trees import find_tree_problems
from tests.factories import CommentFactory, PostFactory, submit_comment

pytestmark = pytest.mark.django_db


def _post(post, parent=None, body="Hello", name="Ana"):
    return submit_comment(post, parent=parent, name=name, body=body)


def test_each_top_level_comment_roots_its_own_tree(post):
    first, second = _post(post), _post(post)
    assert first.tree_id != second.tree_id
    assert (first.lft, first.rght, first.level) == (1, 2, 0)


def test_many_random_inserts_keep_every_invariant(post):
    rng = random.Random(3)
    comments = []
    for index in range(150):
        parent = rng.choice(comments) if comments and rng.random() < 0.8 else None
        comments.append(_post(post, parent=parent, body=f"Comment {index}"))
    assert find_tree_problems() == []
    for comment in comments:
        comment.refresh_from_db()
        if comment.parent_id:
            assert comment.parent.get_children().last().created_at >= comment.created_at
    post.refresh_from_db()
    assert post.comment_count == 150


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.integers(min_value=-1, max_value=40), min_size=1, max_size=40))
def test_any_sequence_of_replies_and_deletes_keeps_the_invariants(db, steps):
    """Hypothesis picks parents (negative: a new thread) and occasionally deletes."""
    post = PostFactory()
    live = []
    for step in steps:
        if step % 7 == 6 and live:
            victim = live[step % len(live)]
            delete_comment(victim)
            live = [c for c in live if Comment.objects.filter(pk=c.pk).exists()]
            continue
        parent = live[step % len(live)] if step >= 0 and live else None
        live.append(_post(post, parent=parent))
        assert find_tree_problems() == []
    post.refresh_from_db()
    assert post.comment_count == Comment.objects.filter(post=post, status="approved").count()


@override_settings(COMMENTS_MAX_DEPTH=2)
def test_the_depth_cap_keeps_stored_depth_and_remembers_whom_a_reply_answers(post):
    top = _post(post)
    reply = _post(post, parent=top)
    beside = _post(post, parent=reply)
    assert (beside.parent, beside.in_reply_to, beside.level) == (top, reply, 1)
    assert find_tree_problems() == []


def test_a_parent_removed_meanwhile_is_refused_under_the_lock(post):
    parent = CommentFactory(post=post)
    comment = Comment(post=post, parent=parent, name="x", email="x@example.com", body="b")
    Comment.objects.filter(pk=parent.pk).update(status="removed")
    with pytest.raises(CommentRefused, match="not available for replies"):
        save_new_comment(comment)
    assert Comment.objects.count() == 1


def test_delete_comment_removes_the_subtree_and_closes_the_gap(post):
    root = _post(post)
    doomed = _post(post, parent=root)
    _post(post, parent=doomed)
    kept = _post(post, parent=root)
    assert delete_comment(doomed) == 2
    root.refresh_from_db()
    kept.refresh_from_db()
    assert (root.lft, root.rght, kept.lft, kept.rght) == (1, 4, 2, 3)
    post.refresh_from_db()
    assert post.comment_count == 2
    assert find_tree_problems() == []
    assert delete_comment(doomed) == 0  # already gone


def test_change_status_updates_status_and_counts_without_touching_the_tree(
    post, django_assert_max_num_queries
):
    other_post = PostFactory()
    comments = [_post(post) for _ in range(3)] + [_post(other_post)]
    before = list(Comment.objects.order_by("pk").values_list("tree_id", "lft", "rght", "level"))
    # Read the rows, lock the posts, update, recount (with the posts' new stamps), new stamps
    # for the changed threads; plus the savepoint pair in tests. And the notification task,
    # in its own savepoint: it is written in this transaction now (one commit for the change
    # and its task), where it used to follow the commit, unseen by a test, in a transaction
    # of its own.
    with django_assert_max_num_queries(10):
        changed = change_status(
            Comment.objects.filter(pk__in=[c.pk for c in comments[1:]]), "removed"
        )
    assert changed == 3
    after = list(Comment.objects.order_by("pk").values_list("tree_id", "lft", "rght", "level"))
    assert before == after
    assert dict(Post.objects.values_list("pk", "comment_count")) == {post.pk: 1, other_post.pk: 0}
    assert change_status(Comment.objects.filter(pk=comments[1].pk), "removed") == 0
    assert change_status(Comment.objects.filter(pk=comments[1].pk), "approved") == 1
    post.refresh_from_db()
    assert post.comment_count == 2


def test_change_status_refuses_an_unknown_status(post):
    with pytest.raises(ValueError):
        change_status(Comment.objects.all(), "archived")


def test_the_checker_finds_a_broken_tree_and_the_command_fails(post, capsys):
    root = _post(post)
    child = _post(post, parent=root)
    call_command("check_comment_trees")
    assert "Every comment tree is sound." in capsys.readouterr().out
    Comment.objects.filter(pk=child.pk).update(lft=5, rght=6)
    problems = find_tree_problems()
    assert any("lies outside its parent" in p for p in problems)
    assert any("not exactly 1..4" in p for p in problems)
    with pytest.raises(CommandError, match="problem"):
        call_command("check_comment_trees")


def test_the_checker_finds_two_roots_sharing_a_tree(post):
    first, second = _post(post), _post(post)
    Comment.objects.filter(pk=second.pk).update(tree_id=first.tree_id)
    assert any("2 roots" in p for p in find_tree_problems())


def test_the_checker_finds_a_wrong_level(post):
    root = _post(post)
    child = _post(post, parent=root)
    Comment.objects.filter(pk=child.pk).update(level=3)
    assert any("has level 3" in p for p in find_tree_problems())


def test_the_model_declares_the_tree_indexes():
    names = {index.name for index in Comment._meta.indexes}
    assert {"comment_tree_lft", "comment_post_tree_head", "comment_post_roots"} <= names


def test_golden_tree_and_page_structure(client, post):
    """A known sequence of posts gives exactly these nested sets and this nesting on the page."""
    a = _post(post, name="A")
    b = _post(post, parent=a, name="B")
    _post(post, parent=a, name="C")
    d = _post(post, parent=b, name="D")
    e = _post(post, name="E")
    _post(post, parent=d, name="F")
    _post(post, parent=a, name="G")
    rows = {
        name: (tree_id, lft, rght, level)
        for name, tree_id, lft, rght, level in Comment.objects.values_list(
            "name", "tree_id", "lft", "rght", "level"
        )
    }
    t1, t2 = a.tree_id, e.tree_id
    assert t2 == t1 + 1
    assert rows == {
        "A": (t1, 1, 12, 0),
        "B": (t1, 2, 7, 1),
        "D": (t1, 3, 6, 2),
        "F": (t1, 4, 5, 3),
        "C": (t1, 8, 9, 1),
        "G": (t1, 10, 11, 1),
        "E": (t2, 1, 2, 0),
    }
    assert find_tree_problems() == []
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")

    def outline(element):
        name = element.find(itemprop="name").text
        children = element.find("div", class_="comment-replies", recursive=False)
        if children is None:
            return name
        inner = " ".join(outline(child) for child in children.find_all("article", recursive=False))
        return f"{name}[{inner}]"

    tops = soup.select(".comment-list > article")
    assert " ".join(outline(top) for top in tops) == "A[B[D[F]] C G] E"
