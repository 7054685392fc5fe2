"""The moderation policy seam.

comments.posting asks the policy named by settings.COMMENTS_POLICY what to do with each new
comment. The edge that receives the comment (the posting view, a management command, a test)
builds one Submission: the unsaved comment with its sender's IP address and user agent, plus
the form's signals. The policy answers with a Verdict: the status to store and the reasons
(each a stable code plus a sentence for moderators), or a refusal (the comment is not stored
and the poster sees the message). No request object crosses this seam.

A policy answers in two steps. `assess()` judges the comment itself (its text, the form's
signals) before any lock is taken. `assess_sender()` judges the sender (bans, flood and
duplicate limits, whether they are a known commenter); comments.posting calls it inside the
transaction that stores the comment, holding a lock keyed by the sender, so that requests
arriving at the same instant on several workers or servers get the same answers as requests
arriving one by one.

The full rule set lives in the moderation app (moderation.policy.ModerationPolicy); the two
policies here are simple, real choices: publish everything, or hold everything for review.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Refusal:
    message: str
    status_code: int = 400  # 429 for flood limits, 403 for bans


@dataclass(frozen=True)
class Reason:
    """Why the policy decided what it did: `code` is stable (the queue filters on it), `text`
    is what moderators read and may be reworded freely."""

    code: str
    text: str

    def as_dict(self):
        return {"code": self.code, "text": self.text}


@dataclass
class Submission:
    """What the policy sees, built once where the comment comes in."""

    # comments.models.Comment, not yet saved: post, parent_id, user, name, e-mail, body,
    # ip_address and user_agent are set.
    comment: object
    honeypot: str = ""  # the hidden field bots fill in
    elapsed: float | None = None  # seconds between drawing the form and posting it
    # True when it came through the site's comment form, which always carries a signed time
    # stamp: a missing one means the form was not ours.
    from_form: bool = False
    # The e-mail address the browser's signed commenter token vouches for (issued with an
    # earlier comment), lower-cased; None without a valid token.
    token_email: str | None = None
    # What a policy works out in its first step and needs again in its second (its settings
    # row, say), so that one comment reads it once.
    scratch: dict = field(default_factory=dict)


@dataclass
class Verdict:
    status: str
    reasons: list[Reason] = field(default_factory=list)
    refusal: Refusal | None = None


# The strictest status wins when verdicts are combined.
SEVERITY = {"approved": 0, "pending": 1, "spam": 2, "removed": 2, "deleted": 2}


def combine(*verdicts):
    """One verdict from several: the first refusal, the strictest status, every reason."""
    refusal = next((v.refusal for v in verdicts if v.refusal is not None), None)
    status = max((v.status for v in verdicts), key=SEVERITY.__getitem__)
    reasons = [reason for verdict in verdicts for reason in verdict.reasons]
    return Verdict(status=status, reasons=reasons, refusal=refusal)


def full_verdict(policy, submission):
    """Both steps of a policy, one after the other (without the posting lock)."""
    sender = getattr(policy, "assess_sender", None)
    verdict = policy.assess(submission)
    return combine(verdict, sender(submission)) if sender else verdict


class ApproveAll:
    def assess(self, submission):
        return Verdict(status="approved")

    def assess_sender(self, submission):
        return Verdict(status="approved")

    def comments_open(self, post):
        """Whether the post page shows a form and accepts new comments."""
        return post.comments_open()

    def closes_at(self, post):
        """When the discussion closes by itself, or None (the whole-page cache keeps the
        post page no longer, blog/page_cache.py)."""
        return post.comments_close_at


class HoldAll(ApproveAll):
    def assess(self, submission):
        reason = Reason("review_all", "Every comment is reviewed before it appears.")
        return Verdict(status="pending", reasons=[reason])


def get_policy():
    """The configured policy. Policies keep no per-request state, so one instance per
    setting value serves every request of the process."""
    return _policy(settings.COMMENTS_POLICY)


@cache
def _policy(path):
    return import_string(path)()
