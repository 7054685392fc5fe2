"""Avatars without third-party requests: a deterministic identicon drawn from the e-mail.

The picture's key is an HMAC of the normalised e-mail (keyed with SECRET_KEY), so the page
never reveals a plain hash of anyone's address. Its address carries a signature of the key,
so the endpoint draws only pictures the site itself handed out (a made-up key is a 404). The
PNG is drawn with Pillow on each request (under a millisecond) and never stored server-side,
so requests cannot fill a cache; browsers and proxies keep it for a year, since a key always
draws the same picture.

Only a comment whose poster proved who they are (signed in, or carrying the commenter token
for that address) gets the address's picture; any other comment gets a picture of its own,
so typing someone's e-mail does not borrow their face. Gravatar is used only when
settings.COMMENTS_GRAVATAR is on, and then only for proven identities.
"""

import colorsys
import hashlib
import io
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from PIL import Image, ImageDraw

SIZE = 80  # pixels; shown at 40 CSS pixels, so it stays sharp on high-density screens
GRID = 5
KEY_LENGTH = 20
SIGNATURE_LENGTH = 12
# The HMAC behind every key and signature: pinned, since each stored comment fragment, each
# browser's and proxy's cached picture and each identicon were made with it (Django's
# salted_hmac() default, SHA-1, which Django 2028 changes; as an HMAC it is still sound).
AVATAR_HMAC = "sha1"


@lru_cache(maxsize=8192)
def avatar_key(email):
    email = (email or "").strip().lower()
    return salted_hmac("comments.avatar", email, algorithm=AVATAR_HMAC).hexdigest()[:KEY_LENGTH]


@lru_cache(maxsize=8192)
def key_signature(key):
    signature = salted_hmac("comments.avatar-url", key, algorithm=AVATAR_HMAC)
    return signature.hexdigest()[:SIGNATURE_LENGTH]


def is_issued(key, signature):
    """Whether the site handed out this key and signature."""
    return constant_time_compare(key_signature(key), signature)


def avatar_url(email, *, verified=True, comment_pk=None):
    """The picture for a comment: the address's when the poster proved it, else its own."""
    if not verified:
        key = avatar_key(f"unverified-comment:{comment_pk}")
    elif settings.COMMENTS_GRAVATAR:
        digest = hashlib.md5((email or "").strip().lower().encode()).hexdigest()  # noqa: S324
        return f"https://www.gravatar.com/avatar/{digest}?s={SIZE}&d=identicon"
    else:
        key = avatar_key(email)
    before, between, after = _address_parts(get_script_prefix(), get_urlconf())
    return f"{before}{key}{between}{key_signature(key)}{after}"


# Stand-ins that fit the avatar route's pattern, to split its reversed address around them.
_KEY_MARK, _SIGNATURE_MARK = "0" * KEY_LENGTH, "f" * SIGNATURE_LENGTH


@lru_cache(maxsize=8)
def _address_parts(script_prefix, urlconf):
    """The avatar address around its key and signature, reversed once per prefix and URLconf
    (every comment drawn needs one: a reverse() each cost more than drawing the rest)."""
    url = reverse("comments:avatar", kwargs={"key": _KEY_MARK, "signature": _SIGNATURE_MARK})
    before, _, rest = url.partition(_KEY_MARK)
    between, _, after = rest.partition(_SIGNATURE_MARK)
    return before, between, after


def draw_identicon(key):
    """A symmetric 5x5 pattern in one colour on a pale background, decided by the key."""
    digest = hashlib.sha256(key.encode()).digest()
    hue = digest[0] / 255
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, 0.55)
    colour = (int(red * 255), int(green * 255), int(blue * 255))
    image = Image.new("RGB", (SIZE, SIZE), (240, 240, 236))
    draw = ImageDraw.Draw(image)
    cell = SIZE // (GRID + 1)
    margin = (SIZE - cell * GRID) // 2
    bits = int.from_bytes(digest[1:5], "big")
    for row in range(GRID):
        for column in range((GRID + 1) // 2):
            if bits & 1:
                for x in {column, GRID - 1 - column}:
                    left, top = margin + x * cell, margin + row * cell
                    draw.rectangle((left, top, left + cell - 1, top + cell - 1), fill=colour)
            bits >>= 1
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
