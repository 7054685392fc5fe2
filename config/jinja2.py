"""The Jinja2 environment of the few templates drawn with Jinja2 (templates/jinja2/: each
comment's stored HTML, the comment section under a post, the moderation desk's row cells),
where Django's template engine cost more than the rest of the page.

Its globals do what Django's template tags and filters do, with Django's own functions:
`url` (the url tag), `static` (the static tag), `date` and `time` (the filters, in the
current time zone: Django's engine moves a datetime there before a filter that expects local
time sees it, and the filter called as a function formats the time it is given, so they move
it first with template_localtime, as the engine does), `words` (truncatewords, which also
folds the text's line breaks into spaces), `chars` (truncatechars) and `plural` (pluralize).
"""

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import Environment


def url(name, *args):
    return reverse(name, args=args)


def date(value, format_string=None):
    return defaultfilters.date(template_localtime(value), format_string)


def time(value, format_string=None):
    return defaultfilters.time(template_localtime(value), format_string)


GLOBALS = {
    "url": url,
    "static": static,
    "date": date,
    "time": time,
    "words": defaultfilters.truncatewords,
    "chars": defaultfilters.truncatechars,
    "plural": defaultfilters.pluralize,
}


def environment(**options):
    env = Environment(**options)  # noqa: S701 - settings.TEMPLATES turns autoescape on
    env.globals.update(GLOBALS)
    return env
