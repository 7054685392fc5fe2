"""Factories shared by every test module (never import helpers from other test modules)."""

import factory
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from blog.models import Category, Post, Tag
from comments.models import Comment, Fragment
from comments.policy import Submission
from comments.posting import draft_comment, post_comment, redraw_stale, save_new_comment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    author = factory.SubFactory(UserFactory)
    standfirst = "A short summary of the story."
    body = "First paragraph.\n\nSecond paragraph."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment row. With stored=True it is stored exactly as comments.posting stores a
    posted comment (tree lock, stored HTML, the post's comment count), whatever its status."""

    class Meta:
        model = Comment

    parent = None
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.lower().replace(' ', '.')}@example.com")
    body = "A thoughtful comment."
    status = Comment.Status.APPROVED

    @factory.lazy_attribute
    def post(self):
        return self.parent.post if self.parent is not None else PostFactory()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if not kwargs.pop("stored", False):
            comment = super()._create(model_class, *args, **kwargs)
            others = Comment.objects.public().filter(tree_id=comment.tree_id)
            if comment.is_public and not others.exclude(pk=comment.pk).exists():
                # Its thread's first public comment: one more thread (as posting counts).
                Post.objects.filter(pk=comment.post_id).update(
                    thread_count=models.F("thread_count") + 1
                )
            return comment
        return save_new_comment(model_class(*args, **kwargs), check_parent=False)


def submit_comment(
    post,
    *,
    parent=None,
    name="Ana",
    email="a@example.com",
    body="Hello",
    ip_address=None,
    user=None,
    **signals,
):
    """Post a comment through the policy and the posting path, as the form does."""
    draft = draft_comment(
        post=post,
        parent=parent,
        name=name,
        email=email,
        body=body,
        ip_address=ip_address,
        user=user,
    )
    return post_comment(Submission(comment=draft, **signals))


class ModeratorFactory(UserFactory):
    """A staff member in the "Moderators" group (created by moderation's data migration)."""

    is_staff = True

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        if create:
            self.groups.add(Group.objects.get(name="Moderators"))


class BlockedTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "moderation.BlockedTerm"

    phrase = factory.Sequence(lambda n: f"badword{n}")
    action = "pending"


class BanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "moderation.Ban"

    email = "banned@example.com"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "moderation.Report"

    comment = factory.SubFactory(CommentFactory)
    reason = "abuse"
    ip_address = factory.Sequence(lambda n: f"10.0.{n // 250}.{n % 250 + 1}")


def stored_html(comment):
    """The HTML stored for a comment (comments.models.Fragment), as the database holds it now."""
    return Fragment.objects.get(comment_id=comment.pk).html


def make_forest(post, count, *, max_level=3, threads=None, seed=0, status="approved", draw=True):
    """Create `count` comments on `post` quickly, as whole threads, and return them in order.

    The nested-set columns are computed in memory (comments.trees.number_forest) and the rows
    inserted with bulk_create one level at a time (parents first, so they have ids), which is
    far faster than inserting one by one. Used for the large-discussion tests; run manage.py's
    checker on the result if in doubt. With draw=True each comment's HTML is stored too, as
    comments.posting does.
    """
    import random

    from django.db.models import F, Max

    from comments.trees import number_forest

    rng = random.Random(seed)
    threads = threads or max(1, count // 5)
    next_tree = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    start = timezone.now() - timezone.timedelta(days=2)
    nodes = []
    for index in range(count):
        body = f"Comment number {index}.\n\nA second paragraph with https://example.com/{index}."
        comment = Comment(
            post=post,
            name=f"Reader {index}",
            email=f"reader{index % 50}@example.com",
            body=body,
            status=status,
            created_at=start + timezone.timedelta(seconds=index),
        )
        candidates = [node for node in nodes[-30:] if node.level < max_level]
        if index < threads or not candidates:
            comment.level, comment.parent = 0, None
        else:
            parent = rng.choice(candidates)
            comment.level, comment.parent = parent.level + 1, parent
        nodes.append(comment)
    number_forest([(node, node.parent) for node in nodes], first_tree_id=next_tree)
    for level in range(max_level + 1):
        Comment.objects.bulk_create([node for node in nodes if node.level == level])
    public = [node for node in nodes if node.status == "approved"]
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + len(public),
        thread_count=F("thread_count") + sum(1 for node in public if node.parent is None),
    )
    if draw:
        redraw_stale(Comment.objects.filter(post=post))
    return nodes


def commenter_token(email):
    """(cookie name, value) of the signed commenter token a browser gets with a comment."""
    from django.core.signing import get_cookie_signer

    from comments.viewer import TOKEN_COOKIE, TOKEN_SALT

    value = get_cookie_signer(salt=TOKEN_COOKIE + TOKEN_SALT).sign(email.strip().lower())
    return TOKEN_COOKIE, value


def migrate_to(target=None):
    """Migrate the test database to `target` (a list of (app, migration), or None for the
    latest) and return the models as they were in that state, for migration tests."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def historical_post(apps):
    """A post (and its author) written with the models of an earlier migration state."""
    author = apps.get_model("auth", "User").objects.create(username="writer")
    return apps.get_model("blog", "Post").objects.create(
        title="T", slug="t", body="b", author_id=author.pk
    )
