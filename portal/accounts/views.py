"""The page of a locked log-in (django-axes' ``AXES_LOCKOUT_CALLABLE``)."""

import math

from axes.helpers import get_failure_limit
from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """429 with a page that says why and for how long (``AXES_COOLOFF_TIME``)."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)
