"""Splicing a page's drawn threads into the response, once.

The threads of a large discussion can be many megabytes of HTML. Passed through the
templates, the string is copied at every level that joins its output (the comment section,
the inclusion tag, the post page, the base template). Instead the comment section renders a
marker (`defer_threads`), and this middleware puts the HTML in its place in the finished
response bytes: one copy, whatever the nesting.
"""

import secrets

from django.utils.safestring import mark_safe


def defer_threads(request, page):
    """A marker to render in place of `page`'s threads (its `parts`, UTF-8 bytes); the
    middleware swaps them. Without the middleware (a template rendered outside a request,
    say) the HTML itself."""
    splices = getattr(request, "comment_splices", None)
    if splices is None:
        return page.html
    marker = f"<!--threads-{secrets.token_hex(8)}-->"
    splices[marker.encode()] = page.parts
    return mark_safe(marker)  # noqa: S308 - a fixed comment tag with a random hex name


class ThreadSplicingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.comment_splices = {}
        response = self.get_response(request)
        splices = request.comment_splices
        if splices and not response.streaming and not response.has_header("Content-Encoding"):
            response.content = splice(response.content, splices)
        return response


def splice(content, splices):
    """`content` (bytes) with each marker of `splices` replaced by its parts."""
    for marker, parts in splices.items():
        before, found, after = content.partition(marker)
        if found:
            content = b"".join((before, *parts, after))
    return content
