import secrets
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import JSONObject, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .markup import plain_text, render_markdown


def new_stamp():
    """A random 62-bit number for cache keys (Post.comments_stamp, Comment.thread_stamp)."""
    return secrets.randbits(62)


class DatabaseNow(Now):
    """The database's current time. On SQLite, whose clock reads milliseconds, the last
    microsecond of the millisecond: a post stored at 12:00:00.123456 is public when the
    database reads 12:00:00.123, as it is for Python's clock."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="STRFTIME('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%f999', 'NOW')",
            **extra_context,
        )


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts a visitor may read: published, with a publication time in the past.

        A scheduled post becomes visible by itself once its time has come. The time is the
        database's (Now()), so a queryset built once stays right (blog.views.post_page_queryset).
        """
        return self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED],
            published_at__lte=DatabaseNow(),
        )

    def for_listing(self):
        return self.select_related("author").prefetch_related("categories")

    def for_page(self):
        """What the post page shows besides the post: its author (categories and tags come
        with load_terms(), in one query for both)."""
        return self.select_related("author")

    def with_neighbours(self):
        """Each post with the title and slug of the public posts published just before and
        just after it (Post.adjacent reads them), in the same query."""
        annotations = {}
        for side, earlier in (("previous", True), ("next", False)):
            neighbour = _neighbour_query(
                models.OuterRef("published_at"), models.OuterRef("pk"), earlier=earlier
            )
            link = JSONObject(title="title", slug="slug")
            annotations[f"_{side}"] = models.Subquery(
                neighbour.values(link=link)[:1], output_field=models.JSONField()
            )
        return self.annotate(**annotations)

    def publish(self, now=None):
        """Make the selected posts public now; returns how many were not public before.

        Posts without a date, or dated in the future, get the current time as their date;
        posts that already had a past date keep it.
        """
        now = now or timezone.now()
        newly_public = self.count() - self.published().count()
        self.filter(models.Q(published_at__isnull=True) | models.Q(published_at__gt=now)).update(
            status=Post.Status.PUBLISHED, published_at=now
        )
        self.exclude(status=Post.Status.PUBLISHED).update(status=Post.Status.PUBLISHED)
        _site_changed()
        return newly_public

    def unpublish(self):
        """Turn the selected posts back into drafts; returns how many changed."""
        changed = self.exclude(status=Post.Status.DRAFT).update(status=Post.Status.DRAFT)
        _site_changed()
        return changed


def _site_changed():
    # update() sends no signal; the cached post pages show the neighbours' links.
    from .page_cache import site_changed

    site_changed()


def _neighbour_query(published_at, pk, *, earlier):
    """The public posts before (or after) the given position, nearest first."""
    if earlier:
        condition = models.Q(published_at__lt=published_at) | models.Q(
            published_at=published_at, pk__lt=pk
        )
        order = ("-published_at", "-pk")
    else:
        condition = models.Q(published_at__gt=published_at) | models.Q(
            published_at=published_at, pk__gt=pk
        )
        order = ("published_at", "pk")
    return Post.objects.published().filter(condition).order_by(*order)


# The columns of the UNION ALL that reads terms (load_terms) and, with them, the site's menu,
# links and settings (blog/site.py): which rows they are, the post a term belongs to, and
# the model's own fields; rows come in (position, name, pk) order.
HEAD_COLUMNS = ("kind", "post", "pk", "position", "name", "slug", "description")


def head_rows(queryset, **columns):
    """`queryset` as rows of HEAD_COLUMNS: each column a field name, an expression, or (left
    out) empty."""
    defaults = {
        "post": models.Value(None, output_field=models.IntegerField()),
        "position": models.Value(0),
        "name": models.Value(""),
        "slug": models.Value(""),
        "description": models.Value(""),
    }
    columns = {**defaults, "pk": "pk", **columns}
    # Annotated under names of their own: a column may be a field of another name.
    annotations = {
        f"head_{name}": models.F(value) if isinstance(value, str) else value
        for name, value in columns.items()
    }
    return (
        queryset.annotate(**annotations)
        .order_by()
        .values_list(*(f"head_{name}" for name in HEAD_COLUMNS))
    )


def term_rows(pks):
    """The categories and tags of the posts with these pks, as head_rows()."""
    return [
        head_rows(
            Category.objects.filter(posts__pk__in=pks),
            kind=models.Value("c"),
            post="posts__pk",
            name="name",
            slug="slug",
            description="description",
        ),
        head_rows(
            Tag.objects.filter(posts__pk__in=pks),
            kind=models.Value("t"),
            post="posts__pk",
            name="name",
            slug="slug",
        ),
    ]


def head_union(querysets):
    """The UNION ALL of these head_rows() querysets, in (position, name, pk) order."""
    first, *rest = querysets
    return first.union(*rest, all=True).order_by("head_position", "head_name", "head_pk")


def read_head(querysets):
    """Named rows of head_union(querysets), in one query."""
    return [HeadRow(*row) for row in head_union(querysets)]


class HeadRow(NamedTuple):
    kind: str
    post: int | None
    pk: int
    position: int
    name: str
    slug: str
    description: str


def load_terms(posts, rows=None):
    """Fill the categories and tags of these posts (as prefetch_related would) with ONE query,
    a UNION ALL of the two joins, in the order of both models' Meta (by name). `rows`: the
    term_rows() already read (with the site's, blog/site.py)."""
    posts = [post for post in posts if getattr(post, "pk", None) is not None]
    if not posts:
        return
    if rows is None:
        rows = read_head(term_rows([post.pk for post in posts]))
    found = {(post.pk, kind): [] for post in posts for kind in "ct"}
    for row in rows:
        if row.kind == "c":
            term = Category(pk=row.pk, name=row.name, slug=row.slug, description=row.description)
        elif row.kind == "t":
            term = Tag(pk=row.pk, name=row.name, slug=row.slug)
        else:
            continue
        found[(row.post, row.kind)].append(term)
    for post in posts:
        for kind, name in (("c", "categories"), ("t", "tags")):
            queryset = getattr(post, name).all()
            queryset._result_cache = found[(post.pk, kind)]
            queryset._prefetch_done = True
            post._prefetched_objects_cache = getattr(post, "_prefetched_objects_cache", {})
            post._prefetched_objects_cache[name] = queryset


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="Shown in the site menu.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The last part of the section's web address."
    )
    description = models.TextField(blank=True, help_text="Shown at the top of the category page.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True, help_text="Shown under posts.")
    slug = models.SlugField(
        max_length=60, unique=True, help_text="The last part of the tag's web address."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    class ModerationMode(models.TextChoices):
        DEFAULT = "default", "The site's rules"
        HOLD = "hold", "Hold every comment for review"
        CLOSED = "closed", "Closed: no new comments"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of the post's web address."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline and in post lists."
    )
    body = models.TextField(
        help_text="Markdown. Headings, lists, quotes, links, images, code, "
        "and YouTube or Vimeo links on a line of their own become videos."
    )
    body_html = models.TextField(editable=False, blank=True)
    # The body as plain text, what search indexes and quotes in its snippets (blog/search.py).
    # A database default too, so rows written by code that predates the column still insert.
    body_text = models.TextField(editable=False, blank=True, default="", db_default="")
    # PostgreSQL's stored search vector (GIN index made by migration 0004); unused on SQLite,
    # where the FTS5 table blog_post_fts holds the index instead.
    search_vector = SearchVectorField(null=True, editable=False)
    source = models.CharField(
        max_length=120, blank=True, help_text="Who filed the report, e.g. a news agency."
    )
    dateline = models.CharField(
        max_length=80, blank=True, help_text="Place the story was filed from, e.g. DAMASCUS."
    )
    cover_image = models.ImageField(
        upload_to="covers/%Y/%m/", blank=True, help_text="JPEG, PNG or WebP, at most 10 MB."
    )
    cover_alt = models.CharField(
        max_length=250, blank=True, help_text="Describe the picture for people who cannot see it."
    )
    # The three fields below are filled by blog.images.process_cover(), which the admin and
    # the demo command call when a cover is uploaded (it is too heavy for save()).
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Scheduled posts appear by themselves at their publication time.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the post goes (or went) public."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    comments_enabled = models.BooleanField(
        default=True, help_text="Untick to close the discussion under this post."
    )
    comments_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Optional: the discussion closes by itself at this time."
    )

    moderation_mode = models.CharField(
        "moderation",
        max_length=10,
        choices=ModerationMode.choices,
        default=ModerationMode.DEFAULT,
        # Also a database default: rows inserted by code that predates the field stay valid.
        db_default=ModerationMode.DEFAULT,
        help_text="The site's rules; every new comment held for a moderator (a sensitive story); "
        "or closed, with a notice in place of the comment form.",
    )
    # Kept up to date by the comments app whenever a comment is posted or changes status,
    # so lists of posts show counts without a query per post.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # The number of threads the public sees (top-level comments with something public in
    # their thread), kept with comment_count by the comments app, so that a page of the
    # discussion knows how many pages there are, and reaches the last ones from the end,
    # without counting thousands of threads. NULL (posts from before the field) means "not
    # counted yet": the page then counts them itself.
    thread_count = models.PositiveIntegerField(null=True, default=0, editable=False)
    # A new random number whenever the post's list of threads may have changed (a comment
    # added, moderated, deleted, featured...): the cached page index and featured list of the
    # discussion are keyed by it (comments/caching.py). Random, not a counter, so that a
    # reused primary key never meets an old cache entry. The database default serves rows
    # written without it (an app server of the previous release, during a rolling deploy).
    comments_stamp = models.BigIntegerField(default=new_stamp, db_default=0, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="post_published_has_date",
                violation_error_message="A scheduled or published post needs a publication time.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status != self.Status.DRAFT and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        self.body_text = plain_text(self.body_html)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def get_preview_url(self):
        return reverse("blog:post_preview", kwargs={"pk": self.pk})

    @property
    def is_public(self):
        return (
            self.status != self.Status.DRAFT
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def was_updated(self):
        """True when the article changed noticeably after it went public."""
        if not self.published_at or not self.updated_at:
            return False
        return (self.updated_at - self.published_at).total_seconds() > 60 * 10

    @property
    def primary_category(self):
        """The first category by name: the one "Read more in ..." points to."""
        categories = list(self.categories.all())
        return categories[0] if categories else None

    def previous_published(self):
        """The public post published just before this one, or None."""
        return _neighbour_query(self.published_at, self.pk, earlier=True).first()

    def next_published(self):
        """The public post published just after this one, or None."""
        return _neighbour_query(self.published_at, self.pk, earlier=False).first()

    def adjacent(self):
        """(previous, next): the public posts published just before and after this one, each
        a Post with its title and slug (enough for a link) or None.

        Free when the post came from with_neighbours() (the post page); otherwise one query
        for both."""
        if not hasattr(self, "_previous"):
            row = (
                Post.objects.filter(pk=self.pk).with_neighbours().values("_previous", "_next")
            ).first() or {}
            self._previous, self._next = row.get("_previous"), row.get("_next")
        return tuple(
            Post(title=link["title"], slug=link["slug"]) if link else None
            for link in (self._previous, self._next)
        )

    @cached_property
    def cover(self):
        """What the <picture> element needs, from the stored renditions (no file access)."""
        if not self.cover_image or not self.cover_renditions:
            return None
        storage = self.cover_image.storage
        renditions = self.cover_renditions
        largest = renditions[-1]
        fallback = next((r for r in renditions if r["width"] >= 960), largest)
        return {
            "webp_srcset": ", ".join(f"{storage.url(r['webp'])} {r['width']}w" for r in renditions),
            "jpeg_srcset": ", ".join(f"{storage.url(r['jpeg'])} {r['width']}w" for r in renditions),
            "src": storage.url(fallback["jpeg"]),
            "width": fallback["width"],
            "height": fallback["height"],
            "largest_url": storage.url(largest["jpeg"]),
            "largest_width": largest["width"],
            "largest_height": largest["height"],
        }

    def comments_open(self, now=None):
        now = now or timezone.now()
        if not self.comments_enabled or self.moderation_mode == self.ModerationMode.CLOSED:
            return False
        return not (self.comments_close_at and self.comments_close_at <= now)


class SiteSettings(models.Model):
    """The one row of site-wide settings that editors change in admin."""

    site_name = models.CharField(
        max_length=100, default="The Threadline", help_text="Shown at the top of every page."
    )
    tagline = models.CharField(
        max_length=200,
        blank=True,
        default="Reporting and discussion",
        help_text="A short line under the site name.",
    )
    about = models.TextField(
        blank=True,
        default="An independent publication with a well-kept discussion under every article.",
        help_text="A short paragraph shown in the footer.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SocialLink(models.Model):
    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        YOUTUBE = "youtube", "YouTube"
        SOUNDCLOUD = "soundcloud", "SoundCloud"
        INSTAGRAM = "instagram", "Instagram"
        MASTODON = "mastodon", "Mastodon"
        RSS = "rss", "RSS feed"
        OTHER = "other", "Other"

    settings = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="links")
    network = models.CharField(
        max_length=20, choices=Network.choices, help_text="Used as the link's label."
    )
    url = models.URLField(help_text="Full address, e.g. https://www.youtube.com/@example.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Links are listed from the lowest number up."
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_network_display()}: {self.url}"
