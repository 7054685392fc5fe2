"""Project settings, read from the environment through django-environ.

Local defaults are safe for development (SQLite in the project folder, local-memory cache,
media on disk). With DJANGO_ENV=production, a missing SECRET_KEY or ALLOWED_HOSTS stops
start-up instead of falling back to a default, and the cache is shared by every worker: Redis
when REDIS_URL is set, otherwise a table in the database.
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import django
import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

PRODUCTION = env.str("DJANGO_ENV", default="development") == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = env.bool("DEBUG", default=False)
else:
    # A fixed, clearly-insecure key is fine for local development and tests only.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver then serves static files through WhiteNoise too, with the
    # same headers as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # SearchVectorField (blog/search.py); harmless on SQLite, and Django 6 checks for it.
    "django.contrib.postgres",
    "django.contrib.humanize",
    "mptt",
    "blog",
    "comments",
    "moderation",
    "security",
    "axes",
    "imports",
    "ops",
    "notifications",
    # The task queue (notifications/tasks.py); django.tasks itself is built in from Django 6.
    *([] if django.VERSION >= (6, 0) else ["django_tasks"]),
    "django_tasks_db",
]

# Content-Security-Policy (policy below): Django's own from 6.0 on, django-csp before.
CSP_MIDDLEWARE = (
    "django.middleware.csp.ContentSecurityPolicyMiddleware"
    if django.VERSION >= (6, 0)
    else "csp.middleware.CSPMiddleware"
)

MIDDLEWARE = [
    "ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    CSP_MIDDLEWARE,
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a 300-comment page is ~400 KB of HTML, ~40 KB compressed). Below
    # WhiteNoise, which answers static files (already compressed) before this is reached;
    # above everything that reads or writes the body. Django pads the gzip header by a random
    # length ("Heal The Breach") against BREACH-style guessing of the CSRF token in a page.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Puts a page's drawn threads into the finished response (comments/middleware.py); inside
    # every middleware that reads or compresses the body.
    "comments.middleware.ThreadSplicingMiddleware",
    # The post page as readers without a session see it, whole (blog/page_cache.py): inside
    # the session, CSRF and authentication middleware, and inside the splicing, so that it
    # stores the page around its threads and the threads apart.
    "blog.page_cache.PostPageCacheMiddleware",
    # Last, as django-axes asks: it turns a throttled login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the login is throttled (see below), even a right one.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
                "moderation.context_processors.pending_comments",
            ],
        },
    },
    # Only where Django's engine cost more than the rest of the page (config/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "autoescape": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

# Databases: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tree writes need IMMEDIATE transactions and a busy timeout (docs/tree.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The database cache's table goes to CACHE_DATABASE when the cache settings below name one.
DATABASE_ROUTERS = ["config.routers.CacheRouter"]
if env.str("TEST_DATABASE_NAME", default=""):
    # Lets parallel test runs on one PostgreSQL server use separate databases.
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server). Without it, production
# keeps the cache in the database, so that several workers never serve each other's stale
# copies (the table is made by `migrate`, see ops/migrations); development and tests, with one
# process, keep it in local memory.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="threadline")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
elif PRODUCTION:
    _site_database = DATABASES["default"]
    if _site_database["ENGINE"] == "django.db.backends.sqlite3" and _site_database["NAME"] not in (
        "",
        ":memory:",
    ):
        # One machine: the cache in a SQLite file of its own, in WAL mode (config/routers.py).
        _site_file = Path(_site_database["NAME"])
        CACHE_DATABASE = "cache"
        DATABASES[CACHE_DATABASE] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str(
                "CACHE_DATABASE_PATH",
                default=str(_site_file.with_name(f"{_site_file.stem}-cache{_site_file.suffix}")),
            ),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL",
            },
        }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "threadline_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Room for the site settings and a few thousand avatars before old entries go.
            "OPTIONS": {"MAX_ENTRIES": env.int("DATABASE_CACHE_MAX_ENTRIES", default=50_000)},
        }
    }
else:
    # Room for every drawn thread of a large discussion (comments/caching.py); the default 300
    # entries would evict a big page's threads while it is still being stored.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env.int("LOCMEM_CACHE_MAX_ENTRIES", default=100_000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# In development and tests WhiteNoise serves straight from the app folders, so no
# collectstatic is needed; in production it serves the collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Media goes to object storage when AWS_STORAGE_BUCKET_NAME is set (needs the "s3" extra);
# every app server then sees the same files. The access keys come from the usual
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables (or the machine's role).
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    _default_storage = {
        "BACKEND": "ops.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # Public-read buckets (or a CDN) give plain addresses; private ones signed ones.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            # An upload never replaces another file that has the same name.
            "file_overwrite": False,
        },
    }
    SERVE_MEDIA = False
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # On one machine the app serves MEDIA_ROOT itself (ops.views.serve_media) unless the
    # proxy in front does it (docs/deploy/nginx.conf): then set SERVE_MEDIA=false.
    SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Threadline <noreply@localhost>")
# Where a failing SMTP server gives up a connection attempt (the worker retries later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Background work (notifications/tasks.py) on Django's Tasks framework: a table in the database
# by default (run `manage.py db_worker` beside the web server), RQ on Redis when REDIS_URL is
# set and django-tasks-rq is installed (`pip install -e '.[rq]'`; run `manage.py rqworker
# --with-scheduler`). TASKS_BACKEND=immediate runs each task at once, in the caller's process.
# The RQ apps are installed whenever the package is, whatever REDIS_URL says, so that `migrate`
# makes the same tables with or without it.
_RQ_INSTALLED = find_spec("django_tasks_rq") is not None
if _RQ_INSTALLED:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
TASKS_BACKEND = env.str(
    "TASKS_BACKEND", default="rq" if REDIS_URL and _RQ_INSTALLED else "database"
)
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    _tasks = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
    TASKS = {"default": {"BACKEND": f"{_tasks}.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Blog
BLOG_POSTS_PER_PAGE = env.int("BLOG_POSTS_PER_PAGE", default=10)
# The public address (https://news.example). Unset, every page uses the address it was
# asked at (the request's host, checked against ALLOWED_HOSTS), as the feeds and sitemap do.
SITE_URL = env.str("SITE_URL", default="")
# The PostgreSQL text search configuration for the site's language (stemming, stop words).
BLOG_SEARCH_CONFIG = env.str("BLOG_SEARCH_CONFIG", default="english")
# Cover uploads: largest file and largest picture (width x height) the admin accepts.
BLOG_COVER_MAX_BYTES = env.int("BLOG_COVER_MAX_BYTES", default=10 * 1024 * 1024)
BLOG_COVER_MAX_PIXELS = env.int("BLOG_COVER_MAX_PIXELS", default=40_000_000)

# Comments (see docs/tree.md for the tree rules these settings serve)
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=8)
COMMENTS_THREADS_PER_PAGE = env.int("COMMENTS_THREADS_PER_PAGE", default=10)
# Folding keeps a page of a busy discussion small; what is folded is one "Continue this thread"
# link away, on the thread's own page (comments/pages.py). Replies this many levels below a
# top-level comment move to their ancestor's thread page; past this many replies the rest of
# a thread does; past this many comments on a page, the page's remaining threads show their
# top-level comment alone. 0 turns each off.
COMMENTS_FOLD_DEPTH = env.int("COMMENTS_FOLD_DEPTH", default=5)
COMMENTS_FOLD_REPLIES = env.int("COMMENTS_FOLD_REPLIES", default=20)
COMMENTS_PAGE_COMMENTS = env.int("COMMENTS_PAGE_COMMENTS", default=60)
# Comments on one page of a thread page (/comments/<pk>/thread/).
COMMENTS_THREAD_PAGE = env.int("COMMENTS_THREAD_PAGE", default=50)
# Drawn threads and the page index are kept in the default cache (comments/caching.py).
COMMENTS_THREAD_CACHE = env.bool("COMMENTS_THREAD_CACHE", default=True)
COMMENTS_THREAD_CACHE_SECONDS = env.int("COMMENTS_THREAD_CACHE_SECONDS", default=86400)
# How long a post page is kept whole for readers without a session (blog/page_cache.py):
# changes show at once; this bounds what changes with time alone (0 turns it off).
POST_PAGE_CACHE_SECONDS = env.int("POST_PAGE_CACHE_SECONDS", default=60)
COMMENTS_GRAVATAR = env.bool("COMMENTS_GRAVATAR", default=False)
# Likes one address may give in a minute (comments.posting.like_comment).
COMMENTS_LIKES_PER_MINUTE = env.int("COMMENTS_LIKES_PER_MINUTE", default=30)
# How many reverse proxies / load balancers we run in front of the app (each appends to
# X-Forwarded-For). 0 means readers connect directly and REMOTE_ADDR is their address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Which moderation policy decides the status of a new comment (see comments/policy.py).
COMMENTS_POLICY = env.str("COMMENTS_POLICY", default="moderation.policy.ModerationPolicy")
# Who hears of a new comment, a status change or an edit, inside the transaction that makes it
# (comments/posting.py:announce). Each is a function called as listener(event, **data).
COMMENTS_LISTENERS = env.list("COMMENTS_LISTENERS", default=["notifications.events.on_comment"])
# A commenter may edit or delete their own comment this many minutes after posting it (and
# only while it has no replies).
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", default=15)
# The IP address and user agent of a comment are cleared this many days after it was posted
# (`manage.py run_periodic`, from cron or the worker's schedule).
COMMENTS_KEEP_SENDER_DAYS = env.int("COMMENTS_KEEP_SENDER_DAYS", default=90)

# Notifications (notifications/): who is told what. Replies go only to the author of the
# comment answered, when they asked and confirmed their address.
NOTIFY_REPLIES = env.bool("NOTIFY_REPLIES", default=True)
NOTIFY_POST_AUTHOR = env.bool("NOTIFY_POST_AUTHOR", default=True)
NOTIFY_APPROVAL = env.bool("NOTIFY_APPROVAL", default=True)
# Moderators hear of held comments "instant"ly, in an "hourly" or "daily" digest, or "off".
NOTIFY_MODERATORS = env.str("NOTIFY_MODERATORS", default="instant")
# A confirmation (double opt-in) mail goes to one address at most once in this many days,
# and at most this many an hour are sent for comments from one IP address.
NOTIFY_CONFIRM_RESEND_DAYS = env.int("NOTIFY_CONFIRM_RESEND_DAYS", default=7)
NOTIFY_CONFIRM_PER_IP_HOUR = env.int("NOTIFY_CONFIRM_PER_IP_HOUR", default=5)
# Seconds between tries of a mail the SMTP server refused; after the last, it has failed.
NOTIFY_RETRY_DELAYS = [
    int(delay) for delay in env.list("NOTIFY_RETRY_DELAYS", default=["60", "300", "1800", "7200"])
]

# Web-layer defences (README, "Defenses"): login throttling, CSP, Permissions-Policy, CSRF.

# Admin login throttling (django-axes, security/throttling.py). Failures count per username
# from one address and per address; either reaching its limit pauses sign-in from that
# address (for that username, or for all) until LOGIN_COOLOFF_MINUTES pass without a new
# failure. `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` / `axes_reset`
# lift pauses early. The address is the reader's, behind TRUSTED_PROXY_COUNT proxies.
LOGIN_FAILURE_LIMITS = {
    "username+ip_address": env.int("LOGIN_FAILURES_PER_USERNAME", default=5),
    "ip_address": env.int("LOGIN_FAILURES_PER_IP", default=20),
}
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS["username+ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_HANDLER = "security.throttling.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "comments.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# A successful sign-in does not clear the address's failures: with one account of their
# own, someone could otherwise reset the per-address count between rounds of guesses.
AXES_RESET_ON_SUCCESS = False

# Content-Security-Policy: everything from this origin, no inline script or style anywhere
# (the site and Django's admin have none), frames only for the video players that
# blog/markup.py embeds, and never framed ourselves. Images may also come from Gravatar
# when it is on, from an absolute MEDIA_URL, and from CSP_EXTRA_IMG_SRC (a media bucket).
VIDEO_EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
_media_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "//" in MEDIA_URL else ""
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": [
        "'self'",
        *(["https://www.gravatar.com"] if COMMENTS_GRAVATAR else []),
        *([_media_origin] if _media_origin else []),
        *env.list("CSP_EXTRA_IMG_SRC", default=[]),
    ],
    "frame-src": VIDEO_EMBED_ORIGINS,
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
if django.VERSION >= (6, 0):
    SECURE_CSP = CSP_DIRECTIVES
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# Permissions-Policy: no page here needs a device, sensor or payment. The video frames keep
# what their players use (the iframe's allow attribute asks for these three).
PERMISSIONS_POLICY = {
    **dict.fromkeys(
        [
            "accelerometer",
            "ambient-light-sensor",
            "bluetooth",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ],
        [],
    ),
    **dict.fromkeys(
        # autoplay: the player starts on the reader's click of the facade (static/js/video.js).
        ["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"],
        ["self", *VIDEO_EMBED_ORIGINS],
    ),
}

# A failed CSRF check gets the site's own page (403) instead of Django's debug-style one.
CSRF_FAILURE_VIEW = "blog.views.csrf_failure"

# X-Forwarded-Proto is believed only when we run a proxy that sets it: without one, any
# client could send "https" and skip the SSL redirect or receive secure-only cookies over
# plain HTTP. (The proxy must overwrite the header, not pass the client's along.)
if TRUSTED_PROXY_COUNT >= 1:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    # Both are promises about other hosts and future years (every subdomain must serve
    # HTTPS; a preload-list entry takes months to remove), so the operator opts in.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    # check --deploy warns about each of the two while it is off; that is the deliberate
    # default above, so those two checks (and only those) are silenced while they are off.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    # Load balancers probe the health endpoint over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs go to stderr (errors with their tracebacks), one JSON object a line with the request id
# (ops/logs.py); LOG_FORMAT=text gives plain lines for reading in a terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ops.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="json" if PRODUCTION else "text"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
