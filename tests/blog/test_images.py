"""Cover images: uploads validated before storage; stored copies stripped and resized."""

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.images import process_cover, validate_upload
from tests.factories import PostFactory


def test_a_real_jpeg_passes_validation(gps_jpeg_upload):
    validate_upload(gps_jpeg_upload)
    assert gps_jpeg_upload.tell() == 0  # left ready to be read again


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(not_an_image_upload):
    with pytest.raises(ValidationError, match="not an image we can read"):
        validate_upload(not_an_image_upload)


def test_a_truncated_jpeg_is_refused_before_it_reaches_processing(truncated_jpeg_upload):
    with pytest.raises(ValidationError, match="not an image we can read"):
        validate_upload(truncated_jpeg_upload)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(bomb_upload):
    with pytest.raises(ValidationError, match="too large in pixels"):
        validate_upload(bomb_upload)


def test_a_picture_over_the_pixel_limit_is_refused(settings, gps_jpeg_upload):
    settings.BLOG_COVER_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match="2000 × 1000 pixels"):
        validate_upload(gps_jpeg_upload)


def test_a_file_over_the_size_limit_is_refused(settings, gps_jpeg_upload):
    settings.BLOG_COVER_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="at most 1.0"):
        validate_upload(gps_jpeg_upload)


def test_a_gif_is_refused_as_an_unsupported_format():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="GIF images are not accepted"):
        validate_upload(SimpleUploadedFile("a.gif", buffer.getvalue()))


@pytest.mark.django_db
def test_processing_strips_exif_and_gps_and_applies_the_orientation(gps_jpeg_upload):
    post = PostFactory()
    post.cover_image.save("holiday.jpg", gps_jpeg_upload, save=False)
    process_cover(post)

    post.refresh_from_db()
    # Orientation 6 means the 2000 x 1000 picture is shown rotated: 1000 wide, 2000 high.
    assert (post.cover_width, post.cover_height) == (1000, 2000)
    stored = [post.cover_image.name] + [
        entry[key] for entry in post.cover_renditions for key in ("webp", "jpeg")
    ]
    for name in stored:
        with post.cover_image.storage.open(name) as handle, Image.open(handle) as image:
            exif = image.getexif()
            assert not exif, f"{name} still has EXIF: {dict(exif)}"
            assert "exif" not in image.info
            assert image.height > image.width


@pytest.mark.django_db
def test_processing_makes_webp_and_jpeg_renditions_no_wider_than_the_picture(gps_jpeg_upload):
    post = PostFactory()
    post.cover_image.save("holiday.jpg", gps_jpeg_upload, save=False)
    process_cover(post)

    post.refresh_from_db()
    assert [entry["width"] for entry in post.cover_renditions] == [480, 960]
    storage = post.cover_image.storage
    for entry in post.cover_renditions:
        with storage.open(entry["webp"]) as handle, Image.open(handle) as image:
            assert image.format == "WEBP" and image.width == entry["width"]
        with storage.open(entry["jpeg"]) as handle, Image.open(handle) as image:
            assert image.format == "JPEG" and image.size == (entry["width"], entry["height"])


@pytest.mark.django_db
def test_a_small_transparent_png_gets_one_rendition_at_its_own_width(small_png_upload):
    post = PostFactory()
    post.cover_image.save("small.png", small_png_upload, save=False)
    process_cover(post)
    assert [entry["width"] for entry in post.cover_renditions] == [480]
    assert post.cover_image.name.endswith(".jpg")


@pytest.mark.django_db
def test_replacing_a_cover_deletes_the_old_renditions(gps_jpeg_upload, small_png_upload):
    post = PostFactory()
    post.cover_image.save("holiday.jpg", gps_jpeg_upload, save=False)
    process_cover(post)
    old = [entry["webp"] for entry in post.cover_renditions]

    post.cover_image.save("small.png", small_png_upload, save=False)
    process_cover(post)
    storage = post.cover_image.storage
    assert not any(storage.exists(name) for name in old)


@pytest.mark.django_db
def test_the_cover_property_builds_srcsets_from_the_renditions(gps_jpeg_upload):
    post = PostFactory()
    post.cover_image.save("holiday.jpg", gps_jpeg_upload, save=False)
    process_cover(post)
    cover = post.cover
    assert cover["webp_srcset"].count("w,") == 1 and cover["webp_srcset"].endswith("960w")
    assert re.search(r"/holiday-960w-[0-9a-f]{12}\.jpg$", cover["src"])
    assert (cover["width"], cover["height"]) == (960, 1920)


@pytest.mark.django_db
def test_a_post_without_a_cover_has_no_picture():
    assert PostFactory().cover is None


@pytest.mark.django_db
def test_a_rendition_name_carries_a_hash_of_its_content(gps_jpeg_upload):
    """A new picture always gets new addresses, so browsers may keep renditions for a year."""
    post = PostFactory()
    post.cover_image.save("holiday.jpg", gps_jpeg_upload, save=False)
    process_cover(post)
    for entry in post.cover_renditions:
        for key in ("webp", "jpeg"):
            data = post.cover_image.storage.open(entry[key]).read()
            assert hashlib.sha256(data).hexdigest()[:12] in entry[key]
