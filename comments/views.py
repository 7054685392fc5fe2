from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import resolve
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from blog.models import Post

from .avatars import avatar_png
from .client_ip import client_ip
from .forms import CommentForm
from .models import Comment
from .policy import get_policy
from .posting import CommentRefused, post_comment
from .rendering import comment_url, remember_pending


@require_POST
def new_comment(request, post_id):
    """Validate, store, redirect to the new comment (Post/Redirect/Get)."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    form = CommentForm(request.POST, post=post, user=request.user)
    if not get_policy().comments_open(post):
        return _post_page_with_form(request, post, form, status=403)
    if not form.is_valid():
        return _post_page_with_form(request, post, form, status=400)
    data = form.cleaned_data
    try:
        comment = post_comment(
            post=post,
            parent=form.parent_comment,
            user=request.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            url=data.get("url", ""),
            body=data["body"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            honeypot=data.get("homepage", ""),
            elapsed=form.elapsed(),
            request=request,
        )
    except CommentRefused as refused:
        form.add_error(None, refused.refusal.message)
        return _post_page_with_form(request, post, form, status=refused.refusal.status_code)
    if comment.status == Comment.Status.PENDING:
        remember_pending(request, comment)
    return redirect(comment_url(comment))


def _post_page_with_form(request, post, form, *, status):
    """The post page itself, drawn by the blog's own view, with this bound form in it.

    The comment section (comments/templatetags/comments.py) picks the form up from the
    request, so the errors appear next to the fields and the typed text is kept.
    """
    request.comment_form = form
    request.method = "GET"
    match = resolve(post.get_absolute_url())
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    response.status_code = status
    return response


def permalink(request, pk):
    """Redirect to the page of the discussion that shows this (public) comment."""
    comment = get_object_or_404(
        Comment.objects.public().select_related("post"),
        pk=pk,
        post__in=Post.objects.published(),
    )
    return redirect(comment_url(comment))


@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def avatar(request, key):
    return HttpResponse(avatar_png(key), content_type="image/png")
