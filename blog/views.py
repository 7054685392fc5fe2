"""Reading pages. Every list and detail starts from Post.objects.published()."""

from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import ArchiveIndexView, DetailView, ListView
from django.views.generic.dates import MonthArchiveView, YearArchiveView

from .models import Category, Post, Tag, load_terms
from .prepared import Prepared
from .search import search
from .site import absolute_url, site_context_and_terms


class PublishedPostsMixin:
    """What every list of posts shares: the visibility rule, order and page size."""

    date_field = "published_at"
    # published() already leaves out posts dated in the future; the date views must not
    # apply a second, different rule of their own.
    allow_future = True
    allow_empty = True
    ordering = ("-published_at", "-pk")
    context_object_name = "posts"
    template_name = "blog/post_list.html"

    def get_queryset(self):
        return Post.objects.published().for_listing()

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE


class HomeView(PublishedPostsMixin, ArchiveIndexView):
    template_name = "blog/home.html"


class CategoryView(PublishedPostsMixin, ListView):
    template_name = "blog/category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(categories=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagView(PublishedPostsMixin, ListView):
    template_name = "blog/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(PublishedPostsMixin, ListView):
    template_name = "blog/author.html"
    # Someone with no public posts has no author page: staff accounts are not listed.
    allow_empty = False

    def get_queryset(self):
        username = self.kwargs["username"]
        if "\x00" in username:
            # No username holds one, and PostgreSQL refuses NUL in a query (a 500).
            raise Http404("No such author.")
        self.author = get_object_or_404(get_user_model(), username=username)
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class YearView(PublishedPostsMixin, YearArchiveView):
    template_name = "blog/archive_year.html"
    make_object_list = True


class MonthView(PublishedPostsMixin, MonthArchiveView):
    template_name = "blog/archive_month.html"
    month_format = "%m"


class PostDetailView(DetailView):
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        return post_page_queryset()

    def get_object(self, queryset=None):
        # Read already when the whole-page cache looked for the page (blog/page_cache.py).
        post = getattr(self.request, "page_post", None) or page_post(self.kwargs["slug"])
        if post is None:
            raise Http404("No post found at this address.")
        # Its terms with the site's menu, links and settings (blog/site.py), which the
        # context processor then finds.
        self.request.site_context = site_context_and_terms([post])
        return post

    def get_context_data(self, **kwargs):
        return super().get_context_data(**post_context(self.object, self.request), **kwargs)


@lru_cache(maxsize=1)
def _post_page_queryset():
    return Post.objects.published().for_page().with_neighbours()


def post_page_queryset():
    """The public posts as their page reads them: the neighbours' links come with the post
    itself (Post.adjacent). Built once per process (published() compares with the
    database's time): building its subqueries cost more than running them, on every view
    and every whole-page cache hit."""
    return _post_page_queryset().all()


def page_post(slug):
    """The post as its page shows it, or None: the one read of the post row, for the
    whole-page cache's key (blog/page_cache.py) and for the view. Compiled once
    (blog.prepared): its neighbours' subqueries cost ten times more to compile than to run."""
    found = _PAGE_POST.objects([slug])
    return found[0] if found else None


_PAGE_POST = Prepared(lambda slug: post_page_queryset().filter(slug=slug[0])[:1])


def search_view(request):
    """/search/?q=: published posts by relevance, ten a page, with highlighted snippets."""
    raw = request.GET.get("q", "")
    page_number = request.GET.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() and len(page_number) < 7 else 1
    results = search(raw, page_number=max(1, page_number))
    return render(request, "blog/search.html", {"results": results, "query": results.query})


def post_preview(request, pk):
    """Any post, draft or scheduled, as it will look; for staff only, a 404 for others."""
    if not request.user.is_staff:
        raise Http404("No such page.")
    post = get_object_or_404(Post.objects.for_page(), pk=pk)
    load_terms([post])
    context = {"post": post, "preview": True, **post_context(post, request)}
    return render(request, "blog/post_detail.html", context)


def post_context(post, request=None):
    previous_post, next_post = post.adjacent() if post.is_public else (None, None)
    return {
        "canonical_url": absolute_url(post.get_absolute_url(), request),
        "previous_post": previous_post,
        "next_post": next_post,
    }


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    icon drawn for the site (static/favicon.ico) at its static address, which may be hashed."""
    response = redirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def robots_txt(request):
    context = {
        "sitemap_url": absolute_url(reverse("sitemap"), request),
        "news_sitemap_url": absolute_url(reverse("sitemap_news"), request),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the database may be what failed, so nothing here may query it.
    return HttpResponseServerError(loader.get_template("500.html").render())


# The 400 and 403 pages are drawn without the request for two reasons. Django's own views
# carry @requires_csrf_token, which runs the CSRF check again: when the request body is what
# was wrong (a charset Django cannot decode), that second read raises inside the error
# handler and every POST answered 500. And a request we refuse should cost no database query.


def bad_request(request, exception):
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def permission_denied(request, exception):
    return HttpResponseForbidden(loader.get_template("403.html").render())


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: an expired or missing form token, in the site's style."""
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render())
