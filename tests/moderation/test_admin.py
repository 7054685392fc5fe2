"""The moderation queue in Django admin: list, filters, search, actions, change page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.trees import find_tree_problems
from moderation.models import Ban, ModerationEvent, ModerationSettings
from tests.factories import (
    CommentFactory,
    ModeratorFactory,
    PostFactory,
    ReportFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def _reasons(*pairs):
    """Reasons as the posting code stores them: (code, text) pairs."""
    return [{"code": code, "text": text} for code, text in pairs]


Status = Comment.Status
CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderator_client(client):
    client.force_login(ModeratorFactory())
    return client


def row_texts(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        row.select_one(".mod-text").get_text(" ", strip=True)
        for row in soup.select("#result_list tbody tr")
    ]


def test_the_changelist_opens_on_the_pending_queue_oldest_first(moderator_client):
    now = timezone.now()
    CommentFactory(body="newer pending", status=Status.PENDING, created_at=now)
    CommentFactory(body="older pending", status=Status.PENDING, created_at=now - timedelta(hours=3))
    CommentFactory(body="published one", status=Status.APPROVED)
    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert row_texts(response) == ["older pending", "newer pending"]


def test_the_all_filter_shows_every_status_newest_first(moderator_client):
    now = timezone.now()
    CommentFactory(body="old spam", status=Status.SPAM, created_at=now - timedelta(days=1))
    CommentFactory(body="new ok", status=Status.APPROVED, created_at=now)
    response = moderator_client.get(CHANGELIST, {"status": "all"})
    assert row_texts(response) == ["new ok", "old spam"]


def test_each_row_shows_status_post_author_email_ip_thread_and_time(moderator_client):
    parent = CommentFactory(body="The parent comment says hello", name="Parent Person")
    CommentFactory(
        parent=parent,
        body="A reply in the queue",
        name="Zoë",
        email="zoe@example.com",
        ip_address="203.0.113.9",
        status=Status.PENDING,
    )
    response = moderator_client.get(CHANGELIST)
    row = BeautifulSoup(response.content, "html.parser").select_one("#result_list tbody tr")
    text = row.get_text(" ", strip=True)
    for expected in [
        "A reply in the queue",
        "Awaiting moderation",
        "Zoë",
        "zoe@example.com",
        "203.0.113.9",
        "Depth 1",
        "reply to Parent Person",
        "The parent comment says hello",
        parent.post.title,
    ]:
        assert expected in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "spam"}, ["spam one"]),
        ({"status": "all", "reported": "open"}, ["reported one"]),
        ({"status": "all", "first_time": "yes"}, ["spam one", "newcomer"]),
        ({"status": "all", "q": "203.0.113.5"}, ["newcomer"]),
        ({"status": "all", "q": "regular@"}, ["reported one", "regular again"]),
        ({"status": "all", "q": "SPAM ONE"}, ["spam one"]),
    ],
)
def test_filters_and_search(moderator_client, params, expected):
    now = timezone.now()
    reported = CommentFactory(body="reported one", email="regular@example.com", created_at=now)
    ReportFactory(comment=reported)
    CommentFactory(
        body="regular again",
        email="regular@example.com",
        status=Status.PENDING,
        created_at=now - timedelta(minutes=1),
    )
    CommentFactory(
        body="spam one",
        email="bot@example.com",
        status=Status.SPAM,
        created_at=now - timedelta(minutes=2),
    )
    CommentFactory(
        body="newcomer",
        email="new@example.com",
        ip_address="203.0.113.5",
        status=Status.PENDING,
        created_at=now - timedelta(minutes=3),
    )
    response = moderator_client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert row_texts(response) == expected


def test_filtering_by_post_shows_that_posts_comments_in_thread_order_indented(moderator_client):
    post = PostFactory()
    a = CommentFactory(post=post, body="root A")
    CommentFactory(post=post, body="root B")
    a1 = CommentFactory(parent=a, body="reply A1")
    CommentFactory(parent=a1, body="reply A1a")
    CommentFactory(body="elsewhere")
    response = moderator_client.get(CHANGELIST, {"status": "all", "post__id__exact": post.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    cells = soup.select("#result_list tbody .field-tree_excerpt .mod-depth")
    texts = [c.select_one(".mod-text").get_text(strip=True) for c in cells]
    assert texts == ["root A", "reply A1", "reply A1a", "root B"]
    assert [c["class"][1] for c in cells] == [
        "mod-depth-0",
        "mod-depth-1",
        "mod-depth-2",
        "mod-depth-0",
    ]


def test_the_changelist_runs_a_constant_number_of_queries(
    moderator_client, django_assert_max_num_queries, django_assert_num_queries
):
    """1,000 comments in threads, some reported: the page costs the same as with a few."""
    post = PostFactory()
    roots = CommentFactory.create_batch(5, post=post, status=Status.PENDING)
    for c in roots:
        ReportFactory(comment=c)
    moderator_client.get(CHANGELIST)  # warm up the session and content types
    with django_assert_max_num_queries(20) as small:
        assert moderator_client.get(CHANGELIST).status_code == 200
    few = len(small.captured_queries)

    # 199 replies under each root, written with their nested-set values in one bulk insert.
    replies = []
    for root in roots:
        root.refresh_from_db()
        for k in range(199):
            replies.append(
                Comment(
                    post=post,
                    parent=root,
                    tree_id=root.tree_id,
                    level=1,
                    lft=2 + 2 * k,
                    rght=3 + 2 * k,
                    name=f"Reader {k}",
                    email=f"r{k}@example.com",
                    body=f"comment {k}",
                    status=Status.PENDING,
                )
            )
    Comment.objects.bulk_create(replies)
    Comment.objects.filter(pk__in=[r.pk for r in roots]).update(rght=400)
    assert find_tree_problems() == []
    assert Comment.objects.count() == 1000
    with django_assert_num_queries(few):
        response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert (
        len(BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")) == 100
    )
    # The per-post thread view pages too (one more query: the post's title for the heading).
    with django_assert_num_queries(few + 1):
        response = moderator_client.get(CHANGELIST, {"status": "all", "post__id__exact": post.pk})
    rows = BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")
    assert len(rows) == 100


def action(client, name, comments, **extra):
    return client.post(
        CHANGELIST + "?status=all",
        {"action": name, "_selected_action": [c.pk for c in comments], **extra},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "start", "end", "message"),
    [
        ("approve", Status.PENDING, Status.APPROVED, "2 comments approved."),
        ("mark_spam", Status.PENDING, Status.SPAM, "2 comments marked as spam."),
        ("remove", Status.APPROVED, Status.REMOVED, "2 comments removed."),
        ("restore", Status.REMOVED, Status.APPROVED, "2 comments restored."),
    ],
)
def test_bulk_actions_change_status_log_it_and_say_how_many(
    moderator_client, name, start, end, message
):
    comments = CommentFactory.create_batch(2, status=start)
    response = action(moderator_client, name, comments)
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert set(Comment.objects.values_list("status", flat=True)) == {end}
    assert ModerationEvent.objects.filter(to_status=end).count() == 2


def test_approving_from_the_pending_queue_reports_the_plain_count(moderator_client):
    comments = CommentFactory.create_batch(3, status=Status.PENDING)
    response = moderator_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["3 comments approved."]
    assert "0 comments" in response.content.decode()  # the queue is empty now


def test_a_bulk_action_says_how_many_already_had_the_status(moderator_client):
    comments = [CommentFactory(status=Status.PENDING), CommentFactory(status=Status.APPROVED)]
    response = action(moderator_client, "approve", comments)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 comment approved. 1 already had that status."
    ]


def test_ban_actions_ban_the_author_and_mark_spam(moderator_client):
    a = CommentFactory(email="troll@example.com", ip_address="192.0.2.50", status=Status.PENDING)
    response = action(moderator_client, "ban_email_and_ip", [a])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "2 new bans; 1 comment marked as spam."
    ]
    assert Ban.objects.count() == 2
    b = CommentFactory(email="other@example.com", ip_address="192.0.2.51")
    action(moderator_client, "ban_email", [b])
    assert Ban.objects.filter(email="other@example.com").exists()
    assert not Ban.objects.filter(ip_address="192.0.2.51").exists()


def test_there_is_no_delete_action_or_delete_page(moderator_client):
    comment = CommentFactory()
    response = moderator_client.get(CHANGELIST)
    soup = BeautifulSoup(response.content, "html.parser")
    options = [o["value"] for o in soup.select("select[name=action] option") if o["value"]]
    assert options == ["approve", "mark_spam", "remove", "restore", "ban_email", "ban_email_and_ip"]
    delete = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert moderator_client.post(delete, {"post": "yes"}).status_code == 403
    superuser = StaffFactory()
    moderator_client.force_login(superuser)
    assert "delete_selected" not in str(moderator_client.get(CHANGELIST).content)
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_change_page_shows_the_comment_in_its_thread_with_reports_and_log(moderator_client):
    root = CommentFactory(body="Root words", name="Rooty")
    middle = CommentFactory(parent=root, body="Middle words", status=Status.PENDING)
    reply = CommentFactory(parent=middle, body="Reply words", status=Status.SPAM)
    ReportFactory(comment=middle, reason="hate")
    ModerationEvent.objects.create(
        comment=middle,
        comment_pk=middle.pk,
        action="hold",
        from_status="approved",
        to_status="pending",
        reason="3 reader reports.",
    )
    response = moderator_client.get(reverse("admin:comments_comment_change", args=[middle.pk]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    thread = soup.select_one(".mod-thread")
    text = thread.get_text(" ", strip=True)
    assert text.index("Root words") < text.index("Middle words") < text.index("Reply words")
    links = {a["href"] for a in thread.select("a")}
    assert reverse("admin:comments_comment_change", args=[root.pk]) in links
    assert reverse("admin:comments_comment_change", args=[reply.pk]) in links
    assert "Spam" in text and "Published" in text
    page = soup.get_text(" ", strip=True)
    assert "Hate or calls for violence" in page
    assert "3 reader reports." in page
    # A comment that is not public is looked for on its post page (it has no permalink).
    on_site = f"{middle.post.get_absolute_url()}#comment-{middle.pk}"
    assert len(soup.select(f'a[href="{on_site}"]')) == 2  # the field and "View on site"
    public = moderator_client.get(reverse("admin:comments_comment_change", args=[root.pk]))
    assert f'href="{root.get_absolute_url()}"' in public.content.decode()


def test_changing_the_status_on_the_change_page_is_logged_with_the_reason(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = moderator_client.post(
        url, {"status": "removed", "moderation_note": "Insults another reader."}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    event = ModerationEvent.objects.get()
    assert (event.action, event.reason) == ("remove", "Insults another reader.")
    page = moderator_client.get(url)
    assert "Insults another reader." in page.content.decode()


def test_the_change_page_is_titled_with_a_short_name_for_the_comment(moderator_client):
    comment = CommentFactory(name="Zoë Marsh", body="A long comment " * 20)
    response = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("#content h2").get_text(strip=True) == f"Comment #{comment.pk} by Zoë Marsh"
    )
    assert "Threadline admin" in soup.title.get_text()


def test_the_change_page_shows_why_the_policy_held_the_comment(moderator_client):
    comment = CommentFactory(
        status=Status.PENDING,
        moderation_reasons=_reasons(("first_time", "Held: first comment from this author.")),
    )
    response = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert "Held: first comment from this author." in response.content.decode()


def test_the_admin_index_shows_the_pending_count(moderator_client):
    CommentFactory.create_batch(3, status=Status.PENDING)
    response = moderator_client.get(reverse("admin:index"))
    banner = BeautifulSoup(response.content, "html.parser").select_one(".mod-pending-banner")
    assert banner.get_text(strip=True) == "3 comments awaiting moderation"


def test_the_policy_settings_are_one_row_edited_in_admin(moderator_client):
    admin_client = moderator_client
    admin_client.force_login(StaffFactory())
    response = admin_client.get(reverse("admin:moderation_moderationsettings_changelist"))
    assert response.status_code == 302
    response = admin_client.get(response.url)
    assert "Offensive-language check" in response.content.decode()
    assert ModerationSettings.objects.count() == 1


def test_staff_who_moderate_see_the_pending_count_in_the_site_header(client):
    CommentFactory.create_batch(2, status=Status.PENDING)
    home = reverse("blog:home")
    assert "awaiting moderation" not in client.get(home).content.decode()
    client.force_login(ModeratorFactory())
    link = BeautifulSoup(client.get(home).content, "html.parser").select_one(".staff-pending a")
    assert link.get_text(strip=True) == "2 comments awaiting moderation"
    assert link["href"] == CHANGELIST


def test_visitors_pay_no_query_for_the_pending_count(client, django_assert_num_queries):
    from moderation.context_processors import pending_comments

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert pending_comments(request) == {}


@pytest.mark.parametrize(
    ("why", "expected"),
    [
        ("blocklist", ["insult"]),
        ("links", ["linky"]),
        ("first", ["newcomer", "linky"]),
    ],
)
def test_the_queue_can_be_filtered_by_the_rule_that_held_a_comment(moderator_client, why, expected):
    now = timezone.now()
    CommentFactory(
        body="newcomer",
        status=Status.PENDING,
        created_at=now - timedelta(minutes=3),
        moderation_reasons=_reasons(("first_time", "Held: first comment from this author.")),
    )
    CommentFactory(
        body="insult",
        status=Status.PENDING,
        created_at=now - timedelta(minutes=2),
        moderation_reasons=_reasons(("blocklist", "Held: blocklist phrase “idiot”.")),
    )
    CommentFactory(
        body="linky",
        status=Status.PENDING,
        created_at=now - timedelta(minutes=1),
        moderation_reasons=_reasons(
            ("links", "Held: 4 links (more than 2)."),
            ("first_time", "Held: first comment from this author."),
        ),
    )
    response = moderator_client.get(CHANGELIST, {"why": why})
    assert row_texts(response) == expected
    assert "Held:" in BeautifulSoup(response.content, "html.parser").select_one(".field-why").text


def test_the_first_time_filter_knows_a_commenter_whatever_the_case_of_their_email(
    moderator_client,
):
    """The policy recognises Ana@Example.com as ana@example.com; the filter must agree."""
    CommentFactory(body="earlier", email="ana@example.com")
    CommentFactory(body="held for links", email="Ana@Example.COM", status=Status.PENDING)
    CommentFactory(body="newcomer", email="new@example.com", status=Status.PENDING)
    assert row_texts(moderator_client.get(CHANGELIST, {"first_time": "yes"})) == ["newcomer"]
    assert row_texts(moderator_client.get(CHANGELIST, {"first_time": "no"})) == ["held for links"]


def test_the_bot_signals_filter_leaves_out_spam_held_by_the_blocklist(moderator_client):
    """Both reasons start with "Spam: "; only the honeypot, time stamp and speed are bots."""
    now = timezone.now()
    for minutes, body, reason in [
        (4, "honeypot", ("bot_honeypot", "Spam: the hidden honeypot field was filled in.")),
        (3, "stamp", ("bot_stamp", "Spam: the form's time stamp was missing or forged.")),
        (2, "fast", ("bot_fast", "Spam: posted 0.4 s after the form was shown (minimum 3 s).")),
        (1, "phrase", ("blocklist", "Spam: blocklist phrase “casino”.")),
    ]:
        CommentFactory(
            body=body,
            status=Status.SPAM,
            created_at=now - timedelta(minutes=minutes),
            moderation_reasons=_reasons(reason),
        )
    response = moderator_client.get(CHANGELIST, {"why": "bot", "status": "spam"})
    assert sorted(row_texts(response)) == ["fast", "honeypot", "stamp"]
    response = moderator_client.get(CHANGELIST, {"why": "blocklist", "status": "spam"})
    assert row_texts(response) == ["phrase"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"why": "nonsense"},
        {"reported": "maybe"},
        {"first_time": "perhaps"},
        {"post__id__exact": "abc"},
        {"post__id__exact": "999999", "status": "all"},
        {"o": "99"},
        {"q": "%_\\'\""},
    ],
)
def test_odd_queue_parameters_never_break_the_page(moderator_client, params):
    CommentFactory(status=Status.PENDING)
    response = moderator_client.get(CHANGELIST, params)
    assert response.status_code in (200, 302)


def test_policy_settings_reject_out_of_range_values(client):
    client.force_login(StaffFactory())
    settings_row = ModerationSettings.load()
    url = reverse("admin:moderation_moderationsettings_change", args=[settings_row.pk])
    data = {
        "hold_first_time": "on",
        "max_links": "-1",
        "min_seconds": "3",
        "flood_limit": "5",
        "duplicate_hours": "24",
        "close_after_days": "",
        "report_threshold": "3",
        "reports_per_hour": "10",
        "offensive_threshold": "1.5",
        "trust_after": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert len(errors) >= 2
    data.update(max_links="4", offensive_threshold="0.9")
    assert client.post(url, data).status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.max_links, settings_row.offensive_threshold) == (4, 0.9)


def test_removing_a_comment_in_admin_leaves_a_placeholder_and_its_replies_on_the_site(
    moderator_client, client
):
    root = CommentFactory(body="Rude root words")
    reply = CommentFactory(parent=root, body="A calm reply stays")
    CommentFactory(parent=reply, body="And its own reply too")
    post_url = root.post.get_absolute_url()
    assert "Rude root words" in client.get(post_url).content.decode()

    action(moderator_client, "remove", [root])

    page = client.get(post_url).content.decode()
    assert "Rude root words" not in page
    assert "This comment was removed" in page
    assert "A calm reply stays" in page
    assert "And its own reply too" in page
    assert find_tree_problems() == []
