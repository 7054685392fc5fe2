"""Factories shared by every test module (never import helpers from other test modules)."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import Category, Post, Tag
from comments.models import Comment


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
