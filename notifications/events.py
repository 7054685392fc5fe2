"""The listener comments/posting.py calls with each comment change, inside the transaction
that makes it (settings.COMMENTS_LISTENERS). It only queues a task: nothing is decided or sent
in the request that made the change.

With the database queue (django_tasks_db) on the comments' own database, the task row is
written in that transaction, inside a savepoint: the comment and its task commit together
(one commit per comment, where a task queued after the commit cost a second one), a
rolled-back change leaves no task, and a failed enqueue rolls back to the savepoint without
spoiling the comment. Any other queue (Redis, the immediate backend) hears of the change
only once it commits.
"""

import logging
from functools import partial

from django.db import router, transaction

logger = logging.getLogger(__name__)


def on_comment(event, **data):
    from .tasks import comment_event

    if _queued_in_this_database(comment_event):
        _enqueue(comment_event, event, data, savepoint=True)
    else:
        transaction.on_commit(partial(_enqueue, comment_event, event, data))


def _enqueue(task, event, data, *, savepoint=False):
    try:
        if savepoint:
            with transaction.atomic():
                task.enqueue(event, data)
        else:
            task.enqueue(event, data)
    except Exception:  # never turn a stored comment into an error page
        logger.exception("Could not queue the %s event %s", event, data)


def _queued_in_this_database(task):
    try:
        from django_tasks_db.backend import DatabaseBackend  # noqa: PLC0415 (optional)
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415
    except ImportError:
        return False
    from comments.models import Comment  # noqa: PLC0415

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return router.db_for_write(DBTaskResult) == router.db_for_write(Comment)
