"""Reading an export safely: defusedxml's streaming parser, and one clear error for bad files.

Exports come from outside, so the parser refuses what no WordPress or Disqus export contains
and what XML bombs are made of: a DTD (<!DOCTYPE ...>), entity declarations (billion laughs)
and external entities or DTD retrieval. Elements are streamed with iterparse and the caller
clears each one when done, so memory stays flat whatever the size of the file.
"""

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeET


class ExportFileError(Exception):
    """The file cannot be imported; the message is one line for the site owner."""


def iterparse(path, events=("start", "end")):
    """(event, element) pairs from `path`, refusing DTDs, entities and external references."""
    try:
        yield from SafeET.iterparse(
            str(path), events=events, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden as exc:
        raise ExportFileError(
            "refused: the file declares a DTD (<!DOCTYPE>), which no export does; "
            "it may be an XML bomb or try to fetch a remote file"
        ) from exc
    except EntitiesForbidden as exc:
        raise ExportFileError(
            f"refused: the file declares the XML entity {exc.name!r} "
            "(entity expansion is how XML bombs work)"
        ) from exc
    except DefusedXmlException as exc:
        raise ExportFileError(f"refused: {exc} (external references are never followed)") from exc
    except ParseError as exc:
        raise ExportFileError(f"not a complete, well-formed XML file ({exc})") from exc
    except OSError as exc:
        raise ExportFileError(f"cannot read the file ({exc.strerror or exc})") from exc


def local_name(tag):
    """The tag without its namespace: '{http://...}comment' -> 'comment'."""
    return tag.rpartition("}")[2]


def namespace(tag):
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def text_of(element):
    return (element.text or "").strip() if element is not None else ""
