"""/healthz and the structured logs, in process."""

import json
import logging
import sys

import pytest
from django.db import connection

from ops import logs
from ops.logs import JSONFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_database_cache_and_migrations_are_fine(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
    }
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_and_says_which_check_failed_without_the_error(client, monkeypatch):
    secret = "postgres://admin:hunter2@db.internal/site"

    def broken_cursor(*args, **kwargs):
        raise RuntimeError(f"could not connect to {secret}")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "failing"
    assert "hunter2" not in response.content.decode()


def test_healthz_reports_pending_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    from ops import views

    monkeypatch.setattr(views._migrations, "applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["x"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == (
        "abc123def456"
    )
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert forged != "bad id\nwith newline" and len(forged) == 32


def _formatted(record):
    RequestIdFilter().filter(record)
    return json.loads(JSONFormatter().format(record))


def test_an_error_log_line_is_json_with_request_id_and_traceback():
    token = logs.request_id.set("req-0123456789")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord(
                "django.request",
                logging.ERROR,
                __file__,
                1,
                "Internal Server Error: %s",
                ("/x/",),
                sys.exc_info(),
            )
        entry = _formatted(record)
    finally:
        logs.request_id.reset(token)
    assert entry["level"] == "error"
    assert entry["request_id"] == "req-0123456789"
    assert entry["message"] == "Internal Server Error: /x/"
    assert "ValueError: boom" in entry["traceback"]


def test_a_gunicorn_access_record_becomes_request_fields():
    atoms = {
        "{x-request-id}o": "abcdef0123456789",
        "m": "GET",
        "U": "/posts/a/",
        "q": "",
        "s": "200",
        "M": "12",
        "B": "512",
        "h": "127.0.0.1",
        "a": "curl",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s", None, None)
    record.args = atoms
    entry = _formatted(record)
    assert entry | {"time": None} == {
        "time": None,
        "level": "info",
        "logger": "gunicorn.access",
        "request_id": "abcdef0123456789",
        "method": "GET",
        "path": "/posts/a/",
        "status": 200,
        "duration_ms": 12,
        "bytes": 512,
        "remote_addr": "127.0.0.1",
        "user_agent": "curl",
    }
