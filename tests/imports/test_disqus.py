"""import_disqus on tests/imports/data/courier.disqus.xml, after the WordPress import."""

import pytest

from blog.models import Post
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def disqus(newsroom, run, data):
    return run("import_disqus", str(data / "courier.disqus.xml"))


def named(name):
    return Comment.objects.get(name=name)


def test_threads_match_posts_by_old_link_ignoring_scheme_host_and_slash(disqus):
    assert named("Søren Kjær").post.slug == "night-trains-return"


def test_threads_match_posts_by_the_wordpress_plugins_identifier(disqus):
    assert named("Chen Wei").post.slug == "timetables"


def test_replies_keep_their_parent_even_when_listed_first(disqus):
    assert named("Ngozi Adeyemi").parent == named("Søren Kjær")
    assert named("Deleted Person").parent == named("Søren Kjær")
    assert find_tree_problems() == []


def test_deleted_and_spam_comments_keep_their_status(disqus):
    assert named("Deleted Person").status == Comment.Status.REMOVED
    assert named("Watches").status == Comment.Status.SPAM
    assert named("Søren Kjær").status == Comment.Status.APPROVED


def test_html_messages_become_comment_text(disqus):
    assert named("Ngozi Adeyemi").body == (
        "Replying to **Søren**: I agree.\n\nSecond paragraph\nwith a break."
    )
    assert named("Søren Kjær").body == (
        "Disqus says hello 👋 — the timetable (https://rail.example.org/)"
    )


def test_unmatched_threads_and_missing_parents_are_listed_never_attached_elsewhere(disqus):
    assert "Threads that match no post (comments left out): 2" in disqus
    assert "“About us” https://courier.example.com/about/: 1" in disqus
    assert "thread 6666 (not in the file): 1" in disqus
    assert not Comment.objects.filter(name__in=["Lost", "Ghost"]).exists()
    late = named("Late Reader")
    assert late.parent is None
    assert "comment 9005" in disqus and "(parent 8999)" in disqus


def test_comment_counts_include_the_disqus_comments(disqus):
    # 4 approved from WordPress plus Søren, Ngozi and Late Reader.
    assert Post.objects.get(slug="night-trains-return").comment_count == 7


def test_a_second_disqus_import_changes_nothing(disqus, run, data):
    before = list(Comment.objects.order_by("pk").values())
    again = run("import_disqus", str(data / "courier.disqus.xml"))
    assert "comments:   created 0; unchanged 6" in again
    assert list(Comment.objects.order_by("pk").values()) == before


def test_a_thread_matches_a_post_written_on_the_blog_by_its_address(run, data, tmp_path):
    post = PostFactory(slug="native-post")
    text = (
        (data / "courier.disqus.xml")
        .read_text()
        .replace(
            "http://www.courier.example.com/2026/10/night-trains-return",
            f"https://blog.example.net{post.get_absolute_url()}",
        )
    )
    path = tmp_path / "native.xml"
    path.write_text(text)
    run("import_disqus", str(path))
    assert named("Søren Kjær").post == post
    assert find_tree_problems() == []
