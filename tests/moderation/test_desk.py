"""The moderation desk: queue tabs, row actions with and without JavaScript, the commenter at
hand on each row and on the comment's page, and a queue whose cost does not grow."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from moderation.models import Ban, Commenter, ModerationEvent
from tests.factories import (
    CommentFactory,
    ModeratorFactory,
    PostFactory,
    ReportFactory,
    UserFactory,
    make_forest,
)

pytestmark = pytest.mark.django_db
Status = Comment.Status
Action = ModerationEvent.Action
CHANGELIST = reverse("admin:comments_comment_changelist")
DESK = reverse("admin:comments_comment_desk")


@pytest.fixture
def moderator():
    return ModeratorFactory()


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def row_of(page, comment):
    anchor = page.select_one(f"#queue-{comment.pk}")
    return anchor.find_parent("tr") if anchor else None


def act(client, do, *, next_url=CHANGELIST, json_answer=False, **extra):
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post(DESK, {"do": do, "next": next_url, **extra}, headers=headers)


# Tabs -------------------------------------------------------------------------------------


def test_the_queue_has_pending_reported_and_all_tabs_with_counts(moderator_client):
    CommentFactory.create_batch(3, status=Status.PENDING)
    reported = CommentFactory(status=Status.APPROVED)
    ReportFactory(comment=reported)
    ReportFactory(comment=CommentFactory(status=Status.APPROVED), resolved=True)
    CommentFactory(status=Status.SPAM)
    tabs = soup(moderator_client.get(CHANGELIST)).select(".mod-tabs a")
    assert [a.get_text(" ", strip=True) for a in tabs] == ["Pending 3", "Reported 1", "All 6"]
    assert tabs[0]["aria-current"] == "page"
    page = soup(moderator_client.get(tabs[1]["href"]))
    assert page.select_one(".mod-tabs a[aria-current]").get_text(" ", strip=True) == "Reported 1"
    assert [row_of(page, reported) is not None] == [True]
    assert len(page.select("#result_list tbody tr")) == 1


# Row actions ------------------------------------------------------------------------------


def test_every_row_offers_the_actions_that_apply_to_its_status(moderator_client):
    pending = CommentFactory(status=Status.PENDING)
    removed = CommentFactory(status=Status.REMOVED)
    published = CommentFactory(status=Status.APPROVED)
    page = soup(moderator_client.get(CHANGELIST, {"status": "all"}))

    def buttons(comment):
        return [b.get_text(strip=True) for b in row_of(page, comment).select(".mod-actions button")]

    assert buttons(pending) == ["Approve", "Spam", "Remove"]
    assert buttons(removed) == ["Restore", "Spam"]
    assert buttons(published) == ["Spam", "Remove", "Feature"]
    for button in page.select(".mod-actions button"):
        assert button["form"] == "mod-desk" and button["type"] == "submit"
    desk_form = page.select_one("form#mod-desk")
    assert desk_form["method"] == "post" and desk_form["action"] == DESK
    assert desk_form.select_one("input[name=csrfmiddlewaretoken]")
    # Not nested in the changelist's form (forms cannot nest).
    assert desk_form.find_parent("form") is None


def test_a_row_action_without_javascript_redirects_back_to_the_same_place_in_the_queue(
    moderator_client, moderator
):
    first, second, third = (
        CommentFactory(status=Status.PENDING, created_at=timezone.now() - timedelta(minutes=m))
        for m in (30, 20, 10)
    )
    queue = CHANGELIST + "?status=pending&p=1"
    page = soup(moderator_client.get(queue))
    next_field = page.select_one(f"input[name=next-{second.pk}]")
    assert next_field["value"] == str(third.pk)
    response = act(
        moderator_client, f"approve:{second.pk}", next_url=queue, **{f"next-{second.pk}": third.pk}
    )
    assert response.status_code == 302
    assert response.url == f"{queue}#queue-{third.pk}"
    second.refresh_from_db()
    assert second.status == Status.APPROVED
    event = ModerationEvent.objects.get()
    assert (event.action, event.actor, event.comment_pk) == (Action.APPROVE, moderator, second.pk)
    after = moderator_client.get(response.url)
    assert f"Comment #{second.pk} approved." in after.content.decode()
    assert row_of(soup(after), second) is None and row_of(soup(after), first) is not None


@pytest.mark.parametrize(
    ("start", "do", "end", "action"),
    [
        (Status.PENDING, "approve", Status.APPROVED, Action.APPROVE),
        (Status.PENDING, "spam", Status.SPAM, Action.SPAM),
        (Status.APPROVED, "remove", Status.REMOVED, Action.REMOVE),
        (Status.REMOVED, "restore", Status.APPROVED, Action.RESTORE),
    ],
)
def test_a_row_action_with_javascript_answers_the_new_row_and_counts(
    moderator_client, start, do, end, action
):
    comment = CommentFactory(status=start)
    CommentFactory(status=Status.PENDING)
    response = act(moderator_client, f"{do}:{comment.pk}", json_answer=True)
    assert response.status_code == 200
    answer = json.loads(response.content)
    comment.refresh_from_db()
    assert comment.status == end
    assert answer["ok"] and answer["status"] == end
    assert answer["counts"]["pending"] == Comment.objects.pending().count()
    assert answer["counts"]["all"] == 2
    assert comment.get_status_display() in answer["cells"]["status_badge"]
    assert f'value="{do}:{comment.pk}"' not in answer["cells"]["row_actions"]
    assert ModerationEvent.objects.get().action == action


def test_restore_applies_only_to_a_removed_comment(moderator_client):
    comment = CommentFactory(status=Status.SPAM)
    response = act(moderator_client, f"restore:{comment.pk}", json_answer=True)
    assert response.status_code == 400
    assert "removed" in json.loads(response.content)["message"]
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_row_actions_need_a_post_with_a_csrf_token(moderator):
    comment = CommentFactory(status=Status.PENDING)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    assert strict.get(DESK).status_code == 405
    assert strict.post(DESK, {"do": f"approve:{comment.pk}"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_row_actions_are_for_moderators_only(client):
    comment = CommentFactory(status=Status.PENDING)
    response = client.post(DESK, {"do": f"approve:{comment.pk}"})
    assert response.status_code == 302 and reverse("admin:login") in response.url
    client.force_login(UserFactory(is_staff=True))  # staff without the comment permissions
    assert client.post(DESK, {"do": f"approve:{comment.pk}"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


@pytest.mark.parametrize("do", ["", "approve:", "approve:abc", "nonsense:1", "approve:99999"])
def test_odd_row_actions_are_a_clear_4xx(moderator_client, do):
    CommentFactory(pk=1, status=Status.PENDING)
    response = act(moderator_client, do, json_answer=True)
    assert 400 <= response.status_code < 500


def test_a_foreign_next_address_is_never_followed(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    response = act(moderator_client, f"spam:{comment.pk}", next_url="https://evil.example/")
    assert response.url == f"{CHANGELIST}#queue-{comment.pk}"


def test_bulk_actions_stay(moderator_client):
    comments = CommentFactory.create_batch(2, status=Status.PENDING)
    response = moderator_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [c.pk for c in comments]}
    )
    assert response.status_code == 302
    assert Comment.objects.public().count() == 2


# The commenter at hand --------------------------------------------------------------------


def test_a_row_shows_the_commenters_history_other_names_and_open_bans(moderator_client):
    when = timezone.now() - timedelta(days=40)
    CommentFactory(email="ada@example.com", name="Ada", created_at=when, body="Oldest words")
    CommentFactory(email="ADA@example.com", name="Ada L.", status=Status.SPAM, body="Spammy")
    CommentFactory(email="other@example.com", name="Sock puppet", ip_address="203.0.113.7")
    Ban.objects.create(ip_address="203.0.113.7", reason="Earlier abuse")
    held = CommentFactory(
        email="ada@example.com", name="Ada", status=Status.PENDING, ip_address="203.0.113.7"
    )
    row = row_of(soup(moderator_client.get(CHANGELIST)), held)
    summary = row.select_one(".mod-history-summary").get_text(" ", strip=True)
    assert "3 comments" in summary
    assert "1 awaiting moderation" in summary and "1 published" in summary
    assert "1 spam" in summary
    assert f"first seen {when:%-d %b %Y}" in summary
    assert "Banned" in summary
    details = row.select_one("details.mod-history")
    text = details.get_text(" ", strip=True)
    assert "Ada L." in text and "Sock puppet" in text
    assert "203.0.113.7" in text
    recent = [a["href"] for a in details.select(".mod-recent a")]
    assert len(recent) == 2 and all("/change/" in href for href in recent)
    labels = [b.get_text(strip=True) for b in details.select("button")]
    assert labels == ["Trust", "Suspend", "Ban e-mail", "Ban e-mail and IP"]


@pytest.mark.parametrize(("zone", "hour"), [("Pacific/Kiritimati", 23), ("America/Anchorage", 0)])
def test_row_cells_give_dates_in_the_sites_time_zone(moderator_client, settings, zone, hour):
    """The desk's dates are the site's local dates, as Django's templates show them: a
    comment made at 23:30 UTC was made the next day at UTC+14, one made at 00:30 UTC the
    day before at UTC-9 (UTC-8 in summer)."""
    settings.TIME_ZONE = zone
    when = timezone.now().replace(hour=hour, minute=30) - timedelta(days=40)
    CommentFactory(email="ada@example.com", name="Ada", created_at=when, body="Oldest words")
    held = CommentFactory(email="ada@example.com", name="Ada", status=Status.PENDING)
    Commenter.objects.update_or_create(
        email="ada@example.com", defaults={"suspended_until": when + timedelta(days=80)}
    )
    row = row_of(soup(moderator_client.get(CHANGELIST)), held)
    local = timezone.localtime(when, timezone.get_default_timezone())
    assert local.date() != when.date()
    summary = row.select_one(".mod-history-summary").get_text(" ", strip=True)
    assert f"first seen {local:%-d %b %Y}" in summary
    until = timezone.localtime(when + timedelta(days=80), timezone.get_default_timezone())
    assert f"Suspended until {until:%-d %b %Y}" in summary
    recent = row.select_one(".mod-recent").get_text(" ", strip=True)
    assert f"{local:%-d %b}:" in recent


def test_row_cells_escape_what_commenters_wrote(moderator_client):
    """The row cells (drawn with Jinja2, moderation/rows.py) escape names and text as the
    rest of admin does, show the text on one line, and say "(empty)" for a comment without
    any."""
    parent = CommentFactory(name="<b>Parent</b>", body="Quoted <i>parent</i> words")
    CommentFactory(email="eve@example.com", name="Eve & <script>x</script>", body="Before")
    held = CommentFactory(
        parent=parent,
        post=parent.post,
        email="eve@example.com",
        name="Eve <img src=x>",
        status=Status.PENDING,
        body="First line <em>\nsecond line",
    )
    empty = CommentFactory(status=Status.PENDING, body="", email="")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "<script>x</script>" not in page and "<img src=x>" not in page
    assert "<b>Parent</b>" not in page and "<i>parent</i>" not in page
    row = row_of(BeautifulSoup(page, "html.parser"), held)
    assert row.select_one(".mod-name").get_text() == "Eve <img src=x>"
    text = row.select_one(".mod-text")
    assert text.decode_contents() == "First line &lt;em&gt; second line"
    context = row.select_one(".mod-context").get_text(" ", strip=True)
    assert "reply to <b>Parent</b> : “Quoted <i>parent</i> words”" in context
    assert row.select_one(".mod-history bdi").get_text() == "Eve & <script>x</script>"
    empty_row = row_of(BeautifulSoup(page, "html.parser"), empty)
    assert empty_row.select_one(".mod-text").get_text() == "(empty)"
    assert "No e-mail address." in empty_row.select_one(".mod-history-summary").get_text()


def test_the_comment_page_shows_the_commenter_with_the_same_actions(moderator_client):
    CommentFactory(email="zoe@example.com", name="Zoë")
    held = CommentFactory(email="zoe@example.com", name="Zoe M", status=Status.PENDING)
    page = soup(moderator_client.get(reverse("admin:comments_comment_change", args=[held.pk])))
    details = page.select_one("details.mod-history")
    assert details.has_attr("open")
    assert "Zoë" in details.get_text()
    assert page.select_one("form#mod-desk")
    assert "forms cannot nest" not in page.get_text(), "a template comment shows on the page"
    assert [b.get_text(strip=True) for b in details.select("button")][:2] == ["Trust", "Suspend"]


def test_trust_suspend_and_ban_from_a_row_are_logged(moderator_client, moderator):
    comment = CommentFactory(email="Bo@Example.com", status=Status.PENDING, ip_address="10.1.1.1")
    response = act(moderator_client, f"trust:{comment.pk}")
    assert response.status_code == 302
    assert Commenter.objects.get(email="bo@example.com").trusted
    answer = json.loads(
        act(
            moderator_client,
            f"suspend:{comment.pk}",
            json_answer=True,
            **{f"days-{comment.pk}": "5"},
        ).content
    )
    assert "suspended until" in answer["message"]
    assert "Suspended until" in answer["cells"]["author"]
    until = Commenter.objects.get().suspended_until
    assert timedelta(days=4, hours=23) < until - timezone.now() <= timedelta(days=5)
    act(moderator_client, f"ban_ip:{comment.pk}")
    assert set(Ban.objects.values_list("email", "ip_address")) == {
        ("bo@example.com", None),
        ("", "10.1.1.1"),
    }
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    log = list(ModerationEvent.objects.order_by("id").values_list("action", "email", "actor"))
    assert log[:2] == [
        (Action.TRUST, "bo@example.com", moderator.pk),
        (Action.SUSPEND, "bo@example.com", moderator.pk),
    ]
    assert log[2][0] == Action.BAN


@pytest.mark.parametrize("days", ["", "0", "-3", "abc", "99999"])
def test_a_suspension_needs_a_sensible_number_of_days(moderator_client, days):
    comment = CommentFactory(status=Status.PENDING)
    response = act(
        moderator_client, f"suspend:{comment.pk}", json_answer=True, **{f"days-{comment.pk}": days}
    )
    assert response.status_code == 400
    assert not Commenter.objects.exists()


# Constant cost ----------------------------------------------------------------------------


def test_the_queue_costs_the_same_queries_with_10_and_10000_comments(
    moderator_client, django_assert_num_queries
):
    """With the history columns on: one query per kind of fact, whatever the table holds."""
    post = PostFactory()
    for n in range(10):
        CommentFactory(post=post, status=Status.PENDING, email=f"few{n % 3}@example.com")
    ReportFactory(comment=Comment.objects.first())
    moderator_client.get(CHANGELIST)  # warm up the session and content types
    with django_assert_num_queries(14) as small:
        response = moderator_client.get(CHANGELIST)
    assert len(soup(response).select("#result_list tbody tr")) == 10

    make_forest(PostFactory(), 9_990, status=Status.PENDING, draw=False)
    Comment.objects.filter(pk__in=Comment.objects.values("pk")[:500]).update(
        ip_address="198.51.100.1"
    )
    assert Comment.objects.count() == 10_000
    with django_assert_num_queries(len(small.captured_queries)):
        response = moderator_client.get(CHANGELIST)
    page = soup(response)
    assert len(page.select("#result_list tbody tr")) == 100
    assert len(page.select(".mod-history-summary")) == 100
    with django_assert_num_queries(len(small.captured_queries)):
        moderator_client.get(CHANGELIST, {"status": "all", "reported": "open"})


def test_the_moderation_log_lists_actions_on_a_commenter_by_address(admin_client):
    from moderation import actions

    actions.trust("log@example.com")
    comment = CommentFactory(email="log@example.com")
    actions.suspend("log@example.com", 2, comment=comment)
    page = soup(admin_client.get(reverse("admin:moderation_moderationevent_changelist")))
    cells = [td.get_text(strip=True) for td in page.select("td.field-comment_ref")]
    assert cells == [f"#{comment.pk}", "log@example.com"]
