from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blog.models import Post
from blog.site import absolute_url
from blog.views import post_context

from .avatars import draw_identicon, is_issued
from .client_ip import client_ip
from .editing import NotYours, apply_edit, check_may_change, delete_own, editable_until
from .forms import CommentForm, EditCommentForm
from .middleware import defer_threads
from .models import Comment
from .pages import ThreadHidden, comment_url, load_thread
from .policy import get_policy
from .posting import CommentRefused, FormAlreadyUsed, LikeRefused, like_comment, post_comment
from .viewer import (
    commenter_token_email,
    forget_details,
    liker_token,
    pending_ids,
    remember_commenter,
    remember_details,
    remember_liker,
    remember_own,
    remember_pending,
)


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
        comment = post_comment(
            submission, policy=policy, wants_replies=form.cleaned_data.get("notify", False)
        )
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
        remember_own(request, response, comment)
        # "Remember me" needs the tick: without it nothing is stored (and an earlier
        # consent is withdrawn).
        if form.cleaned_data.get("remember"):
            remember_details(response, form.cleaned_data)
        else:
            forget_details(response)
    return response


def _own_comment(request, pk):
    """The comment and why this viewer may not change it (None when they may)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    try:
        check_may_change(comment, request)
    except NotYours as refusal:
        return comment, str(refusal)
    return comment, None


def _refused(request, comment, message, *, status=403):
    context = {"comment": comment, "message": message, "post": comment.post}
    return render(request, "comments/cannot_change.html", context, status=status)


def edit(request, pk):
    """The author's edit of their own comment (a page of its own: works without JavaScript)."""
    comment, problem = _own_comment(request, pk)
    if problem:
        return _refused(request, comment, problem)
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                apply_edit(comment, form.cleaned_data["body"])
            except CommentRefused as refused:
                form.add_error(None, refused.refusal.message)
                status = refused.refusal.status_code
            else:
                if comment.status == Comment.Status.PENDING:
                    remember_pending(request, comment)
                    messages.info(request, "Your edit is saved and waits for a moderator.")
                else:
                    messages.success(request, "Your edit is saved.")
                return redirect(comment_url(comment))
        else:
            status = 400
    context = {
        "comment": comment,
        "post": comment.post,
        "form": form,
        "until": editable_until(comment),
    }
    return render(request, "comments/edit.html", context, status=status)


def delete(request, pk):
    """The author takes back their own comment (asks first; POST does it)."""
    comment, problem = _own_comment(request, pk)
    if problem:
        return _refused(request, comment, problem)
    if request.method == "POST":
        post = comment.post
        delete_own(comment)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{post.get_absolute_url()}#comments")
    return render(request, "comments/delete.html", {"comment": comment, "post": comment.post})


@csrf_exempt
@require_POST
def like(request, pk):
    """Like a published comment once (one per browser or account), then back to it.

    The Like form is part of the comment's stored HTML, shared by every reader, so it cannot
    carry a CSRF token; a request sent by another site is refused by its Origin (browsers send
    one with every cross-site POST) or Sec-Fetch-Site header instead. A script asking for
    JSON (static/js/likes.js) gets the new count rather than a redirect.
    """
    if not _same_origin(request):
        return HttpResponseForbidden("Likes are accepted from this site's pages only.")
    comment = get_object_or_404(Comment.objects.published().select_related("post"), pk=pk)
    user = request.user if request.user.is_authenticated else None
    token = liker_token(request)
    voter = f"user:{user.pk}" if user else f"browser:{token}"
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        added = like_comment(comment, voter=voter, ip_address=client_ip(request))
    except LikeRefused as refused:
        if wants_json:
            return JsonResponse({"error": refused.message}, status=refused.status_code)
        return HttpResponse(refused.message, status=refused.status_code, content_type="text/plain")
    if wants_json:
        response = JsonResponse(
            {"likes": comment.like_count if added else _likes(comment), "added": added}
        )
    else:
        if not added:
            messages.info(request, "You had already liked this comment.")
        response = redirect(comment_url(comment))
    if user is None:
        remember_liker(response, token)
    return response


def _likes(comment):
    return Comment.objects.filter(pk=comment.pk).values_list("like_count", flat=True)[0]


def _same_origin(request):
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}"


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


def thread(request, pk):
    """A thread page: a comment and the replies the post page folds ("Continue this
    thread"), in pages of settings.COMMENTS_THREAD_PAGE comments. Not for search engines
    (noindex): the post page is the discussion's canonical address."""
    anchor = get_object_or_404(
        Comment.objects.select_related("post", "post__author").filter(
            post__in=Post.objects.published()
        ),
        pk=pk,
    )
    try:
        page = load_thread(anchor, number=_page_number(request), pending_ids=pending_ids(request))
    except ThreadHidden:
        raise Http404("No such comment.") from None
    post = anchor.post
    context = {
        "post": post,
        "anchor": anchor,
        "thread": page,
        "threads": defer_threads(request, page),
        "back_url": comment_url(page.top_comment),
        "canonical_url": absolute_url(post.get_absolute_url(), request),
    }
    return render(request, "comments/thread.html", context)


def _page_number(request):
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    return max(1, number)
