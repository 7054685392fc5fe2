"""The mostly empty columns (parent, in_reply_to, user, form_nonce) indexed only where set."""

import django.db.models.deletion
import mptt.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_post_thread_count"),
        ("comments", "0014_no_copied_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_user_created",
        ),
        migrations.AlterField(
            model_name="comment",
            name="form_nonce",
            field=models.CharField(blank=True, editable=False, max_length=32, null=True),
        ),
        migrations.AlterField(
            model_name="comment",
            name="in_reply_to",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The comment this answers when it was attached higher up at the depth cap.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="comments.comment",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="parent",
            field=mptt.fields.TreeForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="children",
                to="comments.comment",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("user__isnull", False)),
                fields=["user", "created_at"],
                name="comment_user_created",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("parent__isnull", False)),
                fields=["parent"],
                name="comment_parent",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("in_reply_to__isnull", False)),
                fields=["in_reply_to"],
                name="comment_in_reply_to",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("form_nonce__isnull", False)),
                fields=("form_nonce",),
                name="comment_form_nonce_unique",
            ),
        ),
    ]
