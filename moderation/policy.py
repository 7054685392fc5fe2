"""The moderation policy: decides what happens to each new comment, and says why.

Selected with settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy" and called by
comments.posting through the seam in comments.policy. The rules, in the order they run:

1. a banned e-mail or IP address is refused with a neutral message (403), and so is a
   suspended commenter until the suspension ends (the message gives the date);
2. more than N comments a minute from one IP or e-mail address is refused (429);
3. the same author posting the same text again within a day is refused;
4. a filled honeypot field, a form posted within seconds of rendering or without its signed
   time stamp is spam, silently;
5. blocklist phrases hold the comment or mark it spam (each entry says which);
6. more than N links holds it;
7. an offensive-language score above a threshold holds it (optional extra); so does a post
   set to hold every comment (Post.moderation_mode), for everyone but staff;
8. a commenter who is not yet trusted is held; a trusted one is published. Trusted means staff,
   the post's author, trusted by hand in the queue (Commenter.trusted), or with at least
   ModerationSettings.trust_after approved comments: signed in with them, or a guest whose
   name and e-mail match them and whose browser carries the signed commenter token issued
   with an earlier comment. Being trusted by hand also needs that proof of the address.

Rules 1-3 and 8 judge the sender and run in assess_sender(), which comments.posting calls
under a lock keyed by the sender inside the storing transaction; the others judge the text
and run in assess(), before any lock.

The strictest outcome wins (spam over pending over published) and every rule that applied
adds a Reason: a stable code from ReasonCode (the queue filters on it) and a sentence for
moderators. The posting code stores both on the comment.
"""

import logging
import re
from contextlib import suppress
from datetime import timedelta
from functools import cache

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from comments.models import Comment
from comments.policy import SEVERITY, ApproveAll, Reason, Refusal, Verdict

from . import blocklist
from .models import BlockedTerm, ModerationSettings, staff_names
from .sender import sender_facts

logger = logging.getLogger(__name__)
Status = Comment.Status
LINK_RE = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
BANNED_MESSAGE = "Your comment could not be posted."


class ReasonCode(models.TextChoices):
    """Every reason this policy gives, by rule. Codes are stored: never rename one."""

    BANNED = "banned", "Banned sender"
    FLOOD = "flood", "Flood limit"
    DUPLICATE = "duplicate", "Duplicate"
    HONEYPOT = "bot_honeypot", "Honeypot filled in"
    NO_STAMP = "bot_stamp", "Time stamp missing or forged"
    TOO_FAST = "bot_fast", "Posted too fast"
    BLOCKLIST = "blocklist", "Blocklist phrase"
    LINKS = "links", "Too many links"
    OFFENSIVE = "offensive", "Offensive-language score"
    IMPERSONATION = "impersonation", "Name like staff or the author"
    FIRST_TIME = "first_time", "First comment"
    STAFF = "staff", "Staff member"
    KNOWN = "known", "Known commenter"
    SUSPENDED = "suspended", "Suspended commenter"
    POST_HOLD = "post_hold", "Post holds every comment"
    POST_AUTHOR = "post_author", "The post's author"
    TRUSTED = "trusted", "Trusted by a moderator"
    NOT_TRUSTED_YET = "not_trusted_yet", "Not enough approved comments yet"


BOT_SIGNALS = (ReasonCode.HONEYPOT, ReasonCode.NO_STAMP, ReasonCode.TOO_FAST)


@cache
def load_offensive_classifier():
    """The optional offline classifier (the "profanity" extra), or None when not installed.

    Returns a function text -> probability (0..1) that the text is offensive.
    """
    try:
        from profanity_check import predict_prob  # noqa: PLC0415 (optional dependency)
    except ImportError:
        return None
    return lambda text: float(predict_prob([text])[0])


class ModerationPolicy(ApproveAll):
    def __init__(self, classifier=None):
        # The offensive-language rule is off when the classifier is None (extra not
        # installed); tests pass a stand-in.
        self.classifier = classifier or load_offensive_classifier()

    @property
    def offensive_check_enabled(self):
        return self.classifier is not None

    def comments_open(self, post):
        if not post.comments_open():
            return False
        closes = self.closes_at(post)
        return closes is None or timezone.now() < closes

    def closes_at(self, post):
        """When the discussion closes by itself: the post's own closing time or the site's
        close_after_days after publication, whichever comes first (None: never)."""
        moments = [post.comments_close_at]
        days = ModerationSettings.load().close_after_days
        if days and post.published_at:
            # Past the last date a datetime holds, never.
            with suppress(OverflowError):
                moments.append(post.published_at + timedelta(days=days))
        return min((moment for moment in moments if moment is not None), default=None)

    def assess(self, submission):
        """The comment itself: bot signals, blocklist, links, offensive language."""
        config = _settings(submission)
        comment = submission.comment
        outcomes = []  # (status, Reason)
        outcomes += self._bot_signals(submission, config)
        outcomes += self._blocklist(comment)
        outcomes += self._links(comment, config)
        outcomes += self._offensive(comment, config)
        outcomes += self._impersonation(comment)
        outcomes += self._post_mode(comment)
        return _verdict(outcomes)

    def assess_sender(self, submission):
        """The sender: bans, flood and duplicate limits, first-time or known commenter.

        comments.posting calls this under a lock keyed by the sender, in the transaction that
        stores the comment, so the counts below cannot race with a parallel post.
        """
        config = _settings(submission)
        comment = submission.comment
        facts = _sender_facts(submission, config)
        refusal = (
            self._banned(facts)
            or self._suspended(submission)
            or self._flood(facts, config)
            or self._duplicate(comment, facts)
        )
        if refusal:
            # Nothing is stored for a refused comment; the log says why it was turned away.
            logger.info(
                "Comment refused on post %s from %s / %s: %s",
                comment.post_id,
                comment.email or "-",
                comment.ip_address or "-",
                refusal[1].text,
            )
            return Verdict(status=Status.SPAM, reasons=[refusal[1]], refusal=refusal[0])
        return _verdict(self._first_time(submission, config, facts))

    # Refusals: (Refusal, Reason for the log) or None.

    def _banned(self, facts):
        ban = facts.ban()
        if ban:
            reason = Reason(ReasonCode.BANNED, f"Refused: banned ({ban}).")
            return Refusal(BANNED_MESSAGE, status_code=403), reason
        return None

    def _suspended(self, submission):
        commenter = _commenter(submission)
        if commenter is None or not commenter.is_suspended():
            return None
        until = date_format(timezone.localtime(commenter.suspended_until), "j F Y, H:i")
        message = f"You cannot post comments until {until}."
        reason = Reason(ReasonCode.SUSPENDED, f"Refused: suspended until {until}.")
        return Refusal(message, status_code=403), reason

    def _flood(self, facts, config):
        if not config.flood_limit or facts.recent is None:
            return None
        if facts.recent >= config.flood_limit:
            message = (
                "You are posting too fast: at most "
                f"{config.flood_limit} comments a minute. Please wait a minute and try again."
            )
            return Refusal(message, status_code=429), Reason(
                ReasonCode.FLOOD, "Refused: flood limit."
            )
        return None

    def _duplicate(self, comment, facts):
        if facts.texts is None:
            return None
        text = _normalise(comment.body)
        # The most recent 200 (moderation.sender) are enough to catch a resubmission.
        if any(_normalise(body) == text for body in facts.texts):
            message = "You have already posted this comment."
            return Refusal(message, status_code=400), Reason(
                ReasonCode.DUPLICATE, "Refused: duplicate of a recent comment."
            )
        return None

    # Outcomes: lists of (status, Reason).

    def _bot_signals(self, submission, config):
        if submission.honeypot.strip():
            text = "Spam: the hidden honeypot field was filled in."
            return [(Status.SPAM, Reason(ReasonCode.HONEYPOT, text))]
        if submission.elapsed is None and submission.from_form:
            # Posted from the web without the form's signed time stamp: not our form.
            text = "Spam: the form's time stamp was missing or forged."
            return [(Status.SPAM, Reason(ReasonCode.NO_STAMP, text))]
        if submission.elapsed is not None and submission.elapsed < config.min_seconds:
            text = (
                f"Spam: posted {submission.elapsed:.1f} s after the form was shown "
                f"(minimum {config.min_seconds} s)."
            )
            return [(Status.SPAM, Reason(ReasonCode.TOO_FAST, text))]
        return []

    def _blocklist(self, comment):
        terms = BlockedTerm.entries()
        if not terms:
            return []
        actions = dict(terms)
        text = f"{comment.name}\n{comment.body}"
        found = blocklist.find(text, [phrase for phrase, _ in terms])
        verb = {Status.SPAM: "Spam", Status.PENDING: "Held"}
        return [
            (actions[p], Reason(ReasonCode.BLOCKLIST, _phrase_text(verb[actions[p]], p)))
            for p in found
        ]

    def _links(self, comment, config):
        links = len(LINK_RE.findall(comment.body))
        if links > config.max_links:
            text = f"Held: {links} links (more than {config.max_links})."
            return [(Status.PENDING, Reason(ReasonCode.LINKS, text))]
        return []

    def _offensive(self, comment, config):
        if self.classifier is None:
            return []
        score = self.classifier(comment.body)
        if score > config.offensive_threshold:
            text = (
                f"Held: offensive-language score {score:.2f} "
                f"(threshold {config.offensive_threshold:.2f})."
            )
            return [(Status.PENDING, Reason(ReasonCode.OFFENSIVE, text))]
        return []

    def _impersonation(self, comment):
        """A guest whose name looks like a member of staff's, the post's author's or a role's
        ("Admin", "Moderator"), whatever the disguise, is held for a moderator to look at."""
        if comment.user_id or not comment.name:
            return []
        seen = blocklist.skeleton(comment.name)
        if not seen:
            return []
        for name in _protected_names(comment.post):
            if blocklist.skeleton(name) == seen:
                text = f"Held: the name looks like “{name}” (staff, the author or a role)."
                return [(Status.PENDING, Reason(ReasonCode.IMPERSONATION, text))]
        return []

    def _post_mode(self, comment):
        if comment.post.moderation_mode != comment.post.ModerationMode.HOLD:
            return []
        if comment.user_id and comment.user.is_staff:
            return []
        text = "Held: every comment on this post is reviewed."
        return [(Status.PENDING, Reason(ReasonCode.POST_HOLD, text))]

    def _first_time(self, submission, config, facts):
        comment = submission.comment
        user = comment.user if comment.user_id else None
        if user is not None and user.is_staff:
            return [(Status.APPROVED, Reason(ReasonCode.STAFF, "Published: staff member."))]
        if user is not None and user.pk == comment.post.author_id:
            text = "Published: the post's author."
            return [(Status.APPROVED, Reason(ReasonCode.POST_AUTHOR, text))]
        commenter = _commenter(submission)
        if commenter is not None and commenter.trusted and _proven_address(submission):
            text = "Published: trusted by a moderator."
            return [(Status.APPROVED, Reason(ReasonCode.TRUSTED, text))]
        approved = facts.approved
        if approved >= config.trust_after:
            text = f"Published: known commenter ({approved} approved)."
            return [(Status.APPROVED, Reason(ReasonCode.KNOWN, text))]
        if not config.hold_first_time:
            return []
        if approved:
            text = (
                f"Held: {approved} approved comment{'s' if approved != 1 else ''}, "
                f"{config.trust_after} needed to be published at once."
            )
            return [(Status.PENDING, Reason(ReasonCode.NOT_TRUSTED_YET, text))]
        text = "Held: first comment from this author."
        return [(Status.PENDING, Reason(ReasonCode.FIRST_TIME, text))]


def _settings(submission):
    """The moderation settings, read once for both steps of one comment."""
    if "settings" not in submission.scratch:
        submission.scratch["settings"] = ModerationSettings.load()
    return submission.scratch["settings"]


def _sender_facts(submission, config):
    """What the sender checks need (moderation.sender), in one statement under the sender lock.

    The comments of the sender are those from the same e-mail address in any case, the same
    account, and for the flood limit the same IP address. The known-commenter count (rule 8)
    is asked for only when it can matter: a signed-in user is known by their account; a guest
    only when the name and the e-mail both match approved comments (WordPress's rule) and the
    browser carries the signed token issued with an earlier comment for that address, so
    typing someone else's e-mail is not enough to skip moderation.
    """
    comment = submission.comment
    now = timezone.now()
    user = comment.user if comment.user_id else None
    known = None
    if user is not None:
        if not user.is_staff and user.pk != comment.post.author_id:
            known = ("user", comment.user_id)
    elif _proven_address(submission):
        known = ("guest", (comment.email or "").strip().lower(), comment.name.strip())
    facts = sender_facts(
        email=comment.email or "",
        user_id=comment.user_id,
        ip_address=comment.ip_address,
        ban_email=comment.email or (user.email if user is not None else ""),
        now=now,
        flood_since=now - timedelta(minutes=1) if config.flood_limit else None,
        duplicate_since=(
            now - timedelta(hours=config.duplicate_hours) if config.duplicate_hours else None
        ),
        known=known,
    )
    submission.scratch["commenter"] = facts.commenter()
    return facts


def _commenter(submission):
    """The moderators' record of this sender (trusted, suspended), or None: read with the
    sender's facts, under the sender lock, once per comment."""
    return submission.scratch.get("commenter")


def _proven_address(submission):
    """The sender proved the e-mail address: signed in, or the browser's signed token."""
    comment = submission.comment
    if comment.user_id:
        return True
    email = (comment.email or "").strip().lower()
    return bool(email) and submission.token_email == email


ROLE_NAMES = ("Admin", "Administrator", "Moderator", "Moderation", "Staff", "Editor")


def _protected_names(post):
    """Names a guest may not take: roles, every member of staff (cached,
    moderation.models.staff_names) and the post's author."""
    names = [*ROLE_NAMES, *staff_names()]
    author = post.author if post.author_id else None
    if author is not None:
        names += [name for name in (author.get_username(), author.get_full_name()) if name]
    return names


def _verdict(outcomes):
    status = max((s for s, _ in outcomes), key=SEVERITY.__getitem__, default=Status.APPROVED)
    return Verdict(status=status, reasons=[reason for _, reason in outcomes])


def _phrase_text(verb, phrase):
    return f"{verb}: blocklist phrase “{phrase}”."


def _normalise(text):
    return " ".join(text.split()).casefold()
