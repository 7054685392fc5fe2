"""The issue's "done when", end to end through the site, with the worker run in this process
and real commits (run on SQLite and, with DATABASE_URL, on PostgreSQL)."""

import json
from email import message_from_bytes, policy

import pytest
from django.test import Client

from comments.models import Comment, CommentRevision
from notifications.models import OutgoingMail
from tests.factories import CommentFactory, stored_html

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_guest_is_told_of_one_reply_unsubscribes_edits_exports_and_erases(
    post, send, work, mailoutbox, links_in
):
    zoe, bob = Client(), Client()
    sent = []  # every mail of the walk-through

    # Zoë comments and asks for replies: one confirmation mail to her, and the post's author
    # hears of a new comment. Nothing is sent inside the request.
    response = send(zoe, post, notify="on", remember="on")
    assert response.status_code == 302
    first = Comment.objects.get()
    assert mailoutbox == []
    work()
    assert sorted(m.to[0] for m in mailoutbox) == ["editor@example.com", "zoe@example.com"]
    confirmation = next(m for m in mailoutbox if m.to == ["zoe@example.com"])
    assert "confirm" in confirmation.subject.lower()
    (confirm_path,) = links_in(confirmation)
    assert zoe.get(confirm_path).status_code == 200
    assert zoe.post(confirm_path).status_code == 200

    # Bob answers Zoë: exactly one mail to her. His comment at the top and his reply to
    # someone else tell her nothing.
    sent += mailoutbox
    mailoutbox.clear()
    other = CommentFactory(post=post, name="Ann", stored=True)
    send(bob, post, name="Bob", email="bob@example.com", body="I agree, Zoë.", parent=first.pk)
    send(bob, post, name="Bob", email="bob@example.com", body="A new thread.")
    send(bob, post, name="Bob", email="bob@example.com", body="Hello Ann.", parent=other.pk)
    work()
    to_zoe = [m for m in mailoutbox if m.to == ["zoe@example.com"]]
    assert len(to_zoe) == 1
    reply_mail = to_zoe[0]
    assert reply_mail.subject == "Bob replied to your comment on “Night trains return”"
    assert "I agree, Zoë." in reply_mail.body
    assert reply_mail.alternatives[0][1] == "text/html"
    assert reply_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = reply_mail.extra_headers["List-Unsubscribe"].strip("<>")
    headers = message_from_bytes(reply_mail.message().as_bytes(), policy=policy.default)
    assert headers["List-Unsubscribe"].strip() == f"<{unsubscribe_url}>"

    # One click in her mail program: a POST without cookies or CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    answer = mail_client.post(
        unsubscribe_url.removeprefix("https://news.example"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    sent += mailoutbox
    mailoutbox.clear()
    send(bob, post, name="Bob", email="bob@example.com", body="Still there?", parent=first.pk)
    work()
    assert [m for m in mailoutbox if m.to == ["zoe@example.com"]] == []

    # She fixes a typo in a new comment within the window; it shows "edited" and the old
    # text is kept for moderators.
    send(zoe, post, body="Teh trains are back.", remember="on")
    typo = Comment.objects.latest("pk")
    page = zoe.get(post.get_absolute_url())
    assert f'href="/comments/{typo.pk}/edit/"' in page.content.decode()
    # Remembered: the form comes back filled in.
    assert 'value="Zoë Marsh"' in page.content.decode()
    assert (
        zoe.post(f"/comments/{typo.pk}/edit/", {"body": "The trains are back."}).status_code == 302
    )
    typo.refresh_from_db()
    assert typo.body == "The trains are back." and typo.edited_at is not None
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["Teh trains are back."]
    assert "comment-edited" in stored_html(typo)

    # She asks for her data: a link by mail, a page with her comments, a download, erasure.
    sent += mailoutbox
    mailoutbox.clear()
    zoe.post("/notifications/my-comments/", {"email": "zoe@example.com"})
    work()
    (data_mail,) = [m for m in mailoutbox if m.to == ["zoe@example.com"]]
    (data_path,) = links_in(data_mail)
    listing = zoe.get(data_path).content.decode()
    assert "Published" in listing and "The trains are back." in listing
    export = json.loads(zoe.get(f"{data_path}export.json").content)
    assert [c["text"] for c in export["comments"]] == [
        "A first comment, written with care.",
        "The trains are back.",
    ]
    assert zoe.post(data_path, {"confirm": "yes"}).status_code == 200
    first.refresh_from_db()
    assert first.status == Comment.Status.DELETED
    assert (first.name, first.email, first.body) == ("", "", "")
    assert not Comment.objects.filter(pk=typo.pk).exists()
    assert Comment.objects.filter(parent=first).count() == 2  # Bob's replies stay
    assert not OutgoingMail.objects.filter(to_email="zoe@example.com").exists()
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "This comment was deleted by its author" in page
    assert "Zoë" not in page.replace("I agree, Zoë.", "")
    sent += mailoutbox
    # The walk-through's mail: what was sent to whom (six mails, three of them to Zoë).
    assert sorted((m.to[0], m.subject) for m in sent) == sorted(
        [
            ("zoe@example.com", "Please confirm your address for The Threadline"),
            ("editor@example.com", "New comment by Zoë Marsh on “Night trains return”"),
            ("zoe@example.com", "Bob replied to your comment on “Night trains return”"),
            ("editor@example.com", "New comment by Bob on “Night trains return”"),
            ("editor@example.com", "New comment by Zoë Marsh on “Night trains return”"),
            ("zoe@example.com", "Your comments"),
        ]
    )
