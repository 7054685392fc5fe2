"""Real-browser tests: Playwright (sync API) driving Debian's headless Chromium.

One browser per session, a fresh context (cookies, storage, viewport) per test, pages served
by pytest-django's live_server on 127.0.0.1. Playwright's bundled browsers are never used
(`playwright install` cannot download here): we launch the system Chromium by path.

Without a browser the tests skip with a message; with REQUIRE_BROWSER=1 (set by .ci/run) they
fail instead, so CI can never pass by silently skipping them.

A failing test leaves a screenshot and the HTML of every page it opened in test-artifacts/.
"""

import importlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium reports a blocked script, style, frame or form in the console, but not always in a
# form Playwright passes on; the page's own securitypolicyviolation event always fires, and
# this init script (exempt from the page's policy) turns each one into a marked console error.
CSP_MARK = "CSP violation:"
REPORT_CSP_VIOLATIONS = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
    console.error("{CSP_MARK} " + event.effectiveDirective + " blocked "
        + (event.blockedURI || "inline code") + " at " + event.sourceFile + ":" + event.lineNumber);
}});
"""
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


# live_server listens on localhost by default; the browser must reach exactly 127.0.0.1.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def _require_browser():
    return os.environ.get("REQUIRE_BROWSER", "") not in ("", "0", "false", "no")


def _unavailable(reason):
    """Skip locally, fail in CI: a missing browser must never turn CI green."""
    if _require_browser():
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so this is a failure, not a skip)")
    pytest.skip(f"{reason}; install it with `apt-get install -y chromium` to run browser tests")


def _chromium_path():
    if os.environ.get("CHROMIUM_PATH"):
        candidates = [os.environ["CHROMIUM_PATH"]]
    else:
        candidates = [shutil.which("chromium") or "", "/usr/bin/chromium"]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    executable = _chromium_path()
    if executable is None:
        _unavailable("No Chromium found (looked at $CHROMIUM_PATH, chromium on PATH, /usr/bin)")

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        # Keep only this run's failures (xdist workers would delete each other's).
        shutil.rmtree(ARTIFACTS / "failures", ignore_errors=True)

    # Playwright's sync API keeps an asyncio event loop running in this thread for as long as
    # it is started. Django then refuses every ORM call from this thread (it cannot tell a
    # blocking call inside a coroutine from ours) with SynchronousOnlyOperation. Our test code
    # calls the ORM between browser steps, never from a coroutine, and the live server answers
    # the browser from its own thread, so the check is a false alarm here. Allow it for exactly
    # the time Playwright runs, and only for the browser tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as error:  # any launch failure means "no usable browser"
        playwright.stop()
        _unavailable(f"Chromium at {executable} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(request, browser, live_server):
    """Open a fresh browser context (own cookies: a separate reader) on the live server.

    new_context(viewport="mobile", java_script_enabled=False) -> a context (viewport: "desktop",
    "mobile" (390 px) or a size dict); new_context().new_page() for a page.
    Every page a test opens is kept so a failure can save it, and an uncaught JavaScript error
    or a Content-Security-Policy violation in any of them fails the test (a test that causes
    one on purpose reads and clears the `csp_violations` list).
    """
    contexts, script_errors = [], []
    request.node._browser_pages = []
    violations = request.node._csp_violations = []

    def on_console(page, message):
        if message.type == "error" and (
            message.text.startswith(CSP_MARK) or "Content Security Policy" in message.text
        ):
            violations.append(f"{page.url}: {message.text}")

    def watch(page):
        request.node._browser_pages.append(page)
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: on_console(page, message))

    def make(**options):
        viewport = options.get("viewport", "desktop")
        options["viewport"] = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "en-US")
        options.setdefault("timezone_id", "UTC")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # Progressive enhancement must not throw: an uncaught script error fails the test.
    assert not script_errors, "JavaScript errors:\n" + "\n".join(script_errors)
    # The policy (config/settings.py, CSP_DIRECTIVES) must hold on every page we serve.
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def csp_violations(request, new_context):
    """The CSP violations seen so far in this test's pages; clear it after expecting one."""
    return request.node._csp_violations


@pytest.fixture
def page(new_context):
    """A page in a fresh desktop context with JavaScript on."""
    return new_context().new_page()


@pytest.fixture
def add_comment():
    """Store a comment the way the site does (comments.posting), built by CommentFactory.

    add_comment(post=post, name="Ada", ...) or add_comment(parent=comment, ...). Going through
    the real posting code keeps the tree, the stored HTML and Post.comment_count right.
    """
    from tests.factories import CommentFactory

    def add(**fields):
        return CommentFactory(stored=True, **fields)

    return add


@pytest.fixture
def discussion(add_comment):
    """A published post with a 3-level discussion and a second, shorter thread.

    Returns a dict of the comments by role: root, child (depth 1), grandchild (depth 2),
    other_root, other_child. Guests with non-ASCII names, as on the original site.
    """
    from tests.factories import PostFactory, UserFactory

    post = PostFactory(
        title="Why threaded comments still matter",
        slug="threaded-comments",
        author=UserFactory(username="editor", first_name="Maria", last_name="Santos"),
        standfirst="A flat list of comments loses who answered whom. A tree keeps it.",
        body="Readers answer each other, not only the article.\n\n"
        "A reply that sits under the comment it answers can be read on its own.",
    )
    root = add_comment(
        post=post,
        name="Ada Lovelace",
        email="ada@example.com",
        body="The first comment starts the thread.\n\nIt has two paragraphs.",
    )
    child = add_comment(
        parent=root, name="Grace Hopper", email="grace@example.com", body="A reply to Ada."
    )
    grandchild = add_comment(
        parent=child,
        name="Émilie du Châtelet",
        email="emilie@example.com",
        body="A reply to Grace, two levels in. “Curly quotes” and an emoji 🙂.",
    )
    other_root = add_comment(post=post, name="Zoë", email="zoe@example.com", body="Second thread.")
    other_child = add_comment(
        parent=other_root, name="Ōsaka", email="osaka@example.com", body="Agreed."
    )
    return {
        "post": post,
        "root": root,
        "child": child,
        "grandchild": grandchild,
        "other_root": other_root,
        "other_child": other_child,
    }


@pytest.fixture
def moderation_policy(settings):
    """The real moderation policy, as the site runs it, with one setting relaxed.

    Browser tests type faster than people do, so "posted within N seconds of rendering is spam"
    is set to 0 s here; tests that want the real timing ask for `human_pace` instead. The rule
    itself is covered in tests/moderation.
    """
    from moderation.models import ModerationSettings

    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    config = ModerationSettings.load()
    config.min_seconds = 0
    config.save()
    return config


@pytest.fixture
def human_pace(moderation_policy):
    """Keep the default minimum writing time; returns a function that waits it out on a page."""
    from moderation.models import ModerationSettings

    default = ModerationSettings._meta.get_field("min_seconds").default
    moderation_policy.min_seconds = default
    moderation_policy.save()

    def wait(page):
        page.wait_for_timeout(default * 1000 + 200)

    return wait


@pytest.fixture
def moderator():
    """A staff account in the Moderators group, with exactly the migration's permissions.

    live_server tests run in real transactions and every table is flushed after each one, so
    rows made by data migrations are gone; the group is rebuilt by the migration's own code.
    (Serialized rollback would restore them, but it collides with the content types that
    other transactional tests' flushes recreate.)
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    migration = importlib.import_module("moderation.migrations.0002_moderators_group")
    migration.create_group(apps, schema_editor=None)
    user = UserFactory(username="moderator", first_name="Mo", is_staff=True)
    user.groups.add(Group.objects.get(name=migration.GROUP))
    return user


@pytest.fixture
def log_in():
    """Sign a user in through the admin login form (the factories' password)."""
    from django.urls import reverse

    def sign_in(page, user, password="correct horse battery staple"):
        page.goto(reverse("admin:login"))
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        assert page.locator("#user-tools").is_visible(), f"login failed at {page.url}"

    return sign_in


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    pages = getattr(item, "_browser_pages", None)
    if report.failed and pages:
        report.sections.append(("browser artifacts", _save_failure_artifacts(item, pages)))
    return report


def _save_failure_artifacts(item, pages):
    folder = ARTIFACTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    lines = []
    for index, page in enumerate(pages):
        if page.is_closed():
            continue
        name = f"{stem}-{index}" if len(pages) > 1 else stem
        try:
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            (folder / f"{name}.html").write_text(
                f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
            )
        except Exception as error:  # saving must never hide the real failure
            lines.append(f"{page.url}: could not save ({error})")
        else:
            lines.append(f"{page.url} saved as {folder / name}.png and .html")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """Run axe-core in a page; fail listing every serious or critical violation."""
    if not AXE_JS.exists():
        _unavailable(f"axe-core is missing ({AXE_JS}); run `npm install` (or `make install`)")

    def check(page, *, context=None, disable=()):
        # Evaluated through the DevTools protocol rather than added as an inline <script>,
        # which the site's Content-Security-Policy (rightly) refuses.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        # In a context with JavaScript disabled nothing runs (and axe's timers would never
        # fire): say so instead of hanging.
        assert page.evaluate("typeof window.axe") == "object", "axe-core needs JavaScript on"
        options = {"resultTypes": ["violations"]}
        if disable:
            options["rules"] = {rule: {"enabled": False} for rule in disable}
        results = page.evaluate(
            "([context, options]) => axe.run(context || document, options)", [context, options]
        )
        serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe-core on {page.url}:\n" + _describe(serious)
        return results

    return check


def _describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def screenshot():
    """Save a small PNG to test-artifacts/screenshots/ (and docs/screenshots/ on request).

    The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1, so an ordinary run never
    leaves the working tree dirty.
    """

    def save(page, name, *, full_page=True):
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        _shrink_png(path)
        if os.environ.get("UPDATE_SCREENSHOTS"):
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path

    return save


def _shrink_png(path):
    """A 256-colour palette keeps screenshots of a text page legible and several times smaller."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".png", delete=False) as tmp:
        small.save(tmp, format="PNG", optimize=True)
    os.replace(tmp.name, path)
    path.chmod(0o644)
