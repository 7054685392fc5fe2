"""Image fixtures for the blog tests: real files made with Pillow, no assets on disk."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


def _jpeg_with_gps(size=(2000, 1000)):
    image = Image.new("RGB", size, (20, 120, 140))
    image.paste((240, 200, 40), (0, 0, size[0] // 4, size[1] // 4))  # marks the top-left corner
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ExampleCam"
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (33.0, 30.0, 50.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (36.0, 18.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _png_claiming_size(width, height):
    """A tiny PNG whose header claims width x height: a decompression bomb's calling card."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    # The IHDR chunk starts at byte 8: length (4), type (4), width (4), height (4), ...
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


@pytest.fixture
def gps_jpeg_bytes():
    return _jpeg_with_gps()


@pytest.fixture
def gps_jpeg_upload(gps_jpeg_bytes):
    return SimpleUploadedFile("holiday.jpg", gps_jpeg_bytes, content_type="image/jpeg")


@pytest.fixture
def bomb_upload():
    return SimpleUploadedFile(
        "bomb.png", _png_claiming_size(50_000, 50_000), content_type="image/png"
    )


@pytest.fixture
def not_an_image_upload():
    return SimpleUploadedFile(
        "report.jpg", b"%PDF-1.4 this is not a picture", content_type="image/jpeg"
    )


@pytest.fixture
def small_png_upload():
    buffer = io.BytesIO()
    Image.new("RGBA", (640, 360), (200, 30, 30, 128)).save(buffer, format="PNG")
    return SimpleUploadedFile("small.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def truncated_jpeg_upload(gps_jpeg_bytes):
    return SimpleUploadedFile("cut.jpg", gps_jpeg_bytes[:3000], content_type="image/jpeg")
