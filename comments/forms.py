import time
import unicodedata

from django import forms
from django.core import signing

from .formatting import CONTROL_RE
from .policy import Submission
from .posting import draft_comment

BODY_MAX_LENGTH = 5000
TIMESTAMP_SALT = "comments.form-rendered"


class CommentForm(forms.Form):
    """The comment box. Guests give a name and an e-mail; signed-in users post as themselves.

    Two fields are for the moderation policy, not for people: `homepage` is a honeypot that is
    hidden on screen (and labelled "leave empty" for screen readers), and `rendered` is a
    signed time stamp of when the form was drawn, from which the policy learns how long the
    poster took.
    """

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
            for name in ("name", "email", "url"):
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("rendered", signing.dumps(time.time(), salt=TIMESTAMP_SALT))

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

    def submission(self, *, ip_address, user_agent):
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
        return Submission(
            comment=comment,
            honeypot=data.get("homepage", ""),
            elapsed=self.elapsed(),
            from_form=True,
        )

    def elapsed(self):
        """Seconds since the form was drawn, or None when the stamp is missing or forged."""
        try:
            rendered = signing.loads(self.data.get("rendered", ""), salt=TIMESTAMP_SALT)
        except signing.BadSignature:
            return None
        try:
            return max(0.0, time.time() - float(rendered))
        except (TypeError, ValueError):
            return None


def _visible(text):
    """True when the text has something a reader can see (not only spaces or invisible marks)."""
    return any(
        not character.isspace() and unicodedata.category(character) not in ("Cf", "Cc", "Zs")
        for character in text
    )
