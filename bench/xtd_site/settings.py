"""Settings of the throw-away xtd site: xtd's quick-start setup, production-like (DEBUG off).

The database is a SQLite file whose path bench/xtd.py passes in XTD_BENCH_DATABASE (a temporary
folder, never the project's database).
"""

import os

SECRET_KEY = "bench-only-not-a-secret"  # noqa: S105 - a throw-away site on a temporary database
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
ROOT_URLCONF = "bench.xtd_site.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("XTD_BENCH_DATABASE", ":memory:"),
    }
}

# xtd's quick start: the sites framework, then django_comments_xtd before django_comments.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django_comments_xtd",
    "django_comments",
    "bench.xtd_site",
]
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"
# Our site's depth cap is COMMENTS_MAX_DEPTH = 8 levels (0 to 7); xtd counts levels from 0 too.
COMMENTS_XTD_MAX_THREAD_LEVEL = 7
COMMENTS_XTD_CONFIRM_EMAIL = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The usual stack, as on our post page: sessions, CSRF (the comment form), auth, messages.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]
