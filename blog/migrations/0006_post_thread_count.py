from django.db import migrations, models
from django.db.models import Exists, OuterRef


def count_threads(apps, schema_editor):
    """Count the public threads of existing posts (what comments.posting._recount stores)."""
    Post = apps.get_model("blog", "Post")
    Comment = apps.get_model("comments", "Comment")
    public = Comment.objects.filter(tree_id=OuterRef("tree_id"), status="approved")
    for post in Post.objects.only("pk").iterator():
        threads = Comment.objects.filter(post=post, level=0).filter(Exists(public)).count()
        Post.objects.filter(pk=post.pk).update(thread_count=threads)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_threads_cache"),
        # Read only, to count the threads of existing posts.
        ("comments", "0012_page_index_with_level"),
    ]

    operations = [
        # Existing posts get NULL ("not counted"), new ones start at 0.
        migrations.AddField(
            model_name="post",
            name="thread_count",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="post",
            name="thread_count",
            field=models.PositiveIntegerField(default=0, editable=False, null=True),
        ),
        migrations.RunPython(count_threads, migrations.RunPython.noop, elidable=True),
    ]
