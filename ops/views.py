import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, Http404, JsonResponse
from django.utils._os import safe_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import media

logger = logging.getLogger(__name__)
HEALTH_CACHE_KEY = "ops:healthz"


@never_cache
@require_safe
def healthz(request):
    """200 when the database and the cache answer and every migration is applied, else 503.

    The answer names each check and its state only: never an error message, which could
    carry a host name or a password.
    """
    checks = {
        "database": _check(_database),
        "cache": _check(_cache),
        "migrations": _check(_migrations),
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503
    )


def _check(probe):
    try:
        return probe()
    except Exception:
        logger.exception("Health check %s failed", probe.__name__.lstrip("_"))
        return "unreachable"


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache():
    cache.set(HEALTH_CACHE_KEY, "ok", 30)
    return "ok" if cache.get(HEALTH_CACHE_KEY) == "ok" else "unreachable"


def _migrations():
    # Reading every migration file takes a while; once a process has seen them all applied,
    # they stay applied for the life of its code, so load balancers can probe often.
    if not _migrations.applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations.applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if _migrations.applied else "pending"


_migrations.applied = False


@require_safe
def serve_media(request, path):
    """A picture from MEDIA_ROOT, for a site that runs on one machine without a proxy for it.

    Only pictures are served (ops/media.py); the type comes from the stored name, never from
    the file, and nosniff stops browsers from guessing another one.
    """
    content_type = media.content_type(path)
    if content_type is None:
        raise Http404("Not a picture")
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
        handle = open(full_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (OSError, ValueError, SuspiciousFileOperation) as exc:
        raise Http404("No such file") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = media.cache_control(path)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
