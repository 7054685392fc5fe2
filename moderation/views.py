from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from comments.client_ip import client_ip
from comments.models import Comment

from .actions import record_report
from .forms import ReportForm
from .models import ModerationSettings, Report

SESSION_KEY = "moderation_reported"


@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """Let a reader flag a published comment; enough reports send it back to the queue."""
    comment = get_object_or_404(Comment.objects.published().select_related("post"), pk=pk)
    back = comment.get_absolute_url()
    if _already_reported(request, comment):
        messages.info(request, "You have already reported this comment. Thank you.")
        return redirect(back)

    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        config = ModerationSettings.load()
        if _too_many_reports(request, config.reports_per_hour):
            form.add_error(
                None,
                "You have sent a lot of reports in the last hour. "
                "Please try again later; moderators are looking at them.",
            )
            status = 429
        elif form.is_valid():
            if not request.session.session_key:
                request.session.save()
            held = record_report(
                comment,
                reason=form.cleaned_data["reason"],
                request=request,
                threshold=config.report_threshold,
            )
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), comment.pk]
            messages.success(
                request, "Thank you. Moderators will look at the comment you reported."
            )
            # A comment back in the queue has no public permalink any more: go to its post.
            return redirect(comment.post.get_absolute_url() if held else back)
        else:
            status = 400
    context = {"comment": comment, "form": form, "back": back}
    return render(request, "moderation/report.html", context, status=status)


def _reader_filter(request):
    """Reports made by this reader: same session, same signed-in user or same IP address."""
    condition = Q(pk__in=[])
    if request.session.session_key:
        condition |= Q(session_key=request.session.session_key)
    if request.user.is_authenticated:
        condition |= Q(user=request.user)
    ip = client_ip(request)
    if ip:
        condition |= Q(ip_address=ip)
    return condition


def _already_reported(request, comment):
    if comment.pk in request.session.get(SESSION_KEY, []):
        return True
    return Report.objects.filter(_reader_filter(request), comment=comment).exists()


def _too_many_reports(request, per_hour):
    since = timezone.now() - timedelta(hours=1)
    return Report.objects.filter(_reader_filter(request), created_at__gte=since).count() >= per_hour
