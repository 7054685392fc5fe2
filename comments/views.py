from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from blog.models import Post
from blog.views import post_context

from .avatars import draw_identicon, is_issued
from .client_ip import client_ip
from .forms import CommentForm
from .models import Comment
from .pages import comment_url
from .policy import get_policy
from .posting import CommentRefused, FormAlreadyUsed, post_comment
from .viewer import commenter_token_email, remember_commenter, remember_pending


@require_POST
def new_comment(request, post_id):
    """Validate, store, redirect to the new comment (Post/Redirect/Get)."""
    post = get_object_or_404(Post.objects.published().select_related("author"), pk=post_id)
    form = CommentForm(request.POST, post=post, user=request.user)
    policy = get_policy()
    if not policy.comments_open(post):
        return _post_page_with_form(request, post, form, status=403)
    if not form.is_valid():
        return _post_page_with_form(request, post, form, status=400)
    submission = form.submission(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        token_email=commenter_token_email(request),
    )
    try:
        comment = post_comment(submission, policy=policy)
    except CommentRefused as refused:
        if isinstance(refused, FormAlreadyUsed):
            form.renew_stamp()
        form.add_error(None, refused.refusal.message)
        return _post_page_with_form(request, post, form, status=refused.refusal.status_code)
    if comment.status == Comment.Status.PENDING:
        remember_pending(request, comment)
    response = redirect(comment_url(comment))
    if comment.user_id is None:
        remember_commenter(response, comment)
    return response


def _post_page_with_form(request, post, form, *, status):
    """The post page with this bound form in its comment section, so the errors appear next
    to the fields and the typed text is kept (comments/templatetags/comments.py)."""
    context = {"post": post, "comment_form": form, **post_context(post, request)}
    return render(request, "blog/post_detail.html", context, status=status)


def permalink(request, pk):
    """Redirect to the page of the discussion that shows this (public) comment."""
    comment = get_object_or_404(Comment.objects.published().select_related("post"), pk=pk)
    return redirect(comment_url(comment))


@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def avatar(request, key, signature):
    if not is_issued(key, signature):
        raise Http404("No such picture.")
    return HttpResponse(draw_identicon(key), content_type="image/png")
