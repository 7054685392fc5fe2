"""The listener comments/posting.py calls after a comment change commits
(settings.COMMENTS_LISTENERS). It only queues a task: nothing is decided or sent in the
request that made the change."""

import logging

logger = logging.getLogger(__name__)


def on_comment(event, **data):
    from .tasks import comment_event

    try:
        comment_event.enqueue(event, data)
    except Exception:  # never turn a stored comment into an error page
        logger.exception("Could not queue the %s event %s", event, data)
