"""blog.prepared.Prepared: a row queryset compiled once, run again with other ids."""

import pytest
from django.db.models import F

from blog.models import Post, head_union, term_rows
from blog.prepared import Prepared
from tests.factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_each_run_reads_the_rows_of_its_own_ids(django_assert_num_queries):
    first, second = PostFactory(), PostFactory()
    first.categories.add(CategoryFactory(name="Rail"))
    second.tags.add(TagFactory(name="Night trains"), TagFactory(name="Sleepers"))
    prepared = Prepared(lambda pks: head_union(term_rows(pks)))

    for pks in ([first.pk], [second.pk], [first.pk, second.pk], [second.pk]):
        expected = list(head_union(term_rows(pks)))
        with django_assert_num_queries(1):
            assert prepared.rows(pks) == expected
    assert [row[4] for row in prepared.rows([second.pk])] == ["Night trains", "Sleepers"]
    assert prepared.rows([10**9]) == []


def test_values_are_converted_as_django_converts_them():
    post = PostFactory()
    prepared = Prepared(
        lambda pks: Post.objects.filter(pk__in=pks).values_list("published_at", F("pk"))
    )
    assert prepared.rows([post.pk]) == [(post.published_at, post.pk)]


def test_an_id_that_the_query_changes_is_refused():
    # An id that does not reach the SQL as given (here doubled) cannot be put back in place.
    prepared = Prepared(
        lambda pks: Post.objects.filter(pk__in=[pk * 2 for pk in pks]).values_list("pk")
    )
    with pytest.raises(ValueError, match="did not reach the compiled query"):
        prepared.rows([1])


def test_positive_integer_columns_take_the_stand_ins():
    # Django compiles a look-up with a value outside its field's range (a negative tree id)
    # to "nothing"; the stand-ins stay inside every integer column's range.
    from comments.models import Comment
    from tests.factories import CommentFactory

    comment = CommentFactory()
    prepared = Prepared(
        lambda span: Comment.objects.filter(tree_id__gte=span[0], tree_id__lte=span[1]).values_list(
            "pk"
        )
    )
    assert prepared.rows([comment.tree_id, comment.tree_id]) == [(comment.pk,)]
    assert prepared.rows([comment.tree_id + 1, comment.tree_id + 5]) == []


def test_strings_are_put_in_place_of_theirs(django_assert_num_queries):
    first, second = PostFactory(slug="first-post"), PostFactory(slug="second-post")
    prepared = Prepared(lambda slugs: Post.objects.filter(slug__in=slugs).values_list("pk"))
    with django_assert_num_queries(1):
        assert prepared.rows(["second-post"]) == [(second.pk,)]
    assert prepared.rows(["first-post"]) == [(first.pk,)]
    assert prepared.rows(["100%_sure"]) == []


def test_a_look_up_that_transforms_a_string_is_refused():
    # contains wraps the value in a LIKE pattern (and escapes it): a real value put in
    # place of the stand-in would match as a pattern, so the query is refused.
    prepared = Prepared(
        lambda words: Post.objects.filter(title__contains=words[0]).values_list("pk")
    )
    with pytest.raises(ValueError, match="did not reach the compiled query"):
        prepared.rows(["night"])


def test_the_shape_is_part_of_the_key():
    posts = [PostFactory(title=f"Post {i}") for i in range(5)]
    pks = [post.pk for post in posts]
    prepared = Prepared(
        lambda pks, start, end: (
            Post.objects.filter(pk__in=pks).order_by("pk").values_list("pk")[start:end]
        )
    )
    assert prepared.rows(pks, shape=(0, 2)) == [(pks[0],), (pks[1],)]
    assert prepared.rows(pks, shape=(3, 5)) == [(pks[3],), (pks[4],)]
    assert prepared.rows(pks, shape=(0, 2)) == [(pks[0],), (pks[1],)]


def test_objects_are_the_instances_the_queryset_gives(django_assert_num_queries):
    from django.db.models import Value
    from django.db.models.functions import Concat

    from blog.views import post_page_queryset
    from comments.models import Comment
    from tests.factories import CommentFactory, UserFactory

    older = PostFactory(title="Older")
    post = PostFactory(title="Newer")
    prepared = Prepared(lambda slug: post_page_queryset().filter(slug=slug[0])[:1])
    expected = post_page_queryset().get(slug=post.slug)
    with django_assert_num_queries(1):
        (found,) = prepared.objects([post.slug])
        # select_related() objects and annotations come with it: no further query.
        assert found.author.username == expected.author.username
        assert (found._previous, found._next) == (expected._previous, expected._next)
        assert found._previous == {"title": "Older", "slug": older.slug}
    assert found.pk == post.pk and found.title == "Newer" and not found._state.adding
    assert [p.pk for p in prepared.objects([older.slug])] == [older.pk]
    assert prepared.objects(["no-such-post"]) == []

    user = UserFactory()
    CommentFactory(post=post, user=user, name="Ann")
    CommentFactory(post=post, name="Guest")
    comments = Prepared(
        lambda post: (
            Comment.objects.filter(post_id=post[0])
            .select_related("user")
            .annotate(label=Concat("name", Value("!")))
            .order_by("pk")
        )
    )
    rows = comments.objects([post.pk])
    with django_assert_num_queries(0):
        assert [(c.name, c.label, c.user and c.user.pk) for c in rows] == [
            ("Ann", "Ann!", user.pk),
            ("Guest", "Guest!", None),
        ]
    rows[0].name = "Anna"
    rows[0].save(update_fields=["name"])
    assert Comment.objects.get(pk=rows[0].pk).name == "Anna"
