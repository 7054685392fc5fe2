"""Media in S3-compatible object storage, against moto's S3 server on a local port.

moto[server] is a real HTTP server speaking the S3 API, so django-storages and boto3 go
through their whole request path, signatures included.
"""

import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from blog.images import process_cover
from tests.factories import PostFactory

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def s3_endpoint():
    import random
    import socket

    for port in random.sample(range(8100, 8200), 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        break
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"media-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "ops.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    return client, name


@pytest.mark.django_db
def test_a_cover_goes_to_the_bucket_with_image_types_and_cache_headers(bucket):
    client, name = bucket
    post = PostFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (700, 400), (10, 120, 60)).save(buffer, format="PNG")
    post.cover_image.save("field.png", ContentFile(buffer.getvalue()), save=False)
    process_cover(post)

    original = client.head_object(Bucket=name, Key=post.cover_image.name)
    assert original["ContentType"] == "image/jpeg"
    assert original["CacheControl"] == "public, max-age=86400"
    for entry in post.cover_renditions:
        head = client.head_object(Bucket=name, Key=entry["webp"])
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert post.cover["src"].startswith(client.meta.endpoint_url)


@pytest.mark.django_db
def test_a_file_that_is_not_a_picture_is_stored_as_a_download(bucket):
    from django.core.files.storage import default_storage

    client, name = bucket
    stored = default_storage.save("covers/page.html", ContentFile(b"<script>x</script>"))
    head = client.head_object(Bucket=name, Key=stored)
    assert head["ContentType"] == "application/octet-stream"
    assert head["ContentDisposition"] == "attachment"


def test_the_bucket_and_endpoint_come_from_the_environment(tmp_path):
    """The settings hand the AWS_* variables to django-storages (it reads no bucket itself)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "AWS_STORAGE_BUCKET_NAME": "site-media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-west-1",
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default'], settings.SERVE_MEDIA]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    storage, serve_media = json.loads(out)
    assert storage["BACKEND"] == "ops.storage.MediaStorage"
    assert storage["OPTIONS"]["bucket_name"] == "site-media"
    assert storage["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert storage["OPTIONS"]["region_name"] == "eu-west-1"
    assert serve_media is False
