"""Proxy and HSTS settings as the environment makes them (config/settings.py).

Settings are read once at import, so each case imports them in a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SILENCED_SYSTEM_CHECKS",
    "CSP_DIRECTIVES",
]
OURS = {
    "DJANGO_ENV",
    "TRUSTED_PROXY_COUNT",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
}
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
    "ALLOWED_HOSTS": "example.com",
}


def settings_with(**variables):
    environment = {key: value for key, value in os.environ.items() if key not in OURS}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **variables)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("mode", [{}, PRODUCTION], ids=["development", "production"])
def test_without_a_proxy_x_forwarded_proto_is_not_trusted(mode):
    assert settings_with(TRUSTED_PROXY_COUNT="0", **mode)["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_proxy_x_forwarded_proto_says_https():
    found = settings_with(TRUSTED_PROXY_COUNT="1", **PRODUCTION)
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hsts_preload_and_subdomains_are_off_and_only_their_checks_silenced():
    found = settings_with(**PRODUCTION)
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["SILENCED_SYSTEM_CHECKS"] == ["security.W005", "security.W021"]


def test_hsts_preload_and_subdomains_are_opt_in_and_then_checked():
    found = settings_with(
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true", **PRODUCTION
    )
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SILENCED_SYSTEM_CHECKS"] == []


def test_images_come_from_this_site_only_by_default():
    assert settings_with()["CSP_DIRECTIVES"]["img-src"] == ["'self'"]


def test_images_may_come_from_gravatar_a_media_host_and_listed_origins_when_configured():
    found = settings_with(
        COMMENTS_GRAVATAR="true",
        MEDIA_URL="https://media.example.com/uploads/",
        CSP_EXTRA_IMG_SRC="https://bucket.example.net",
    )
    assert found["CSP_DIRECTIVES"]["img-src"] == [
        "'self'",
        "https://www.gravatar.com",
        "https://media.example.com",
        "https://bucket.example.net",
    ]
