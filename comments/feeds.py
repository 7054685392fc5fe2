from django.shortcuts import get_object_or_404
from django.urls import reverse

from blog.feeds import Feed
from blog.models import Post

from .formatting import CONTROL_RE
from .models import Comment

FEED_LENGTH = 30


def _xml_text(text):
    """Text without the control characters XML 1.0 cannot carry (older rows may have them)."""
    return CONTROL_RE.sub("", text)


def _public_comments():
    return Comment.objects.published().select_related("post").order_by("-created_at", "-pk")


class LatestCommentsFeed(Feed):
    """The newest approved comments across the site."""

    title = "Latest comments"
    description = "The newest comments on every post."

    def link(self):
        return reverse("blog:home")

    def items(self):
        return _public_comments()[:FEED_LENGTH]

    def item_title(self, item):
        return _xml_text(f"{item.display_name} on “{item.post.title}”")

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return _xml_text(item.display_name)


class PostCommentsFeed(LatestCommentsFeed):
    """The newest approved comments on one post."""

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, obj):
        return _xml_text(f"Comments on “{obj.title}”")

    def description(self, obj):
        return _xml_text(f"The newest comments on “{obj.title}”.")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return _public_comments().filter(post=obj)[:FEED_LENGTH]
