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
