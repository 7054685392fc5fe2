"""Create the "Moderators" group with exactly the permissions needed to moderate comments.

Moderators see and change comments (status only, through the moderation queue), manage bans
and the blocklist, read reports, the moderation log and the policy settings. Nothing on posts,
categories, users or groups.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("comments", "comment", ["view", "change"]),
    ("moderation", "ban", ["view", "add", "change", "delete"]),
    ("moderation", "blockedterm", ["view", "add", "change", "delete"]),
    ("moderation", "report", ["view"]),
    ("moderation", "moderationevent", ["view"]),
    ("moderation", "moderationsettings", ["view"]),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_label in ("comments", "moderation"):
        create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        (app, f"{verb}_{model}") for app, model, verbs in PERMISSIONS for verb in verbs
    ]
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in codenames
    ]
    group.permissions.set(perms)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
