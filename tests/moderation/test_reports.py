"""Reader reports: a small form, once per reader, rate-limited, K reports re-queue a comment."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moderation.models import ModerationEvent, ModerationSettings, Report
from tests.factories import CommentFactory, ModeratorFactory, ReportFactory

pytestmark = pytest.mark.django_db
Status = Comment.Status


def report_url(comment):
    return reverse("moderation:report", args=[comment.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reader(ip):
    return Client(REMOTE_ADDR=ip, enforce_csrf_checks=True)


def post_report(client, comment, reason="abuse"):
    page = client.get(report_url(comment))
    token = BeautifulSoup(page.content, "html.parser").select_one(
        "input[name=csrfmiddlewaretoken]"
    )["value"]
    return client.post(report_url(comment), {"reason": reason, "csrfmiddlewaretoken": token})


def test_the_report_page_shows_the_comment_and_a_labelled_reason_choice(client):
    comment = CommentFactory(body="Something rude")
    response = client.get(report_url(comment))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Something rude" in soup.select_one("blockquote").get_text()
    radios = soup.select("input[type=radio][name=reason]")
    assert len(radios) == len(Report.Reason.choices)
    for radio in radios:
        assert soup.select_one(f'label[for="{radio["id"]}"]') is not None
    assert soup.select_one("form[method=post] input[name=csrfmiddlewaretoken]")
    assert soup.select_one("fieldset legend").get_text(strip=True)


def test_a_report_is_stored_and_the_reader_goes_back_to_the_comment():
    comment = CommentFactory()
    response = post_report(reader("198.51.100.1"), comment)
    assert response.status_code == 302
    assert response.url == comment.get_absolute_url()
    assert messages_of(response) == ["Thank you. Moderators will look at the comment you reported."]
    report = Report.objects.get()
    assert (report.comment, report.reason, report.ip_address) == (comment, "abuse", "198.51.100.1")
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED  # one report is not enough


def test_a_report_without_csrf_token_is_refused():
    comment = CommentFactory()
    response = reader("198.51.100.1").post(report_url(comment), {"reason": "spam"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_report_without_a_reason_shows_a_clear_error():
    comment = CommentFactory()
    client = reader("198.51.100.1")
    page = client.get(report_url(comment))
    token = BeautifulSoup(page.content, "html.parser").select_one(
        "input[name=csrfmiddlewaretoken]"
    )["value"]
    response = client.post(report_url(comment), {"csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "Please choose a reason." in response.content.decode()


def test_a_reader_can_report_a_comment_only_once():
    comment = CommentFactory()
    client = reader("198.51.100.1")
    post_report(client, comment)
    response = client.get(report_url(comment))
    assert response.status_code == 302
    assert messages_of(response)[-1] == "You have already reported this comment. Thank you."
    assert Report.objects.count() == 1


def test_the_same_ip_cannot_report_twice_from_a_fresh_session():
    comment = CommentFactory()
    post_report(reader("198.51.100.1"), comment)
    response = reader("198.51.100.1").get(report_url(comment))
    assert response.status_code == 302
    assert Report.objects.count() == 1


def test_enough_reports_send_a_published_comment_back_to_the_queue():
    comment = CommentFactory(status=Status.APPROVED)
    for i in range(3):
        response = post_report(reader(f"198.51.100.{i + 1}"), comment, reason="hate")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert response.url == comment.post.get_absolute_url()  # its permalink is gone
    event = ModerationEvent.objects.get()
    assert (event.action, event.actor, event.from_status) == ("reports", None, "approved")
    assert event.reason == "3 reader reports."


def test_the_report_threshold_is_a_setting():
    ModerationSettings.objects.update_or_create(pk=1, defaults={"report_threshold": 1})
    comment = CommentFactory()
    post_report(reader("198.51.100.1"), comment)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_reports_dealt_with_by_a_moderator_no_longer_count():
    comment = CommentFactory()
    ReportFactory.create_batch(2, comment=comment, resolved=True)
    post_report(reader("198.51.100.1"), comment)
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_a_reported_comment_shows_in_the_queue_with_its_report_count(client):
    comment = CommentFactory(body="Reported words")
    for i in range(3):
        post_report(reader(f"198.51.100.{i + 1}"), comment)
    client.force_login(ModeratorFactory())
    response = client.get(reverse("admin:comments_comment_changelist"), {"reported": "open"})
    row = BeautifulSoup(response.content, "html.parser").select_one("#result_list tbody tr")
    assert "Reported words" in row.get_text()
    assert row.select_one(".field-why .mod-reports").get_text(strip=True) == "3 open reader reports"


def test_reports_are_rate_limited_per_reader():
    ModerationSettings.objects.update_or_create(pk=1, defaults={"reports_per_hour": 2})
    comments = CommentFactory.create_batch(3)
    client = reader("198.51.100.1")
    assert post_report(client, comments[0]).status_code == 302
    assert post_report(client, comments[1]).status_code == 302
    response = post_report(client, comments[2])
    assert response.status_code == 429
    assert "a lot of reports in the last hour" in response.content.decode()
    assert Report.objects.count() == 2


@pytest.mark.parametrize("status", [Status.PENDING, Status.SPAM, Status.REMOVED])
def test_only_published_comments_can_be_reported(client, status):
    comment = CommentFactory(status=status)
    assert client.get(report_url(comment)).status_code == 404


def test_an_unknown_comment_is_a_404(client):
    assert client.get(reverse("moderation:report", args=[999999])).status_code == 404


def test_the_reader_sees_the_thank_you_note_on_the_post_page():
    comment = CommentFactory()
    client = reader("198.51.100.1")
    page = client.get(report_url(comment))
    token = BeautifulSoup(page.content, "html.parser").select_one(
        "input[name=csrfmiddlewaretoken]"
    )["value"]
    response = client.post(
        report_url(comment), {"reason": "spam", "csrfmiddlewaretoken": token}, follow=True
    )
    assert response.status_code == 200
    note = BeautifulSoup(response.content, "html.parser").select_one(".messages")
    assert note["role"] == "status"
    assert "Moderators will look at the comment you reported." in note.get_text()


def test_comments_under_a_draft_post_cannot_be_reported(client):
    from tests.factories import PostFactory

    comment = CommentFactory(post=PostFactory(status="draft", published_at=None))
    assert client.get(report_url(comment)).status_code == 404
