"""The cells of the moderation desk's rows (the comment, its author and history, its actions),
drawn with Jinja2 from templates/jinja2/moderation/.

The queue draws three cells for each of its hundred rows, and the author's cell, with the
commenter's history and actions, is some forty variables and tags: with Django's template
engine that cell alone took 1.5 ms a row, half of the whole queue page (docs/performance.md).
The templates say what Django's did, calling Django's own filters as functions: `date`,
`words` (truncatewords, which also folds the text's line breaks into spaces), `chars`
(truncatechars), `plural` (pluralize), and `url` for the `url` tag. Django's template engine
moves a datetime into the current time zone before a filter that expects local time (`date`)
sees it; called as a function, the filter formats the time it is given, so `date` here
moves it first, as the engine does (template_localtime).
"""

from django.template import defaultfilters, engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime


def date(value, format_string):
    """The `date` filter as Django's templates apply it: in the current time zone."""
    return defaultfilters.date(template_localtime(value), format_string)


def url(name, *args):
    return reverse(name, args=args)


# Django's own filters, called as functions.
HELPERS = {
    "date": date,
    "words": defaultfilters.truncatewords,
    "chars": defaultfilters.truncatechars,
    "plural": defaultfilters.pluralize,
    "url": url,
}


def draw(name, context):
    """The HTML of one cell (`name`: row_comment, row_author, row_actions or history)."""
    template = engines["jinja2"].env.get_template(f"moderation/{name}.html")
    return mark_safe(template.render(**HELPERS, **context))  # noqa: S308 - autoescaped
