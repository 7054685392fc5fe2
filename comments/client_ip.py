"""The reader's IP address, for moderation only (bans, flood limits, reports).

Behind reverse proxies or a load balancer, REMOTE_ADDR is the nearest proxy, so every reader
would share one address. settings.TRUSTED_PROXY_COUNT says how many proxies we run in front
of the app; each appends the address it saw to X-Forwarded-For, so the entry that many places
from the right is the one our outermost proxy saw. Entries further left come from the client
and are never trusted.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
