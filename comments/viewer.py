"""What the site remembers of one browser: the held comments it posted, and who it is.

A guest whose comment waits for a moderator still sees it on the page (marked as awaiting
moderation); its id is kept in the session, and comments.pages draws it for that viewer only.

With every guest comment the browser gets a signed commenter token for the e-mail address it
used. The moderation policy counts a guest as a known commenter only when the token vouches
for the address typed: someone who types another reader's e-mail has no such token.
"""

import json
import secrets

from django.conf import settings

SESSION_KEY = "comments_pending"
REMEMBERED = 50
TOKEN_COOKIE = "commenter"
TOKEN_SALT = "comments.commenter-token"
TOKEN_MAX_AGE = 365 * 24 * 60 * 60


def commenter_token_email(request):
    """The e-mail address (lower-cased) this browser's signed token vouches for, or None."""
    value = request.get_signed_cookie(
        TOKEN_COOKIE, default=None, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
    )
    return value or None


def remember_commenter(response, comment):
    """Issue the signed token for the address of a guest comment just stored."""
    email = (comment.email or "").strip().lower()
    if not email:
        return
    response.set_signed_cookie(
        TOKEN_COOKIE,
        email,
        salt=TOKEN_SALT,
        max_age=TOKEN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


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


# The comments this browser posted as a guest (signed, newest last): the proof a guest needs to
# edit or delete their own comment. Kept a day, far longer than the edit window.
OWN_COOKIE = "commenter_posts"
OWN_SALT = "comments.own-comments"
OWN_MAX_AGE = 24 * 60 * 60
OWN_REMEMBERED = 20


def own_comment_ids(request):
    """Ids of the guest comments this browser posted (from its signed cookie)."""
    value = request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_SALT, max_age=OWN_MAX_AGE)
    return {int(part) for part in value.split(".") if part.isdigit()}


def remember_own(request, response, comment):
    ids = [pk for pk in sorted(own_comment_ids(request)) if pk != comment.pk] + [comment.pk]
    response.set_signed_cookie(
        OWN_COOKIE,
        ".".join(str(pk) for pk in ids[-OWN_REMEMBERED:]),
        salt=OWN_SALT,
        max_age=OWN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


LIKER_COOKIE = "liker"
LIKER_SALT = "comments.liker-token"


def liker_token(request):
    """This browser's signed liker token (a random id), or a new one to issue with the reply.

    A guest's like counts once per token; clearing cookies gives a new token, which the
    per-address limit (comments.posting.like_comment) keeps from turning into a flood.
    """
    value = request.get_signed_cookie(
        LIKER_COOKIE, default=None, salt=LIKER_SALT, max_age=TOKEN_MAX_AGE
    )
    return value or secrets.token_urlsafe(18)


def remember_liker(response, token):
    response.set_signed_cookie(
        LIKER_COOKIE,
        token,
        salt=LIKER_SALT,
        max_age=TOKEN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# "Remember me": the name, e-mail, website and reply wish a guest chose to keep in this
# browser. Set only when they tick the box; unticking it removes the cookie.
DETAILS_COOKIE = "commenter_details"
DETAILS_SALT = "comments.commenter-details"
DETAILS_MAX_AGE = 365 * 24 * 60 * 60
DETAILS_FIELDS = ("name", "email", "url", "notify")


def remembered_details(request):
    """The details this browser asked us to remember ({} without consent or a valid cookie)."""
    try:
        value = request.get_signed_cookie(
            DETAILS_COOKIE, default=None, salt=DETAILS_SALT, max_age=DETAILS_MAX_AGE
        )
        data = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: data[key] for key in DETAILS_FIELDS if key in data}


def remember_details(response, details):
    data = {key: details.get(key) for key in DETAILS_FIELDS}
    response.set_signed_cookie(
        DETAILS_COOKIE,
        json.dumps(data, separators=(",", ":")),
        salt=DETAILS_SALT,
        max_age=DETAILS_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_details(response):
    response.delete_cookie(DETAILS_COOKIE, samesite="Lax")
