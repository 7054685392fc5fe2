"""What the site remembers of one browser: the held comments it posted.

A guest whose comment waits for a moderator still sees it on the page (marked as awaiting
moderation); its id is kept in the session, and comments.pages draws it for that viewer only.
"""

SESSION_KEY = "comments_pending"
REMEMBERED = 50


def pending_ids(request):
    """Ids of the held comments this browser posted."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key and not session.modified:
        return set()
    return set(session.get(SESSION_KEY, ()))


def remember_pending(request, comment):
    held = list(request.session.get(SESSION_KEY, ()))
    held.append(comment.pk)
    request.session[SESSION_KEY] = held[-REMEMBERED:]
