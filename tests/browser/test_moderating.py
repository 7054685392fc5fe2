"""Moderators clear the queue in Django admin; readers report comments that break the rules."""

import re

from django.urls import reverse

from comments.models import Comment
from moderation.models import Report
from tests.factories import ReportFactory

Status = Comment.Status


def row(page, text):
    return page.locator("#result_list tbody tr").filter(has_text=text)


def run_action(page, label, *rows):
    for item in rows:
        item.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=label)
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    return page.locator(".messagelist").inner_text()


def test_a_moderator_clears_the_queue_with_bulk_actions(
    page, new_context, discussion, moderator, log_in, add_comment
):
    post = discussion["post"]
    good = [
        add_comment(post=post, status=Status.PENDING, name=f"Good {n}", body=f"Helpful {n}.")
        for n in range(3)
    ]
    spam = add_comment(
        post=post, status=Status.PENDING, name="Cheap Watches", body="Buy watches cheap now."
    )
    removed, its_reply = discussion["child"], discussion["grandchild"]

    log_in(page, moderator)
    page.goto(reverse("admin:comments_comment_changelist") + "?status=all")
    filters = page.locator("#changelist-filter")
    with page.expect_navigation():
        filters.get_by_role("link", name="Awaiting moderation", exact=True).click()
    assert "status=pending" in page.url
    assert page.locator("#result_list tbody tr").count() == 4

    message = run_action(page, "Approve selected comments", *(row(page, c.body) for c in good))
    assert "3 comments" in message
    assert page.locator("#result_list tbody tr").count() == 1, "the queue shows what is left"

    message = run_action(page, "Mark selected comments as spam", row(page, spam.body))
    assert "1 comment" in message
    assert page.locator("#result_list tbody tr").count() == 0

    with page.expect_navigation():
        filters.get_by_role("link", name="Published", exact=True).click()
    page.locator("#searchbar").fill(removed.body)
    with page.expect_navigation():
        page.locator("#searchbar").press("Enter")
    message = run_action(
        page, "Remove selected comments (replies stay visible)", row(page, removed.body)
    )
    assert "1 comment" in message

    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in good] == [Status.APPROVED] * 3
    assert (statuses[spam.pk], statuses[removed.pk]) == (Status.SPAM, Status.REMOVED)

    reader = new_context().new_page()
    reader.goto(post.get_absolute_url())
    for comment in good:
        assert reader.locator(f"#comment-{comment.pk}").is_visible()
    assert reader.locator(f"#comment-{spam.pk}").count() == 0
    assert spam.body not in reader.content()
    placeholder = reader.locator(f"#comment-{removed.pk}")
    assert "This comment was removed" in placeholder.inner_text()
    assert removed.body not in placeholder.inner_text()
    assert removed.name not in placeholder.inner_text().replace(its_reply.body, "")
    assert placeholder.locator(f"#comment-{its_reply.pk}").is_visible(), "reply lost its place"


def report_control(page, comment):
    url = reverse("moderation:report", args=[comment.pk])
    return page.locator(f'a[href="{url}"], form[action="{url}"] [type=submit]').first


def test_enough_reader_reports_send_a_comment_back_to_the_queue_behind_a_placeholder(
    page, new_context, discussion, moderator, log_in
):
    target, its_reply = discussion["other_root"], discussion["other_child"]
    ReportFactory.create_batch(2, comment=target, reason=Report.Reason.SPAM)  # other readers

    page.goto(discussion["post"].get_absolute_url())
    report_control(page, target).click()
    page.wait_for_load_state()
    page.get_by_label("Spam or advertising").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send report").click()

    assert discussion["post"].get_absolute_url() in page.url
    thanks = page.get_by_text(re.compile("Thank you", re.I)).first
    assert thanks.is_visible(), "the reader gets no confirmation that the report was sent"
    assert Report.objects.filter(comment=target).count() == 3
    target.refresh_from_db()
    assert target.status == Status.PENDING, "the third report sends it back to the queue"

    stranger = new_context().new_page()
    stranger.goto(discussion["post"].get_absolute_url())
    placeholder = stranger.locator(f"#comment-{target.pk}")
    assert "This comment is awaiting moderation" in placeholder.inner_text()
    assert target.body not in placeholder.inner_text()
    assert placeholder.locator(f"#comment-{its_reply.pk}").is_visible(), "reply lost its place"

    moderator_page = new_context().new_page()
    log_in(moderator_page, moderator)
    moderator_page.goto(reverse("admin:comments_comment_changelist") + "?reported=open")
    reported = row(moderator_page, target.body)
    assert reported.count() == 1
    assert "3" in reported.inner_text()


def test_a_reader_cannot_report_the_same_comment_twice(page, discussion):
    target = discussion["root"]
    url = reverse("moderation:report", args=[target.pk])
    page.goto(url)
    page.get_by_label("Insults or harassment").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send report").click()
    page.goto(url)
    notice = page.get_by_text(re.compile("already reported", re.I)).first
    assert notice.is_visible(), "a second report is silently ignored: no 'already reported'"
    assert Report.objects.filter(comment=target).count() == 1
