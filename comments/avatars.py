"""Avatars without third-party requests: a deterministic identicon drawn from the e-mail.

The picture's key is an HMAC of the normalised e-mail (keyed with SECRET_KEY), so the page
never reveals a plain hash of anyone's address. The PNG is drawn with Pillow on first request
and kept in the cache; browsers may keep it for a year because a key always draws the same
picture. Gravatar is used only when settings.COMMENTS_GRAVATAR is on.
"""

import colorsys
import hashlib
import io
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import salted_hmac
from PIL import Image, ImageDraw

SIZE = 80  # pixels; shown at 40 CSS pixels, so it stays sharp on high-density screens
GRID = 5
KEY_LENGTH = 20


@lru_cache(maxsize=8192)
def avatar_key(email):
    email = (email or "").strip().lower()
    return salted_hmac("comments.avatar", email).hexdigest()[:KEY_LENGTH]


def avatar_url(email):
    if settings.COMMENTS_GRAVATAR:
        digest = hashlib.md5((email or "").strip().lower().encode()).hexdigest()  # noqa: S324
        return f"https://www.gravatar.com/avatar/{digest}?s={SIZE}&d=identicon"
    return reverse("comments:avatar", kwargs={"key": avatar_key(email)})


def avatar_png(key):
    """The PNG bytes for a key, from the cache or freshly drawn."""
    cache_key = f"comments:avatar:{key}"
    png = cache.get(cache_key)
    if png is None:
        png = draw_identicon(key)
        cache.set(cache_key, png, timeout=60 * 60 * 24 * 30)
    return png


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
