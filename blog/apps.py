from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from . import signals  # noqa: F401 - keeps the search index in step (blog/search.py)
        from .page_cache import connect_signals

        connect_signals()
