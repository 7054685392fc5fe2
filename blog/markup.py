"""Markdown for post bodies: rendered once on save, sanitised with nh3."""

import markdown
import nh3


def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(html)
