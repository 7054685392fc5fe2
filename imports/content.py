"""Turning exported HTML into what the blog stores.

Post bodies (`post_body`): WordPress HTML, from the block editor or the classic one, becomes
sanitised HTML that Markdown leaves as it is, so Post.save() renders it through the editor's
own pipeline (blog/markup.py: Markdown, then nh3 with the same allow-list). On the way:

- block-editor comments (<!-- wp:paragraph -->) and every other HTML comment go;
- [caption] becomes <figure> with a <figcaption>;
- YouTube and Vimeo embeds (embed blocks, [embed], [youtube], [vimeo], <iframe>s and the
  blog's own exported embeds) become a bare link on a line of its own, which the blog turns
  into its privacy-friendly embed; any other iframe is dropped and counted;
- [gallery], [audio], [video] and [playlist] are dropped and counted; other bracketed text
  ("[sic]", unknown shortcodes) stays as text;
- the classic editor's blank-line paragraphs and single line breaks become <p> and <br>,
  as WordPress's wpautop does on display;
- images stay where they are, referenced by their address (never fetched); `notes` collects
  their addresses for the import summary.

Comments (`comment_text`): WordPress and Disqus comment HTML becomes the blog's comment text
format (comments/formatting.py): paragraphs, line breaks, *emphasis*, **strong**, `code`,
"> " quotations, "- " and "1. " lists and bare web addresses; scripts and styles go with their
content, every other tag leaves only its text.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from blog import markup

# ---------- Post bodies ----------

HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
EMBED_FIGURE_RE = re.compile(
    r"<figure\b[^>]*\b(?:wp-block-embed|video-embed)\b[^>]*>(.*?)</figure>", re.DOTALL | re.I
)
IFRAME_RE = re.compile(r"<iframe\b([^>]*)>.*?</iframe>|<iframe\b([^>]*)/?>", re.DOTALL | re.I)
SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
URL_IN_TEXT_RE = re.compile(r"https?://[^\s<>\"'\]\[]+")
EMBED_SHORTCODE_RE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.I)
VIDEO_SHORTCODE_RE = re.compile(r"\[(youtube|vimeo)[\s=]+([^\]\s]+)[^\]]*\]", re.I)
CAPTION_RE = re.compile(
    r"\[(?:caption|wp_caption)\b([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]", re.DOTALL | re.I
)
CAPTION_ATTR_RE = re.compile(r"""\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
CAPTION_MEDIA_RE = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.I
)
DROPPED_SHORTCODES = ("gallery", "audio", "video", "playlist")
DROPPED_SHORTCODE_RE = re.compile(
    r"\[(" + "|".join(DROPPED_SHORTCODES) + r")\b[^\]]*\](?:.*?\[/\1\])?", re.DOTALL | re.I
)
BARE_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s<>]+)[ \t]*$", re.MULTILINE)
IMG_SRC_RE = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"", re.I)
# Top-level elements that Markdown keeps as raw HTML blocks; anything else at the top level
# is wrapped in a paragraph.
BLOCK_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "pre", "table",
    "figure", "hr",
}  # fmt: skip
VOID_TAGS = {"br", "hr", "img"}


@dataclass
class BodyNotes:
    """What happened to one post body, for the import summary."""

    images: list = field(default_factory=list)
    dropped_shortcodes: list = field(default_factory=list)
    dropped_iframes: list = field(default_factory=list)
    videos: int = 0


def video_link(url):
    """A canonical YouTube or Vimeo link the blog embeds, or None for any other address."""
    url = html.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    if video := markup.youtube_id(url):
        return f"https://www.youtube.com/watch?v={video}"
    if found := markup.vimeo_id(url):
        video, privacy = found
        return f"https://vimeo.com/{video}/{privacy}" if privacy else f"https://vimeo.com/{video}"
    if re.fullmatch(r"\d{1,12}", url):  # [vimeo 123456]
        return f"https://vimeo.com/{url}"
    return None


def post_body(source, notes=None):
    """Sanitised HTML, one block a line, for Post.body, from WordPress HTML."""
    notes = notes if notes is not None else BodyNotes()
    videos = []
    marker = "wpimportvideo"

    def video_marker(url):
        videos.append(url)
        notes.videos += 1
        return f"\n\n{marker}{len(videos) - 1}x\n\n"

    def embed_or_link(url):
        link = video_link(url)
        if link:
            return video_marker(link)
        safe = html.escape(url)
        return f'\n\n<p><a href="{safe}">{safe}</a></p>\n\n'

    def from_figure(match):
        found = SRC_RE.search(match.group(1)) or URL_IN_TEXT_RE.search(match.group(1))
        if not found:
            return ""
        url = next(g for g in found.groups() if g) if found.re is SRC_RE else found.group(0)
        return embed_or_link(url)

    def from_iframe(match):
        found = SRC_RE.search(match.group(1) or match.group(2) or "")
        url = next((g for g in found.groups() if g), "") if found else ""
        link = video_link(url) if url else None
        if link:
            return video_marker(link)
        notes.dropped_iframes.append(url or "(no address)")
        return ""

    def from_caption(match):
        attrs, inner = match.group(1), match.group(2)
        media = CAPTION_MEDIA_RE.match(inner)
        caption_attr = CAPTION_ATTR_RE.search(attrs)
        if media:
            image, caption = media.group(1), media.group(2).strip()
        else:
            image, caption = "", inner.strip()
        if caption_attr:
            caption = next(g for g in caption_attr.groups() if g is not None)
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"\n\n<figure>{image}{figcaption}</figure>\n\n"

    def dropped(match):
        notes.dropped_shortcodes.append(match.group(0)[:120])
        return ""

    text = (source or "").replace("\r\n", "\n").replace("\r", "\n")
    text = HTML_COMMENT_RE.sub("", text)
    text = EMBED_FIGURE_RE.sub(from_figure, text)
    text = IFRAME_RE.sub(from_iframe, text)
    text = EMBED_SHORTCODE_RE.sub(lambda m: embed_or_link(m.group(1)), text)
    text = VIDEO_SHORTCODE_RE.sub(
        lambda m: video_marker(link) if (link := video_link(m.group(2))) else dropped(m), text
    )
    text = CAPTION_RE.sub(from_caption, text)
    text = DROPPED_SHORTCODE_RE.sub(dropped, text)
    # WordPress turns a bare video address on its own line into an embed (oEmbed).
    text = BARE_URL_LINE_RE.sub(
        lambda m: video_marker(link) if (link := video_link(m.group(1))) else m.group(0), text
    )
    text = re.sub(r"<(/?)h1\b", r"<\1h2", text)
    cleaned = nh3.clean(
        text,
        tags=markup.ALLOWED_TAGS,
        clean_content_tags=markup.CLEAN_CONTENT_TAGS,
        attributes=markup.ALLOWED_ATTRIBUTES,
        url_schemes=markup.URL_SCHEMES,
        link_rel=None,
    )
    blocks = _Paragraphs().blocks(cleaned)
    # Blocks one per line, as Markdown writes them; a video link needs blank lines around
    # it to stand on a line of its own.
    out = []
    for block in blocks:
        found = re.fullmatch(rf"<p>{marker}(\d+)x</p>", block)
        out.append(f"\n{videos[int(found.group(1))]}\n" if found else block)
    body = "\n".join(out).strip()
    notes.images.extend(html.unescape(src) for src in IMG_SRC_RE.findall(body))
    return body


class _Paragraphs(HTMLParser):
    """Split sanitised HTML into top-level blocks, wrapping loose text as wpautop does."""

    def __init__(self):
        super().__init__(convert_charrefs=False)

    def blocks(self, source):
        self.out, self.loose, self.current, self.depth = [], [], [], 0
        self.block_tag = None
        self.feed(source)
        self.close()
        self._flush_loose()
        return self.out

    def _flush_loose(self):
        text = "".join(self.loose).strip()
        self.loose = []
        for paragraph in re.split(r"\n\s*\n", text):
            paragraph = "<br>\n".join(line.strip() for line in paragraph.strip().split("\n"))
            if paragraph:
                self.out.append(f"<p>{paragraph}</p>")

    def _emit(self, piece):
        (self.current if self.block_tag else self.loose).append(piece)

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text()
        if self.block_tag is None and tag in BLOCK_TAGS:
            self._flush_loose()
            if tag in VOID_TAGS:
                self.out.append(raw)
                return
            self.block_tag, self.depth, self.current = tag, 1, [raw]
            return
        if self.block_tag == tag:
            self.depth += 1
        self._emit(raw)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._emit(f"</{tag}>")
        if self.block_tag == tag:
            self.depth -= 1
            if self.depth == 0:
                self.out.append("".join(self.current).strip())
                self.block_tag, self.current = None, []

    def handle_data(self, data):
        self._emit(data)

    def handle_entityref(self, name):
        self._emit(f"&{name};")

    def handle_charref(self, name):
        self._emit(f"&#{name};")


def plain_text(source):
    """Text without tags or entities (titles, excerpts, names)."""
    text = nh3.clean(source or "", tags=set(), clean_content_tags={"script", "style"})
    return re.sub(r"[ \t]+", " ", html.unescape(text)).strip()


# ---------- Comments ----------

SKIP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "head"}
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "figure", "table", "tr", "blockquote", "ul", "ol", "dl", "hr", "address",
}  # fmt: skip
INLINE_MARKS = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None):
        self.tag, self.attrs, self.children = tag, dict(attrs or ()), []


class _Tree(HTMLParser):
    """A forgiving little DOM: enough structure to turn comment HTML into text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in {"br", "hr", "img", "input", "meta", "link", "wbr"}:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def comment_text(source):
    """The blog's comment text for a comment exported as HTML (see the module docstring)."""
    source = (source or "").replace("\r\n", "\n").replace("\r", "\n")
    if "<" not in source and "&" not in source:
        return _tidy(source)
    parser = _Tree()
    parser.feed(source)
    parser.close()
    return _tidy("\n\n".join(_blocks(parser.root.children)))


def _tidy(text):
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _blocks(children):
    """Paragraph-level strings for a list of nodes."""
    blocks, loose = [], []

    def flush():
        text = "".join(loose)
        loose.clear()
        for paragraph in re.split(r"\n[ \t]*\n", text):
            lines = [line.strip() for line in paragraph.split("\n")]
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                blocks.append(paragraph)

    for node in children:
        if isinstance(node, str):
            loose.append(node)
        elif node.tag in SKIP_CONTENT:
            continue
        elif node.tag in BLOCKS:
            flush()
            blocks.extend(_block(node))
        else:
            loose.append(_inline(node))
    flush()
    return blocks


def _block(node):
    if node.tag == "hr":
        return []
    if node.tag == "blockquote":
        inner = _blocks(node.children)
        lines = [line for block in inner for line in block.split("\n")]
        return ["\n".join(f"> {line}" for line in lines)] if lines else []
    if node.tag in {"ul", "ol"}:
        items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
        lines = []
        for number, item in enumerate(items, start=1):
            text = " ".join(" ".join(block.split("\n")) for block in _blocks(item.children))
            if text:
                lines.append(f"{number}. {text}" if node.tag == "ol" else f"- {text}")
        return ["\n".join(lines)] if lines else []
    return _blocks(node.children)


def _inline(node):
    if isinstance(node, str):
        return node
    if node.tag in SKIP_CONTENT or node.tag == "img":
        return ""
    if node.tag == "br":
        return "\n"
    inner = "".join(_inline(child) for child in node.children)
    if node.tag in INLINE_MARKS:
        mark = INLINE_MARKS[node.tag]
        stripped = inner.strip()
        if not stripped or "\n" in stripped:
            return inner
        return inner.replace(stripped, f"{mark}{stripped}{mark}", 1)
    if node.tag == "a":
        href = (node.attrs.get("href") or "").strip()
        text = inner.strip()
        if not href.lower().startswith(("http://", "https://")):
            return inner
        if not text or text in (href, href.split("://", 1)[1]):
            return text or href
        return f"{inner} ({href})"
    if node.tag in BLOCKS or node.tag == "li":
        return "\n\n" + "\n\n".join(_blocks(node.children)) + "\n\n"
    return inner
