from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .models import clear_staff_names_cache

        # The policy's cached names of staff (moderation.models.staff_names).
        user = get_user_model()
        post_save.connect(clear_staff_names_cache, sender=user, dispatch_uid="staff-names")
        post_delete.connect(clear_staff_names_cache, sender=user, dispatch_uid="staff-names-d")
