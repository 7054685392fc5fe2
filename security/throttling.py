"""Admin login throttling: django-axes with a limit of its own for each lockout parameter.

settings.AXES_LOCKOUT_PARAMETERS counts failures twice: per username from one address
(someone guessing one account's password) and per address (someone trying many accounts).
The two need different limits: an office or a phone network shares one address between
people who each mistype a password now and then. Axes compares every parameter with the one
AXES_FAILURE_LIMIT, so this handler scales each parameter's count by the ratio of the two
limits: a parameter reaches AXES_FAILURE_LIMIT exactly when its own count reaches its own
limit (settings.LOGIN_FAILURE_LIMITS). Everything else (recording, cool-off, reset commands,
admin screens) is axes' database handler unchanged.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def parameter_limit(parameter):
    """The failure limit for one entry of AXES_LOCKOUT_PARAMETERS ("ip_address" or a list)."""
    key = parameter if isinstance(parameter, str) else "+".join(parameter)
    return settings.LOGIN_FAILURE_LIMITS[key]


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        scaled = [0]
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled.append(failures * limit // parameter_limit(parameter))
        return max(scaled)
