"""The stored HTML of each comment in a table of its own (comments.models.Fragment)."""

import django.db.models.deletion

import comments.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0012_page_index_with_level'),
    ]

    operations = [
        migrations.CreateModel(
            name='Fragment',
            fields=[
                ('comment', comments.models.RowidKey(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='fragment', serialize=False, to='comments.comment')),
                ('html', models.TextField(blank=True)),
                ('version', models.CharField(blank=True, max_length=16)),
            ],
        ),
        # The stored HTML moves across as it is; comments without any keep no row (the page
        # draws them at read time, as before).
        migrations.RunSQL(
            sql=(
                "INSERT INTO comments_fragment (comment_id, html, version) "
                "SELECT id, html, html_version FROM comments_comment "
                "WHERE html <> '' OR html_version <> ''"
            ),
            reverse_sql=(
                "UPDATE comments_comment SET "
                "html = COALESCE((SELECT f.html FROM comments_fragment f "
                "WHERE f.comment_id = comments_comment.id), ''), "
                "html_version = COALESCE((SELECT f.version FROM comments_fragment f "
                "WHERE f.comment_id = comments_comment.id), '')"
            ),
        ),
        migrations.RemoveField(
            model_name='comment',
            name='html',
        ),
        migrations.RemoveField(
            model_name='comment',
            name='html_version',
        ),
    ]
