"""Markdown for post bodies: rendered once on save, sanitised with nh3.

The pipeline is: find bare video links on lines of their own and swap them for placeholders,
render Markdown, sanitise the HTML with a short allow-list, then put the video embeds back.
The embeds are built here from a validated video id, never from the author's HTML, so the
sanitiser can keep refusing every <iframe> an author writes by hand.
"""

import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlsplit

import markdown
import nh3
from django.utils.html import escape, format_html, strip_tags

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6",
    "p", "br", "hr", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption",
    "strong", "em", "b", "i", "del", "ins", "sub", "sup", "abbr", "cite", "q", "small", "mark",
    "code", "pre", "kbd",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped together with everything inside them, not just the tags.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{1,12}$")
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
# A line holding nothing but a URL (optionally in <angle brackets>).
_BARE_URL_LINE = re.compile(r"^[ \t]{0,3}<?(https?://[^\s<>]+)>?[ \t]*$", re.MULTILINE)


def youtube_id(url):
    """The video id of a YouTube watch, short, shorts or embed link, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/")
    candidate = None
    if host == "youtu.be":
        candidate = path.lstrip("/")
    elif host in {"youtube.com", "youtube-nocookie.com"}:
        if path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        else:
            for prefix in ("/embed/", "/shorts/", "/live/"):
                if path.startswith(prefix):
                    candidate = path.removeprefix(prefix)
    if candidate and _YOUTUBE_ID.match(candidate):
        return candidate
    return None


def vimeo_id(url):
    """(id, privacy hash or "") for a vimeo.com or player.vimeo.com link, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        video, privacy = segments[1], parse_qs(parts.query).get("h", [""])[0]
    elif host == "vimeo.com" and 1 <= len(segments) <= 2:
        video, privacy = segments[0], (segments[1] if len(segments) == 2 else "")
    else:
        return None
    if not _VIMEO_ID.match(video) or (privacy and not _VIMEO_HASH.match(privacy)):
        return None
    return video, privacy


def video_embed(url):
    """The click-to-load facade of an allowed video link, or None.

    Nothing is loaded from the provider until the reader asks: the page holds a link to the
    video on the provider's site (what a reader without JavaScript follows) and the player's
    address; static/js/video.js swaps the link for the privacy-friendly player on click
    (Enter on the focused link is a click too).
    """
    if video := youtube_id(url):
        player = f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
        watch = f"https://www.youtube.com/watch?v={video}"
        provider = "YouTube"
    elif found := vimeo_id(url):
        video, privacy = found
        player = f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1"
        watch = f"https://vimeo.com/{video}"
        if privacy:
            player += f"&h={privacy}"
            watch += f"/{privacy}"
        provider = "Vimeo"
    else:
        return None
    return format_html(
        '<figure class="video-embed video-facade" data-video-player="{player}"'
        ' data-video-title="{provider} video">'
        '<a class="video-facade-link" href="{watch}" rel="noopener">'
        '<span class="video-facade-play" aria-hidden="true"></span>'
        '<span class="video-facade-label">Play the video <span class="video-facade-provider">'
        "from {provider}</span></span></a>"
        '<figcaption class="video-facade-note">Playing it here loads {provider}\'s player.'
        "</figcaption></figure>",
        player=player,
        watch=watch,
        provider=provider,
    )


def plain_text(html):
    """The text of rendered HTML, on one line per block, without control characters."""
    # A video facade's button text is not part of the story.
    html = re.sub(
        r'<figure class="video-embed video-facade".*?</figure>', "\n", html or "", flags=re.S
    )
    text = strip_tags(re.sub(r"</(p|h[2-6]|li|blockquote|pre|figure|tr)>", "\n", html))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", unescape(text))
    return re.sub(r"[ \t]*\n\s*", "\n", text).strip()


def render_markdown(text):
    """Markdown in, safe HTML out. Called from Post.save(), never per request."""
    # A fresh random marker per call: an author cannot type a placeholder in advance.
    marker = f"videoembed{secrets.token_hex(8)}n"
    embeds = []

    def to_placeholder(match):
        embed = video_embed(match.group(1))
        if embed is None:
            return match.group(0)
        embeds.append((embed, match.group(1)))
        return f"\n{marker}{len(embeds) - 1}\n"

    source = _BARE_URL_LINE.sub(to_placeholder, text or "")
    html = markdown.markdown(source, extensions=["fenced_code", "tables", "sane_lists", "smarty"])
    # The headline is the page's only <h1>; a "# Heading" in the body becomes an <h2>.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )
    for index, (embed, url) in enumerate(embeds):
        html = html.replace(f"<p>{marker}{index}</p>", embed)
        # A link inside a code block stays the text it was.
        html = html.replace(f"{marker}{index}", escape(url))
    return html
