"""Moderation reasons become (code, text) pairs; the codes get a column the queue filters on.

The old free-text reasons ("; "-joined sentences) are converted: each sentence gets the code of
the rule whose wording it carries, and "other" when none matches (the text is kept as it was).
"""

from django.db import migrations, models

# Phrases the policy wrote before reasons had codes, by code; checked in this order.
OLD_PHRASES = [
    ("bot_honeypot", "the hidden honeypot field"),
    ("bot_stamp", "time stamp was missing or forged"),
    ("bot_fast", "Spam: posted "),
    ("blocklist", "blocklist phrase"),
    ("links", " links (more than"),
    ("offensive", "offensive-language score"),
    ("first_time", "first comment from this"),
    ("staff", "Published: staff member"),
    ("known", "Published: known commenter"),
    ("review_all", "Every comment is reviewed"),
]


def code_of(text):
    for code, phrase in OLD_PHRASES:
        if phrase in text:
            return code
    return "other"


def to_codes(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    changed = []
    for comment in Comment.objects.exclude(moderation_reason="").only("pk", "moderation_reason"):
        texts = [t.strip() for t in comment.moderation_reason.split("; ") if t.strip()]
        comment.moderation_reasons = [{"code": code_of(t), "text": t} for t in texts]
        codes = [reason["code"] for reason in comment.moderation_reasons]
        comment.moderation_codes = f" {' '.join(codes)} " if codes else ""
        changed.append(comment)
    Comment.objects.bulk_update(
        changed, ["moderation_reasons", "moderation_codes"], batch_size=500
    )


def to_text(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    changed = []
    for comment in Comment.objects.exclude(moderation_codes="").only("pk", "moderation_reasons"):
        comment.moderation_reason = "; ".join(r["text"] for r in comment.moderation_reasons)
        changed.append(comment)
    Comment.objects.bulk_update(changed, ["moderation_reason"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_sender_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="moderation_codes",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="comment",
            name="moderation_reasons",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="Why the moderation policy held or flagged this comment.",
            ),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.RemoveField(
            model_name="comment",
            name="moderation_reason",
        ),
    ]
