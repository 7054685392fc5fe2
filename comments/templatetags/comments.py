from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from blog.prepared import Prepared
from comments import caching
from comments.editing import editable_until, own_changeable
from comments.forms import CommentForm
from comments.middleware import defer_threads
from comments.models import Comment
from comments.pages import DEFAULT_ORDER, ORDERS, clean_order, load_page, page_of
from comments.policy import get_policy
from comments.posting import parent_problem
from comments.viewer import pending_ids, remembered_details

register = template.Library()


SECTION = "comments/section.html"


@register.simple_tag(takes_context=True)
def comment_section(context, post):
    """The whole discussion under a post: one page of threads, paging, ordering and the form,
    drawn with Jinja2 (templates/jinja2/comments/section.html; with Django's engine the
    section cost as much as the rest of the page around it).

    Reads ?cpage=, ?corder= and ?replyto= from the request. After a failed POST, the view in
    comments/views.py puts the bound form in the context as `comment_form`, and the page is
    served at the posting address.
    """
    request = context["request"]
    user = context.get("user") or getattr(request, "user", None)
    is_open = get_policy().comments_open(post)
    order = clean_order(request.GET.get("corder"))
    number = _positive_int(request.GET.get("cpage"))
    form = context.get("comment_form")
    replying_to = None
    replyto_error = ""
    link_base = ""
    if form is not None:
        # Served at the posting address, where "?replyto=..." would not resolve.
        link_base = post.get_absolute_url()
        parent_id = _positive_int(form.data.get("parent"))
        if parent_id:
            replying_to = Comment.objects.public().filter(post=post, pk=parent_id).first()
        if replying_to is not None and number is None and order == DEFAULT_ORDER:
            number = page_of(replying_to)
    elif is_open:
        replyto = _positive_int(request.GET.get("replyto"))
        if replyto:
            parent = Comment.objects.filter(pk=replyto).first()
            replyto_error = parent_problem(parent, post) or ""
            if not replyto_error:
                replying_to = parent
                if number is None and order == DEFAULT_ORDER:
                    number = page_of(parent)
        initial = {"parent": replying_to.pk if replying_to else None}
        if not (user and user.is_authenticated):
            # "Remember me": the details this browser asked us to keep (a per-viewer part of
            # the page, like the whole form).
            remembered = remembered_details(request)
            initial.update(remembered, remember=bool(remembered))
        form = CommentForm(post=post, user=user, initial=initial)
    staff = bool(user and user.is_staff and user.has_perm("comments.change_comment"))
    page = load_page(
        post,
        number=number or 1,
        order=order,
        pending_ids=pending_ids(request),
        staff=staff,
        link_base=link_base,
    )
    section = {
        "post": post,
        "post_url": post.get_absolute_url(),
        "page": page,
        "featured": featured_comments(post),
        "threads": defer_threads(request, page),
        "orders": ORDERS.items(),
        "is_open": is_open,
        "form": form,
        "replying_to": replying_to,
        "replyto_error": replyto_error,
        "signed_in_as": user if user is not None and user.is_authenticated else None,
        "own_changeable": [(c, editable_until(c)) for c in own_changeable(post, request)],
    }
    # Django's Jinja2 backend adds the request and its CSRF input.
    html = engines["jinja2"].get_template(SECTION).render(section, request)
    return mark_safe(html)  # noqa: S308 - autoescaped


def featured_comments(post):
    """The post's editors' picks for the "Featured" section, newest pick first: one query,
    or none while the post's comments stamp is unchanged (comments/caching.py)."""

    def picks():
        return _FEATURED.objects([post.pk])

    if not caching.enabled():
        return picks()
    return caching.get_or_set(caching.index_key(post, "featured"), picks)


FEATURED_MAX = 10
# Compiled once (blog.prepared): building it cost ten times what running it does.
_FEATURED = Prepared(
    lambda post: (
        Comment.objects.featured()
        .filter(post_id=post[0])
        .select_related("user")
        .order_by("-featured_at")[:FEATURED_MAX]
    )
)


def _positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
