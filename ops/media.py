"""What a stored media file may be served as, wherever it is stored.

Only pictures are ever served, each with the image type of its own extension; any other name
is refused (the app's media view answers 404, object storage stores it as an attachment of
type application/octet-stream), so an upload can never come back as HTML or a script.
Cover renditions carry a hash of their content in their name (blog/images.py), so browsers
may keep them for a year; other files can be replaced under the same name and are kept a day.
"""

import re
from pathlib import PurePosixPath

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
DOWNLOAD_TYPE = "application/octet-stream"
# blog.images names renditions "<stem>-<width>w-<hash>.<ext>" inside a "renditions" folder.
HASHED_RENDITION_RE = re.compile(r"(^|/)renditions/[^/]+-\d+w-[0-9a-f]{12}\.[a-z]+$")
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=86400"


def content_type(name):
    """The image type to serve `name` as, or None when it must not be served inline."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())


def cache_control(name):
    return LONG_CACHE if HASHED_RENDITION_RE.search(name) else SHORT_CACHE
