"""Redraw stored post bodies: video links now become a click-to-load facade, not an iframe."""

from django.db import migrations


def redraw_bodies(apps, schema_editor):
    from blog.markup import render_markdown

    Post = apps.get_model("blog", "Post")
    for post in Post.objects.filter(body_html__contains="<iframe").only("pk", "body").iterator():
        Post.objects.filter(pk=post.pk).update(body_html=render_markdown(post.body))


class Migration(migrations.Migration):
    dependencies = [("blog", "0002_help_texts")]

    operations = [migrations.RunPython(redraw_bodies, migrations.RunPython.noop)]
