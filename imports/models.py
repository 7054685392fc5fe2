"""Where each imported row came from, so a second import finds it instead of copying it.

One row per (source, site, kind, source id): a WordPress post id, a Disqus post id, a
WordPress login, a category or tag nicename. It points at the blog's row through a plain
foreign key for its kind (a check constraint says which), so deleting a post or a comment
deletes its record and a later import brings it back. `fingerprint` is a hash of the fields
as the file gave them: an unchanged fingerprint means there is nothing to update.
"""

from django.conf import settings
from django.db import models

from blog.models import Category, Post, Tag
from comments.models import Comment


class SourceRecord(models.Model):
    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        DISQUS = "disqus", "Disqus"

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        USER = "user", "User"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"

    source = models.CharField(max_length=10, choices=Source.choices)
    site = models.CharField(
        max_length=300, help_text="The WordPress site address or the Disqus forum name."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=255, help_text="The id the row had in the export.")
    fingerprint = models.CharField(max_length=40, blank=True)
    # For posts: the address the post had on the old site (path only, no trailing slash), so
    # a Disqus thread that points at the old address finds the post.
    link = models.CharField(max_length=500, blank=True, db_index=True)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "site", "kind", "source_id"], name="source_record_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="post", post__isnull=False)
                    | models.Q(kind="comment", comment__isnull=False)
                    | models.Q(kind="user", user__isnull=False)
                    | models.Q(kind="category", category__isnull=False)
                    | models.Q(kind="tag", tag__isnull=False)
                ),
                name="source_record_points_at_its_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.kind} {self.source_id} ({self.site})"
