import secrets
import time
import unicodedata

from django import forms
from django.core import signing
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property

from .formatting import CONTROL_RE
from .policy import Submission
from .posting import draft_comment

BODY_MAX_LENGTH = 5000
TIMESTAMP_SALT = "comments.form-rendered"
# A form is good for one comment and for this long after it was drawn.
STAMP_MAX_AGE = 24 * 60 * 60
EXPIRED_MESSAGE = (
    "This comment form was opened more than a day ago. Your text is kept below: "
    "please post it again."
)


def new_stamp(now=None):
    """A signed record of when a form was drawn, with a number that makes it single-use."""
    return signing.dumps(
        {"t": time.time() if now is None else now, "n": secrets.token_hex(16)},
        salt=TIMESTAMP_SALT,
    )


# Django's own form templates in their Jinja2 versions: the same HTML (tests/comments/
# test_validation.py compares), drawn in half the time, on every post page drawn afresh.
# One instance for the process: each holds its own template engine.
JINJA2_FORMS = Jinja2()


class CommentForm(forms.Form):
    """The comment box. Guests give a name and an e-mail; signed-in users post as themselves.

    Two fields are for the moderation policy, not for people: `homepage` is a honeypot that is
    hidden on screen (and labelled "leave empty" for screen readers), and `rendered` is a
    signed time stamp of when the form was drawn, from which the policy learns how long the
    poster took.
    """

    default_renderer = JINJA2_FORMS

    name = forms.CharField(
        max_length=80,
        error_messages={"required": "Please give a name to show with your comment."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="Never shown. Used for your picture and if a moderator needs to reach you.",
        error_messages={
            "required": "Please give your e-mail address (it is never shown).",
            "invalid": "Enter a valid e-mail address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://example.com."},
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write your comment before posting."},
        help_text=(
            "A blank line starts a new paragraph. Web addresses become links. "
            "*emphasis*, **strong**, `code`, lists starting with 1. or -, and > quotes work."
        ),
    )
    notify = forms.BooleanField(
        label="E-mail me replies to my comment",
        required=False,
        help_text="Only answers to this comment, and a note when it is published. "
        "A guest address is used only after you confirm it once.",
    )
    remember = forms.BooleanField(
        label="Remember my name, e-mail and website in this browser",
        required=False,
        help_text="Stored in a cookie on this device only.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, post, user=None, **kwargs):
        self.post = post
        self.user = user if user is not None and user.is_authenticated else None
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["max_length"] = (
            "Please keep your name under %(limit_value)d characters (it has %(show_value)d)."
        )
        self.fields["body"].error_messages["max_length"] = (
            "Comments can be up to %(limit_value)d characters long (this one has %(show_value)d)."
        )
        if self.user is not None:
            for name in ("name", "email", "url", "remember"):
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("rendered", new_stamp())

    def clean_name(self):
        # Control characters are dropped, as in bodies: XML feeds cannot carry them.
        name = CONTROL_RE.sub("", self.cleaned_data["name"]).strip()
        if not _visible(name):
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not _visible(body):
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body

    def clean(self):
        stamp = self._stamp
        if stamp is not None and (stamp["n"] is None or time.time() - stamp["t"] > STAMP_MAX_AGE):
            # Someone who wrote for a day is no fast bot: the new stamp counts as drawn a
            # minute ago, so posting straight away is not taken for one.
            self.renew_stamp(now=time.time() - 60)
            raise forms.ValidationError(EXPIRED_MESSAGE)
        return super().clean()

    def renew_stamp(self, now=None):
        """Give the re-drawn form a fresh stamp (the posted one is used up or too old)."""
        self.data = self.data.copy()
        self.data["rendered"] = new_stamp(now)
        self.__dict__.pop("_stamp", None)

    def submission(self, *, ip_address, user_agent, token_email=None):
        """What the moderation policy is asked about, from a valid form.

        The parent is only a pk here: comments.posting loads and checks it under the lock.
        """
        data = self.cleaned_data
        comment = draft_comment(
            post=self.post,
            parent=data.get("parent"),
            user=self.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            url=data.get("url", ""),
            body=data["body"],
            ip_address=ip_address,
            user_agent=user_agent,
        )
        stamp = self._stamp
        comment.form_nonce = stamp["n"] if stamp else None
        return Submission(
            comment=comment,
            honeypot=data.get("homepage", ""),
            elapsed=self.elapsed(),
            from_form=True,
            token_email=token_email,
        )

    def elapsed(self):
        """Seconds since the form was drawn, or None when the stamp is missing or forged."""
        stamp = self._stamp
        return None if stamp is None else max(0.0, time.time() - stamp["t"])

    @cached_property
    def _stamp(self):
        """The posted stamp as {"t": drawn at, "n": single-use number}, or None if forged.

        A stamp from before stamps had numbers reads with "n": None (treated as expired).
        """
        try:
            value = signing.loads(str(self.data.get("rendered", "")), salt=TIMESTAMP_SALT)
        except signing.BadSignature:
            return None
        if isinstance(value, dict):
            drawn, nonce = value.get("t"), value.get("n")
        else:
            drawn, nonce = value, None
        if isinstance(drawn, bool) or not isinstance(drawn, int | float):
            return None
        if nonce is not None and not (isinstance(nonce, str) and len(nonce) == 32):
            return None
        return {"t": float(drawn), "n": nonce}


# Characters that draw nothing although Unicode files them as letters or symbols: Hangul
# fillers, the braille blank, the Mongolian vowel separator, and the like.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")
# Categories that never draw a character of their own: controls, format characters,
# separators, combining marks (they need a base to sit on) and unassigned code points.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Cs", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})


def _visible(text):
    """True when the text has something a reader can see: one character that draws a glyph
    of its own (not only spaces, invisible marks, fillers or combining marks)."""
    return any(
        not character.isspace()
        and character not in BLANK_CHARACTERS
        and unicodedata.category(character) not in INVISIBLE_CATEGORIES
        for character in text
    )


class EditCommentForm(forms.Form):
    """A commenter's own edit: only the text changes."""

    body = CommentForm.base_fields["body"].__class__(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Please keep some text (or delete the comment instead)."},
        help_text=CommentForm.base_fields["body"].help_text,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not _visible(body):
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body
