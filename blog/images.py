"""Cover images: validate uploads, strip metadata, make responsive renditions.

validate_upload() runs in the admin form, before anything is stored, and turns every kind of
bad file into a ValidationError with a plain message. process_cover() is the heavier step
(decode, re-encode, several resizes); it is called from PostAdmin.save_model() and from the
demo command when a cover changes, not from Post.save(), which only derives cheap fields.
"""

import hashlib
import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (480, 960, 1600)
# The stored "original" is re-encoded without metadata and capped at this width.
MAX_STORED_WIDTH = 2400


def max_bytes():
    return getattr(settings, "BLOG_COVER_MAX_BYTES", 10 * 1024 * 1024)


def max_pixels():
    return getattr(settings, "BLOG_COVER_MAX_PIXELS", 40_000_000)


def validate_upload(upload):
    """Raise ValidationError unless `upload` is a JPEG, PNG or WebP within the limits.

    The header is read first to check the size, so a decompression bomb is refused before
    Pillow allocates memory for it; only then is the picture decoded in full.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(
            "The file is %(size)s; covers can be at most %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                image_format = image.format
                if width * height > max_pixels():
                    raise _too_many_pixels(width, height)
                image.verify()
            # verify() checks little beyond the header for JPEG and WebP; decoding the whole
            # picture (its size is now known to be within the limit) catches damaged or
            # truncated files here, as a form error, rather than later in process_cover().
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "This image is far too large in pixels to be processed safely.",
            code="decompression_bomb",
        ) from exc
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP picture.",
            code="not_an_image",
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG or WebP picture.",
            code="format",
            params={"format": image_format or "This kind of"},
        )


def _too_many_pixels(width, height):
    return ValidationError(
        "The image is %(width)s × %(height)s pixels; covers can have at most %(limit)s million "
        "pixels. Please resize it first.",
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": max_pixels() // 1_000_000},
    )


def _flatten(image):
    """Apply the EXIF orientation, then return an RGB image without any metadata."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # A fresh image carries pixels only: no EXIF, GPS, XMP or ICC blocks.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _encode(image, image_format, quality):
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=quality, optimize=True)
    return buffer.getvalue()


def process_cover(post):
    """Replace the post's cover with a metadata-free copy and make its renditions.

    Stores the cleaned file in place of the upload, writes a WebP and a JPEG for each width in
    RENDITION_WIDTHS that the picture can fill (at least one, at the picture's own width),
    and saves cover_width, cover_height and cover_renditions on the post.
    """
    field = post.cover_image
    if not field:
        _delete_renditions(field.storage, post.cover_renditions)
        post.cover_width = post.cover_height = None
        post.cover_renditions = []
        post.save(update_fields=["cover_width", "cover_height", "cover_renditions"])
        return
    storage = field.storage
    field.open("rb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(field) as opened:
                image = _flatten(opened)
    finally:
        field.close()
    if image.width > MAX_STORED_WIDTH:
        image = _resize(image, MAX_STORED_WIDTH)

    _delete_renditions(storage, post.cover_renditions)
    old_name = field.name
    stem = PurePosixPath(old_name).stem
    folder = PurePosixPath(old_name).parent
    field.save(f"{stem}.jpg", ContentFile(_encode(image, "JPEG", 88)), save=False)
    if old_name != field.name:
        storage.delete(old_name)

    renditions = []
    widths = [w for w in RENDITION_WIDTHS if w <= image.width] or [image.width]
    for width in widths:
        resized = _resize(image, width)
        entry = {"width": resized.width, "height": resized.height}
        for key, image_format, extension in (("webp", "WEBP", "webp"), ("jpeg", "JPEG", "jpg")):
            data = _encode(resized, image_format, 80)
            # The content's hash in the name lets browsers and CDNs keep a rendition for a
            # year (ops/media.py): a new picture always gets a new address.
            digest = hashlib.sha256(data).hexdigest()[:12]
            name = str(folder / "renditions" / f"{stem}-{width}w-{digest}.{extension}")
            if storage.exists(name):
                storage.delete(name)
            entry[key] = storage.save(name, ContentFile(data))
        renditions.append(entry)

    post.cover_width, post.cover_height = image.size
    post.cover_renditions = renditions
    post.save(update_fields=["cover_image", "cover_width", "cover_height", "cover_renditions"])


def _delete_renditions(storage, renditions):
    for entry in renditions or []:
        for key in ("webp", "jpeg"):
            if entry.get(key) and storage.exists(entry[key]):
                storage.delete(entry[key])


def _resize(image, width):
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)
