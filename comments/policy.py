"""The moderation policy seam.

comments.posting asks the policy named by settings.COMMENTS_POLICY what to do with each new
comment. The policy answers with a Verdict: the status to store, the reasons (shown to
moderators), or a refusal (the comment is not stored and the poster sees the message).

The full rule set lives in the moderation app (moderation.policy.ModerationPolicy); the two
policies here are simple, real choices: publish everything, or hold everything for review.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Refusal:
    message: str
    status_code: int = 400  # 429 for flood limits, 403 for bans


@dataclass
class Submission:
    """What the policy sees: the unsaved comment plus signals from the form."""

    comment: object  # comments.models.Comment, not yet saved; post/parent/user/ip set
    honeypot: str = ""  # the hidden field bots fill in
    elapsed: float | None = None  # seconds between rendering the form and posting it
    request: object = None  # the HttpRequest, when there is one


@dataclass
class Verdict:
    status: str
    reasons: list[str] = field(default_factory=list)
    refusal: Refusal | None = None


class ApproveAll:
    def assess(self, submission):
        return Verdict(status="approved")

    def comments_open(self, post):
        """Whether the post page shows a form and accepts new comments."""
        return post.comments_open()


class HoldAll(ApproveAll):
    def assess(self, submission):
        return Verdict(status="pending", reasons=["Every comment is reviewed before it appears."])


def get_policy():
    return import_string(settings.COMMENTS_POLICY)()
