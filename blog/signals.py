"""Keeping the search index (blog/search.py) in step with posts and their terms.

A post's index entry depends on other rows (its categories' and tags' names), which change
without the post being saved: after the admin's save_related, after a rename. These hooks are
the only signals in the project; they maintain a derived index, never the core flow. A change
made with QuerySet.update() is not seen: `manage.py rebuild_search_index` catches up.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Category, Post, Tag
from .search import index_posts


def _later(pks):
    # The index lives in the database: written in the same transaction as the change, so it
    # commits or rolls back with it.
    index_posts(pks)


@receiver(post_save, sender=Post)
def post_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _later([instance.pk])


@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=Post.tags.through)
def terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        _later([instance.pk])
    elif pk_set:
        _later(pk_set)


@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=Post.tags.through)
def terms_clearing(sender, instance, action, reverse, **kwargs):
    # A category or tag cleared of its posts: they are known only before the clear.
    if action == "pre_clear" and reverse:
        instance._search_posts = list(instance.posts.values_list("pk", flat=True))
    elif action == "post_clear" and reverse:
        _later(getattr(instance, "_search_posts", []))


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Tag)
def term_renamed(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        _later(instance.posts.values_list("pk", flat=True))
