"""Every rule of the moderation policy, and the reasons it records."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.policy import Submission, full_verdict
from moderation.models import ModerationSettings
from moderation.policy import BANNED_MESSAGE, ModerationPolicy
from tests.factories import (
    BanFactory,
    BlockedTermFactory,
    CommentFactory,
    PostFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Status = Comment.Status


def new_comment(post=None, **fields):
    fields = {
        "name": "Ana",
        "email": "ana@example.com",
        "body": "A calm and useful remark.",
        "ip_address": "192.0.2.10",
        **fields,
    }
    return Comment(post=post or PostFactory(), **fields)


class Assessed:
    """A verdict with its reasons as the texts moderators read (codes checked separately)."""

    def __init__(self, verdict):
        self.status, self.refusal = verdict.status, verdict.refusal
        self.reasons = [reason.text for reason in verdict.reasons]
        self.codes = [reason.code for reason in verdict.reasons]


def assess(comment, policy=None, **signals):
    """The full verdict, as if posted from a browser holding the commenter token for the
    comment's address (tests of the token itself pass token_email)."""
    signals.setdefault("elapsed", 30.0)
    signals.setdefault("token_email", (comment.email or "").lower() or None)
    submission = Submission(comment=comment, **signals)
    return Assessed(full_verdict(policy or ModerationPolicy(), submission))


@pytest.fixture
def known_author():
    """Ana already has an approved comment, so the first-time rule does not hold her."""
    return CommentFactory(name="Ana", email="ana@example.com", status=Status.APPROVED)


def test_a_first_time_guest_is_held_for_review():
    verdict = assess(new_comment())
    assert verdict.status == Status.PENDING
    assert verdict.reasons == ["Held: first comment from this author."]
    assert verdict.refusal is None


def test_a_known_commenter_is_published_at_once(known_author):
    verdict = assess(new_comment(email="ANA@example.com"))
    assert verdict.status == Status.APPROVED
    assert verdict.reasons == ["Published: known commenter (1 approved)."]


def test_a_guest_typing_a_known_commenters_email_without_their_token_is_held(known_author):
    verdict = assess(new_comment(), token_email=None)
    assert verdict.status == Status.PENDING
    assert verdict.codes == ["first_time"]


def test_a_token_for_another_address_does_not_make_a_guest_known(known_author):
    verdict = assess(new_comment(), token_email="mallory@example.com")
    assert verdict.status == Status.PENDING


def test_the_name_must_match_the_known_commenters_too(known_author):
    verdict = assess(new_comment(name="Someone Else"))
    assert verdict.status == Status.PENDING


def test_a_commenter_whose_only_comments_are_pending_or_spam_is_still_first_time():
    CommentFactory(email="ana@example.com", status=Status.PENDING)
    CommentFactory(email="ana@example.com", status=Status.SPAM)
    assert assess(new_comment()).status == Status.PENDING


def test_first_time_rule_can_be_turned_off():
    ModerationSettings.objects.update_or_create(pk=1, defaults={"hold_first_time": False})
    verdict = assess(new_comment())
    assert verdict.status == Status.APPROVED
    assert verdict.reasons == []


def test_staff_comments_are_published():
    staff = StaffFactory()
    verdict = assess(new_comment(user=staff, email=staff.email))
    assert verdict.status == Status.APPROVED
    assert verdict.reasons == ["Published: staff member."]


def test_a_signed_in_user_with_approved_comments_is_known():
    user = UserFactory()
    CommentFactory(user=user, email="", status=Status.APPROVED)
    assert assess(new_comment(user=user, email="")).status == Status.APPROVED


def test_more_links_than_allowed_hold_a_known_commenter(known_author):
    body = "See https://a.example, http://b.example and www.c.example"
    verdict = assess(new_comment(body=body))
    assert verdict.status == Status.PENDING
    assert "Held: 3 links (more than 2)." in verdict.reasons


def test_links_up_to_the_limit_are_fine(known_author):
    verdict = assess(new_comment(body="See https://a.example and https://b.example"))
    assert verdict.status == Status.APPROVED


def test_a_blocklist_entry_can_hold_a_comment(known_author):
    BlockedTermFactory(phrase="idiot", action="pending")
    verdict = assess(new_comment(body="What an 1d10t."))
    assert verdict.status == Status.PENDING
    assert "Held: blocklist phrase “idiot”." in verdict.reasons


def test_a_blocklist_entry_can_mark_a_comment_as_spam(known_author):
    BlockedTermFactory(phrase="cheap pills", action="spam")
    verdict = assess(new_comment(body="CHEAP   p.i.l.l.s here"))
    assert verdict.status == Status.SPAM
    assert "Spam: blocklist phrase “cheap pills”." in verdict.reasons


def test_the_blocklist_also_applies_to_the_name(known_author):
    BlockedTermFactory(phrase="casino", action="spam")
    assert assess(new_comment(name="Best Casino")).status == Status.SPAM


def test_the_blocklist_matches_whole_words_only(known_author):
    BlockedTermFactory(phrase="ass", action="pending")
    assert assess(new_comment(body="A classic assessment.")).status == Status.APPROVED


def test_a_filled_honeypot_is_spam(known_author):
    verdict = assess(new_comment(), honeypot="http://bot.example")
    assert verdict.status == Status.SPAM
    assert verdict.refusal is None  # silently: the bot is not told
    assert "Spam: the hidden honeypot field was filled in." in verdict.reasons


def test_a_form_posted_within_three_seconds_is_spam(known_author):
    verdict = assess(new_comment(), elapsed=1.2)
    assert verdict.status == Status.SPAM
    assert verdict.refusal is None
    assert "Spam: posted 1.2 s after the form was shown (minimum 3 s)." in verdict.reasons


def test_a_form_posted_after_three_seconds_is_fine(known_author):
    assert assess(new_comment(), elapsed=3.0).status == Status.APPROVED


def test_the_strictest_outcome_wins_and_every_reason_is_kept():
    BlockedTermFactory(phrase="idiot", action="pending")
    verdict = assess(new_comment(body="idiot https://a https://b https://c"), honeypot="x")
    assert verdict.status == Status.SPAM
    assert len(verdict.reasons) == 4


def test_a_banned_email_is_refused_with_a_neutral_message():
    BanFactory(email="ana@example.com")
    verdict = assess(new_comment(email="Ana@Example.com"))
    assert verdict.refusal.message == BANNED_MESSAGE
    assert verdict.refusal.status_code == 403
    assert "ban" not in verdict.refusal.message.lower()


def test_a_refusal_is_logged_with_its_reason(caplog):
    BanFactory(email="ana@example.com")
    with caplog.at_level("INFO", logger="moderation.policy"):
        assess(new_comment())
    assert "Refused: banned (ana@example.com)." in caplog.text


def test_a_banned_ip_address_is_refused():
    BanFactory(email="", ip_address="192.0.2.10")
    verdict = assess(new_comment(email="someone.else@example.com"))
    assert verdict.refusal.status_code == 403


def test_the_ip_address_is_taken_from_the_request_the_form_came_with(client):
    """The posting view builds the policy's submission with the reader's address."""
    BanFactory(email="", ip_address="198.51.100.7")
    post = PostFactory()
    data = {"name": "Ana", "email": "ana@example.com", "body": "Hello there."}
    response = client.post(
        reverse("comments:post", args=[post.pk]), data, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_expired_ban_no_longer_applies():
    BanFactory(email="ana@example.com", expires_at=timezone.now() - timedelta(minutes=1))
    assert assess(new_comment()).refusal is None


def test_flooding_from_one_ip_is_refused_with_429():
    post = PostFactory()
    for i in range(5):
        CommentFactory(post=post, email=f"r{i}@example.com", ip_address="192.0.2.10")
    verdict = assess(new_comment(post=post, email="new@example.com"))
    assert verdict.refusal.status_code == 429
    assert "at most 5 comments a minute" in verdict.refusal.message


def test_flooding_from_one_email_is_refused():
    for i in range(5):
        CommentFactory(email="ana@example.com", ip_address=f"203.0.113.{i}")
    assert assess(new_comment(ip_address="198.51.100.1")).refusal.status_code == 429


def test_comments_older_than_a_minute_do_not_count_towards_the_flood_limit():
    for _ in range(5):
        CommentFactory(email="ana@example.com", created_at=timezone.now() - timedelta(minutes=2))
    assert assess(new_comment(body="Something new")).refusal is None


def test_the_same_text_again_within_a_day_is_refused():
    CommentFactory(email="ana@example.com", body="Same   words here.")
    verdict = assess(new_comment(body="same words here."))
    assert verdict.refusal.message == "You have already posted this comment."


def test_the_same_text_from_another_author_is_fine():
    CommentFactory(email="bob@example.com", body="Agreed.")
    assert assess(new_comment(body="Agreed.")).refusal is None


def test_the_same_text_a_day_later_is_fine():
    CommentFactory(
        email="ana@example.com", body="Agreed.", created_at=timezone.now() - timedelta(hours=25)
    )
    assert assess(new_comment(body="Agreed.")).refusal is None


def test_the_offensive_language_rule_is_off_without_the_extra(monkeypatch):
    monkeypatch.setattr("moderation.policy.load_offensive_classifier", lambda: None)
    policy = ModerationPolicy()
    assert not policy.offensive_check_enabled
    CommentFactory(name="Ana", email="ana@example.com", status=Status.APPROVED)
    assert assess(new_comment(body="Anything at all"), policy=policy).status == Status.APPROVED


def test_a_high_offensive_language_score_holds_the_comment(known_author):
    policy = ModerationPolicy(classifier=lambda text: 0.93 if "rude" in text else 0.05)
    assert policy.offensive_check_enabled
    verdict = assess(new_comment(body="A rude remark"), policy=policy)
    assert verdict.status == Status.PENDING
    assert "Held: offensive-language score 0.93 (threshold 0.80)." in verdict.reasons
    assert assess(new_comment(body="A kind remark"), policy=policy).status == Status.APPROVED


def test_comments_close_after_the_configured_number_of_days():
    policy = ModerationPolicy()
    old = PostFactory(published_at=timezone.now() - timedelta(days=40))
    fresh = PostFactory(published_at=timezone.now() - timedelta(days=2))
    assert policy.comments_open(old)  # off by default
    ModerationSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 30})
    assert not policy.comments_open(old)
    assert policy.comments_open(fresh)


def test_the_closing_time_is_the_sooner_of_the_posts_own_and_the_sites_rule():
    """closes_at(): what comments_open() applies, and what bounds the whole-page cache."""
    policy = ModerationPolicy()
    published = timezone.now() - timedelta(days=2)
    post = PostFactory(published_at=published, comments_close_at=None)
    assert policy.closes_at(post) is None
    ModerationSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 30})
    assert policy.closes_at(post) == published + timedelta(days=30)
    post.comments_close_at = published + timedelta(days=5)
    assert policy.closes_at(post) == published + timedelta(days=5)
    ModerationSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 1})
    assert policy.closes_at(post) == published + timedelta(days=1)
    assert not policy.comments_open(post)


@pytest.mark.parametrize("days", [3_000_000, 2_147_483_647])
def test_a_very_large_closing_delay_keeps_discussions_open_instead_of_failing(client, days):
    """The admin accepts any positive number; past year 9999 the date sum used to overflow,
    and every post page answered 500."""
    post = PostFactory(published_at=timezone.now() - timedelta(days=40))
    ModerationSettings.objects.update_or_create(pk=1, defaults={"close_after_days": days})
    assert ModerationPolicy().comments_open(post)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Leave a comment" in response.text


def test_a_post_closed_by_hand_stays_closed():
    post = PostFactory(comments_enabled=False)
    assert not ModerationPolicy().comments_open(post)


def test_a_web_post_without_the_forms_time_stamp_is_spam(known_author):
    verdict = assess(new_comment(), from_form=True, elapsed=None)
    assert verdict.status == Status.SPAM
    assert "Spam: the form's time stamp was missing or forged." in verdict.reasons


def test_the_real_classifier_holds_an_insult_when_the_extra_is_installed(known_author):
    """Runs only where the "profanity" extra (alt-profanity-check, ~280 MB) is installed."""
    pytest.importorskip("profanity_check")
    from moderation.policy import load_offensive_classifier

    policy = ModerationPolicy(classifier=load_offensive_classifier())
    assert policy.offensive_check_enabled
    rude = assess(new_comment(body="Shut up, you stupid fucking idiot."), policy=policy)
    assert rude.status == Status.PENDING
    assert any("offensive-language score" in r for r in rude.reasons)
    kind = assess(new_comment(body="Thank you for the clear timetable."), policy=policy)
    assert kind.status == Status.APPROVED
