"""The cells of the moderation desk's rows (the comment, its author and history, its actions),
drawn with Jinja2 from templates/jinja2/moderation/.

The queue draws three cells for each of its hundred rows, and the author's cell, with the
commenter's history and actions, is some forty variables and tags: with Django's template
engine that cell alone took 1.5 ms a row, half of the whole queue page (docs/performance.md).
The templates say what Django's did, with Django's own helpers for what its filters did:
dates in the current time zone and language (`date`, the `date` filter), `words` and `chars`
(truncatewords, which also folds the text's line breaks into spaces, and truncatechars),
`plural` (pluralize) and `url` (the `url` tag).
"""

from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator


def date(value, format_string):
    """The `date` filter: an aware datetime in the current time zone, in `format_string`."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, format_string)


def words(text, number):
    return Truncator(text or "").words(number, truncate=" …")


def chars(text, number):
    return Truncator(text or "").chars(number)


def plural(number):
    return "" if number == 1 else "s"


def url(name, *args):
    return reverse(name, args=args)


HELPERS = {"date": date, "words": words, "chars": chars, "plural": plural, "url": url}


def draw(name, context):
    """The HTML of one cell (`name`: row_comment, row_author, row_actions or history)."""
    template = engines["jinja2"].env.get_template(f"moderation/{name}.html")
    return mark_safe(template.render(**HELPERS, **context))  # noqa: S308 - autoescaped
