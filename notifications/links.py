"""Signed links in mails: confirm an address, unsubscribe (one thread or everything), the
preferences page, and a commenter's own data. Each kind has its own salt, so a link of one
kind never works as another; each carries the address it is for."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

DAY = 24 * 60 * 60
# How long each kind of link works. Unsubscribe links never expire (RFC 8058 mail clients
# may use them months later); a data link opens someone's comments, so it lasts a day.
MAX_AGE = {
    "confirm": 14 * DAY,
    "unsubscribe": None,
    "preferences": 90 * DAY,
    "data": DAY,
}
URL_NAMES = {
    "confirm": "notifications:confirm",
    "unsubscribe": "notifications:unsubscribe",
    "preferences": "notifications:preferences",
    "data": "notifications:data",
}


class BadLink(Exception):
    """A forged, damaged or expired link; the message is for the reader."""


def make_token(kind, email, **extra):
    return signing.dumps({"e": email.strip().lower(), **extra}, salt=f"notifications.{kind}")


def read_token(kind, token):
    """The payload of a signed link: {"e": email, ...}. Raises BadLink."""
    try:
        value = signing.loads(token, salt=f"notifications.{kind}", max_age=MAX_AGE[kind])
    except signing.SignatureExpired:
        raise BadLink("This link has expired. Please ask for a new one.") from None
    except signing.BadSignature:
        raise BadLink("This link is not valid (it may have been cut short or changed).") from None
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        raise BadLink("This link is not valid (it may have been cut short or changed).")
    return value


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def link(kind, email, **extra):
    """The absolute address of a signed link."""
    return absolute(reverse(URL_NAMES[kind], args=[make_token(kind, email, **extra)]))
