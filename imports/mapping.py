"""Mapping exported people, terms and fields onto the blog's rows, shared by both importers.

Users are created inactive with no usable password (they can be given one in admin), and
found again by their source record, their login or their e-mail. Categories and tags are
found by their record or their slug; WordPress nests categories and the blog does not, so
they are flattened (a name already used by another category gets its parent's name added).
"""

import hashlib
import ipaddress
import re
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify

from blog.models import Category
from comments.models import Comment

from .models import SourceRecord

NAME_MAX = Comment._meta.get_field("name").max_length
URL_MAX = Comment._meta.get_field("url").max_length


def fingerprint(*values):
    return hashlib.sha1(repr(values).encode()).hexdigest()  # noqa: S324 (not security)


def clean_email(value):
    value = (value or "").strip()
    if not value or len(value) > 254:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def clean_url(value):
    value = (value or "").strip()
    if value.lower().startswith(("http://", "https://")) and len(value) <= URL_MAX:
        return value
    return ""


def clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def clean_name(value):
    return re.sub(r"\s+", " ", value or "").strip()[:NAME_MAX]


def make_slug(value, *, max_length, fallback):
    """An ASCII slug (the blog's addresses take [-a-zA-Z0-9_]) from a WordPress slug or name."""
    slug = slugify(unquote(value or ""))[:max_length].strip("-")
    return slug or fallback[:max_length]


def link_key(url):
    """An address without scheme, host or trailing slash, to match links across sites."""
    parts = urlsplit((url or "").strip())
    path = unquote(parts.path).rstrip("/")
    return f"{path}?{parts.query}" if parts.query else path


def find_record(source, site, kind, source_id):
    return (
        SourceRecord.objects.filter(source=source, site=site, kind=kind, source_id=source_id)
        .select_related(kind)
        .first()
    )


class People:
    """Users by login for one import, created or matched once each."""

    def __init__(self, source, site, summary):
        self.source, self.site, self.summary = source, site, summary
        self.known = {}  # login -> user
        self.profiles = {}  # login -> dict(email, first_name, last_name)
        self.logins_by_id = {}  # the source's user id -> login

    def describe(self, login, *, source_id="", email="", first_name="", last_name=""):
        login = login.strip()
        if not login:
            return
        self.profiles[login] = {
            "email": clean_email(email),
            "first_name": first_name.strip()[:150],
            "last_name": last_name.strip()[:150],
        }
        if source_id:
            self.logins_by_id[source_id] = login

    def by_source_id(self, source_id):
        login = self.logins_by_id.get((source_id or "").strip())
        return self.get(login) if login else None

    def get(self, login):
        login = (login or "").strip()[:150]
        if not login:
            return None
        if login in self.known:
            return self.known[login]
        User = get_user_model()
        profile = self.profiles.get(login, {"email": "", "first_name": "", "last_name": ""})
        record = find_record(self.source, self.site, SourceRecord.Kind.USER, login)
        if record is not None:
            self.summary.count("user", "unchanged", "matched by source id")
            user = record.user
        else:
            user = User.objects.filter(username__iexact=login).first()
            if user is None and profile["email"]:
                user = User.objects.filter(email__iexact=profile["email"]).first()
            if user is not None:
                self.summary.count("user", "unchanged", "matched by login or e-mail")
            else:
                user = User(username=login, is_active=False, **profile)
                user.set_unusable_password()
                user.save()
                self.summary.count("user", "created", "inactive, no password")
            SourceRecord.objects.create(
                source=self.source, site=self.site, kind="user", source_id=login, user=user
            )
        self.known[login] = user
        return user


class Terms:
    """Categories or tags by slug for one import."""

    def __init__(self, source, site, summary, model):
        self.source, self.site, self.summary, self.model = source, site, summary, model
        self.kind = "category" if model is Category else "tag"
        self.known = {}
        self.described = {}  # slug -> (name, parent slug, description)

    def describe(self, nicename, name, parent="", description=""):
        slug = self._slug(nicename, name)
        self.described[slug] = (name.strip(), parent.strip(), description.strip())
        return slug

    def _slug(self, nicename, name):
        max_length = self.model._meta.get_field("slug").max_length
        # A name with no ASCII letters (日本) still needs a slug of its own.
        digest = hashlib.sha1((nicename or name).encode()).hexdigest()[:8]  # noqa: S324
        return make_slug(nicename or name, max_length=max_length, fallback=f"{self.kind}-{digest}")

    def get(self, nicename, name=""):
        slug = self._slug(nicename, name)
        if slug in self.known:
            return self.known[slug]
        name_max = self.model._meta.get_field("name").max_length
        stored_name, parent, description = self.described.get(slug, (name.strip(), "", ""))
        stored_name = (stored_name or name or slug).strip()[:name_max]
        record = find_record(self.source, self.site, self.kind, slug)
        if record is not None:
            term = getattr(record, self.kind)
            self.summary.count(self.kind, "unchanged")
        else:
            term = self.model.objects.filter(slug=slug).first()
            if term is not None:
                self.summary.count(self.kind, "unchanged", "matched by slug")
            else:
                if self.model.objects.filter(name=stored_name).exists():
                    parent_name = self.described.get(parent, (parent,))[0] or slug
                    stored_name = f"{stored_name} ({parent_name})"[:name_max]
                if self.model.objects.filter(name=stored_name).exists():
                    stored_name = f"{stored_name[: name_max - len(slug) - 3]} ({slug})"
                fields = {"name": stored_name, "slug": slug}
                if self.model is Category:
                    fields["description"] = description
                term = self.model.objects.create(**fields)
                self.summary.count(self.kind, "created")
                if parent:
                    self.summary.note(
                        "Sub-categories flattened (the blog has one level of categories)",
                        f"{term.name} (was under {self.described.get(parent, (parent,))[0]})",
                    )
            SourceRecord.objects.create(
                source=self.source,
                site=self.site,
                kind=self.kind,
                source_id=slug,
                **{self.kind: term},
            )
        self.known[slug] = term
        return term
