"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream of plain dictionaries.

`scan()` reads the whole file once without keeping it: it refuses a file that is not a
complete WXR before anything is written, and counts the items for the progress bar.
`read()` then yields the channel's authors, categories and tags and each <item>, one at a
time, clearing what it has yielded so memory stays flat.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.utils import timezone

from .xmlfile import ExportFileError, iterparse, local_name, namespace, text_of

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS_PREFIX = "http://wordpress.org/export/"
ZERO_DATE = "0000-00-00 00:00:00"


@dataclass
class Channel:
    version: str
    site: str
    title: str
    items: int


def key(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id', and so on."""
    ns, local = namespace(tag), local_name(tag)
    if ns == CONTENT_NS:
        return f"content:{local}"
    if ns.startswith(WP_NS_PREFIX):
        return f"excerpt:{local}" if ns.rstrip("/").endswith("excerpt") else f"wp:{local}"
    if ns == DC_NS:
        return f"dc:{local}"
    return local


def site_key(url):
    """The site's address without scheme or trailing slash: what source ids belong to."""
    parts = urlsplit((url or "").strip())
    return (parts.netloc + parts.path).rstrip("/").lower()[:300] or "unknown-site"


def scan(path):
    """Check that `path` is a complete WXR file; return its Channel (version, site, count)."""
    version = site = title = link = ""
    items = 0
    depth = 0
    root = None
    for event, element in iterparse(path):
        if event == "start":
            if root is None:
                root = local_name(element.tag)
                if root != "rss":
                    raise ExportFileError(
                        f"not a WordPress export (WXR): the file starts with <{root}>, not <rss>"
                    )
            depth += 1
            continue
        depth -= 1
        name = key(element.tag)
        if depth == 2:  # a child of <channel>
            if name == "wp:wxr_version":
                version = text_of(element)
            elif name in ("wp:base_blog_url", "wp:base_site_url") and not site:
                site = text_of(element)
            elif name == "title" and not title:
                title = text_of(element)
            elif name == "link":
                link = text_of(element)
            elif name == "item":
                if not version:
                    raise ExportFileError(
                        "not a WordPress export (WXR): an <item> comes before <wp:wxr_version>"
                    )
                items += 1
            element.clear()
        elif depth == 1:
            element.clear()
    if not version:
        raise ExportFileError("not a WordPress export (WXR): no <wp:wxr_version> in the channel")
    if not version.startswith("1."):
        raise ExportFileError(f"WXR version {version} is not supported (1.0 to 1.2 are)")
    return Channel(version=version, site=site_key(site or link), title=title, items=items)


def read(path):
    """Yield ("author" | "category" | "tag" | "item", dict) in file order."""
    depth = 0
    channel = None
    for event, element in iterparse(path):
        if event == "start":
            depth += 1
            if depth == 2:
                channel = element
            continue
        depth -= 1
        if depth != 2:
            continue
        name = key(element.tag)
        if name == "wp:author":
            yield "author", _fields(element)
        elif name == "wp:category":
            yield "category", _fields(element)
        elif name == "wp:tag":
            yield "tag", _fields(element)
        elif name == "item":
            yield "item", _item(element)
        channel.clear()


def _fields(element):
    return {key(child.tag): (child.text or "").strip() for child in element}


def _item(element):
    item = {"categories": [], "comments": [], "postmeta": {}}
    for child in element:
        name = key(child.tag)
        if name == "category":
            item["categories"].append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:comment":
            comment = {}
            for field in child:
                comment[key(field.tag)] = field.text or ""
            item["comments"].append(comment)
        elif name == "wp:postmeta":
            meta = _fields(child)
            item["postmeta"][meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name in ("content:encoded", "excerpt:encoded", "title"):
            item[name] = child.text or ""
        else:
            item[name] = (child.text or "").strip()
    return item


def parse_date(gmt, local=""):
    """An aware datetime from WXR's GMT date, else its local date in TIME_ZONE, else None."""
    gmt, local = (gmt or "").strip(), (local or "").strip()
    if gmt and gmt != ZERO_DATE:
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    if local and local != ZERO_DATE:
        try:
            return timezone.make_aware(datetime.strptime(local, "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            return None
    return None
