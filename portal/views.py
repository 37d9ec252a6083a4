"""The home page (public), the dashboard (per role)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from portal.navigation import dashboard_cards


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "portal/home.html")


@login_required
def dashboard(request):
    return render(request, "portal/dashboard.html", {"cards": dashboard_cards(request.user)})
