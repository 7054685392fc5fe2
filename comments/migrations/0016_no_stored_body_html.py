"""No stored copy of a comment's body as HTML: Comment.body_html renders it from the body, and
pages show the stored fragments. Going back renders it into the column again."""

from django.db import migrations


def render_bodies(apps, schema_editor):
    from comments.formatting import render_comment_body

    Comment = apps.get_model("comments", "Comment")
    last = 0
    while True:
        rows = list(
            Comment.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "body")[:2000]
        )
        if not rows:
            return
        batch = [Comment(pk=pk, body_html=render_comment_body(body)) for pk, body in rows]
        Comment.objects.bulk_update(batch, ["body_html"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0015_partial_indexes"),
    ]

    operations = [
        # Backwards: the column comes back (RemoveField reversed), then it is filled.
        migrations.RunPython(migrations.RunPython.noop, render_bodies),
        migrations.RemoveField(
            model_name="comment",
            name="body_html",
        ),
    ]
