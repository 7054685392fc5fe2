"""Comment bodies: plain text with light formatting, rendered to HTML once, on save.

What a commenter can write (shown under the comment box as well):

- A blank line starts a new paragraph; a single line break stays a line break.
- Web addresses (http://, https://, www.) become links with rel="nofollow ugc noopener".
- A block whose lines all start with "1." (or "1)") becomes a numbered list; with "-" or "*",
  a bulleted list.
- A block whose lines all start with ">" becomes a quotation.
- *emphasis*, **strong** and `code` inside a line.

Nothing else: no headings, images, tables or raw HTML (they show as the text that was typed).
The renderer escapes every character of the input first and only ever emits the tags above;
nh3 then cleans the result again as a second line of defence.
"""

import html
import re

import nh3

URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Punctuation that usually ends a sentence rather than a web address.
TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”»"
ORDERED_ITEM_RE = re.compile(r"^\s*(\d{1,9})[.)]\s+(.*)$")
BULLET_ITEM_RE = re.compile(r"^\s*[-*•]\s+(.*)$")
QUOTE_LINE_RE = re.compile(r"^\s*>\s?(.*)$")
STRONG_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EM_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
CODE_RE = re.compile(r"`([^`\n]+)`")

ALLOWED_TAGS = {"p", "br", "a", "ol", "ul", "li", "blockquote", "em", "strong", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"
# Control characters other than tab and newline have no place in a comment.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_comment_body(text):
    """Return safe HTML for a comment body (see the module docstring for the rules)."""
    text = CONTROL_RE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        return ""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    html_out = "".join(_render_block(block.strip("\n")) for block in blocks)
    return nh3.clean(
        html_out,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )


def _render_block(block):
    lines = block.split("\n")
    ordered = [ORDERED_ITEM_RE.match(line) for line in lines]
    if len(lines) > 1 and all(ordered):
        start = int(ordered[0].group(1))
        start_attr = f' start="{start}"' if start != 1 else ""
        items = "".join(f"<li>{_inline(m.group(2))}</li>" for m in ordered)
        return f"<ol{start_attr}>{items}</ol>"
    bullets = [BULLET_ITEM_RE.match(line) for line in lines]
    if len(lines) > 1 and all(bullets):
        return "<ul>" + "".join(f"<li>{_inline(m.group(1))}</li>" for m in bullets) + "</ul>"
    quotes = [QUOTE_LINE_RE.match(line) for line in lines]
    if all(quotes):
        inner = "<br>".join(_inline(m.group(1).strip()) for m in quotes)
        return f"<blockquote><p>{inner}</p></blockquote>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def _inline(line):
    """Escape one line, turn addresses into links and apply *em*, **strong** and `code`."""
    out = []
    position = 0
    for match in URL_RE.finditer(line):
        url = match.group(0)
        while url and url[-1] in TRAILING_PUNCTUATION:
            # Keep a closing bracket that belongs to the address, e.g. a Wikipedia link.
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if not url or url.lower() in ("http://", "https://", "www."):
            continue
        out.append(_emphasis(html.escape(line[position : match.start()], quote=False)))
        href = url if "://" in url else f"https://{url}"
        out.append(f'<a href="{html.escape(href)}">{html.escape(url, quote=False)}</a>')
        position = match.start() + len(url)
    out.append(_emphasis(html.escape(line[position:], quote=False)))
    return "".join(out)


def _emphasis(escaped):
    escaped = CODE_RE.sub(r"<code>\1</code>", escaped)
    escaped = STRONG_RE.sub(r"<strong>\1</strong>", escaped)
    return EM_RE.sub(r"<em>\1</em>", escaped)
