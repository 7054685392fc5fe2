"""The pages behind the signed links in mails, and a commenter's own data.

Every link carries its address, signed (links.py); a forged or expired one is a 400 page
that says so, and nothing changes. Unsubscribe answers RFC 8058's one-click POST (no login,
no CSRF token: the signed link is the proof); a GET shows a page with the same button, so a
mail scanner that follows links unsubscribes nobody.
"""

import json

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.client_ip import client_ip

from . import mydata
from .links import BadLink, link, read_token
from .models import Address, LinkSent, Subscription
from .outbox import queue_mail
from .telling import allowed, lock_sender


def _message(request, title, text, *, status=200, links=()):
    context = {"title": title, "text": text, "links": links}
    return render(request, "notifications/message.html", context, status=status)


def _bad_link(request, error):
    return _message(request, "This link does not work", str(error), status=400)


def _read(request, kind, token):
    try:
        return read_token(kind, token), None
    except BadLink as error:
        return None, _bad_link(request, error)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    data, problem = _read(request, "confirm", token)
    if problem:
        return problem
    email = data["e"]
    address = Address.objects.filter(email=email).first()
    if address is None:
        return _message(request, "Unknown address", "We have nothing for this address.", status=404)
    if request.method == "POST":
        if address.confirmed_at is None:
            Address.objects.filter(pk=address.pk).update(confirmed_at=timezone.now())
        return _message(
            request,
            "Address confirmed",
            f"Thank you. {email} will now get the replies you asked for.",
            links=[("Your notification settings", link("preferences", email))],
        )
    return render(request, "notifications/confirm.html", {"email": email, "token": token})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data, problem = _read(request, "unsubscribe", token)
    if problem:
        return problem
    email, subscription_id = data["e"], data.get("s")
    subscription = None
    if subscription_id is not None:
        subscription = (
            Subscription.objects.filter(pk=subscription_id, email=email)
            .select_related("comment__post")
            .first()
        )
        known = subscription is not None
    else:
        known = Address.objects.filter(email=email).exists()
    if not known:
        return _message(
            request,
            "Nothing to unsubscribe",
            "We send nothing to this address for that link, so nothing was changed.",
            status=404,
        )
    if request.method == "GET":
        context = {"email": email, "subscription": subscription, "token": token}
        return render(request, "notifications/unsubscribe.html", context)
    if subscription is not None:
        Subscription.objects.filter(pk=subscription.pk).update(active=False)
        text = (
            f"You will get no more replies to your comment on “{subscription.comment.post.title}”."
        )
    else:
        Address.objects.filter(email=email).update(unsubscribed_at=timezone.now())
        text = f"{email} will get no more mail from this site."
    return _message(
        request,
        "Unsubscribed",
        text,
        links=[("Your notification settings", link("preferences", email))],
    )


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    data, problem = _read(request, "preferences", token)
    if problem:
        return problem
    email = data["e"]
    address = Address.objects.filter(email=email).first()
    if address is None:
        return _message(request, "Unknown address", "We have nothing for this address.", status=404)
    subscriptions = Subscription.objects.filter(email=email, active=True).select_related(
        "comment__post"
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "stop_all":
            Address.objects.filter(pk=address.pk).update(unsubscribed_at=timezone.now())
            messages.success(request, "No more mail will go to this address.")
        elif action == "resume":
            Address.objects.filter(pk=address.pk).update(unsubscribed_at=None)
            messages.success(request, "Mail you asked for goes to this address again.")
        elif action.startswith("stop:") and action[5:].isdigit():
            changed = subscriptions.filter(pk=int(action[5:])).update(active=False)
            if not changed:
                return _message(request, "Nothing changed", "No such subscription.", status=404)
            messages.success(request, "You will get no more replies to that comment.")
        else:
            return _message(request, "Nothing changed", "Unknown choice.", status=400)
        return redirect(request.path)
    context = {"address": address, "subscriptions": subscriptions, "token": token}
    return render(request, "notifications/preferences.html", context)


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label="The e-mail address you commented with",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter a valid e-mail address, like name@example.com."},
    )


DATA_LINK_SENT = (
    "If comments were posted with that address, a link to them is on its way to it. "
    "The link works for a day."
)


def data_request(request):
    """Ask for a signed link (by e-mail) to the page of one's own comments."""
    form = DataRequestForm(request.POST or None, label_suffix="")
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "notifications/data_request.html", {"form": form}, status=400)
        email = form.cleaned_data["email"].strip().lower()
        # The same answer whether or not the address commented: no oracle.
        if mydata.comments_of(email).exists():
            _send_data_link(email, client_ip(request))
        return _message(request, "Check your inbox", DATA_LINK_SENT)
    return render(request, "notifications/data_request.html", {"form": form})


def _send_data_link(email, ip_address):
    with transaction.atomic():
        lock_sender(f"address:{email}", f"ip:{ip_address or ''}")
        ok = allowed(
            LinkSent.Kind.DATA,
            email,
            ip_address,
            per_email=3,
            email_window=timezone.timedelta(days=1),
            per_ip=10,
            ip_window=timezone.timedelta(hours=1),
        )
        if ok:
            queue_mail(
                key=f"data:{email}:{timezone.now().isoformat()}",
                kind="data",
                to=email,
                subject="Your comments",
                template="data",
                context={"data_url": link("data", email)},
            )


@require_http_methods(["GET", "POST"])
def data(request, token):
    """One's own comments with their status; download them; erase them."""
    info, problem = _read(request, "data", token)
    if problem:
        return problem
    email = info["e"]
    comments = mydata.comments_of(email).select_related("post").order_by("-created_at")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm that everything should be erased.")
            return redirect(request.path)
        result = mydata.erase(email)
        return _message(
            request,
            "Your comments are erased",
            f"{result['deleted']} comment(s) deleted, {result['placeholders']} left as "
            "“deleted by its author” where others had replied. Your address is forgotten.",
        )
    context = {
        "email": email,
        "comments": comments,
        "export_url": reverse("notifications:data_export", args=[token]),
    }
    return render(request, "notifications/data.html", context)


def data_export(request, token):
    info, problem = _read(request, "data", token)
    if problem:
        return problem
    payload = mydata.export(info["e"])
    response = HttpResponse(
        json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    return response
