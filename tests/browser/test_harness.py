"""The harness itself: without a browser, local runs skip with a hint and CI fails."""

import pytest

from tests.browser import conftest as harness


def test_a_missing_browser_is_a_skip_with_a_hint_locally(monkeypatch):
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        harness._unavailable("No Chromium found")


def test_a_missing_browser_is_a_failure_when_the_browser_is_required(monkeypatch):
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="failure, not a skip"):
        harness._unavailable("No Chromium found")


def test_an_explicit_chromium_path_that_does_not_exist_means_no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-chromium"))
    assert harness._chromium_path() is None
