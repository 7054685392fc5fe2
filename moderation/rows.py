"""The cells of the moderation desk's rows (the comment, its author and history, its actions),
drawn with Jinja2 from templates/jinja2/moderation/.

The queue draws three cells for each of its hundred rows, and the author's cell, with the
commenter's history and actions, is some forty variables and tags: with Django's template
engine that cell alone took 1.5 ms a row, half of the whole queue page (docs/performance.md).
The templates say what Django's did, with the environment's globals for Django's tags and
filters (config/jinja2.py).
"""

from django.template import engines
from django.utils.safestring import mark_safe


def draw(name, context):
    """The HTML of one cell (`name`: row_comment, row_author, row_actions or history)."""
    template = engines["jinja2"].env.get_template(f"moderation/{name}.html")
    return mark_safe(template.render(**context))  # noqa: S308 - autoescaped
