"""Public pages of the 2023 trial (no login): each platform's published announcement and the national
directory of participants with their announcements, CA vendors and shared APPs.

They live in the portal because the directory of vendors and APPs is drawn from the certificates app
(recognition records, trust lists, shared APPs), which ``supervision`` may not import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from supervision.models import Announcement, CAVendor, Platform, TrialRound


@dataclass
class DirectoryEntry:
    """One CA vendor whose network-shared certificates the platform accepts, with its shared APPs."""

    vendor: CAVendor
    apps: list = field(default_factory=list)


def platform_directory(platform: Platform) -> list[DirectoryEntry]:
    """The CA vendors (and their shared APPs) the platform accepts, from the certificates app."""
    return []


def _round(request) -> TrialRound | None:
    code = request.GET.get("round")
    rounds = TrialRound.objects.all()
    return (rounds.filter(code=code).first() if code else None) or rounds.current()


def directory(request):
    trial_round = _round(request)
    rows = []
    if trial_round is not None:
        published = {
            a.platform_id: a
            for a in Announcement.objects.published().filter(round=trial_round).prefetch_related("business_types")
        }
        for participant in trial_round.participants.select_related("platform", "platform__region"):
            platform = participant.platform
            rows.append(
                {
                    "participant": participant,
                    "announcement": published.get(platform.pk),
                    "directory": platform_directory(platform),
                }
            )
    return render(
        request,
        "supervision/trial/public/directory.html",
        {"round": trial_round, "rounds": TrialRound.objects.all(), "rows": rows},
    )


def _announcement_page(request, announcement: Announcement, preview: bool):
    return render(
        request,
        "supervision/trial/public/announcement.html",
        {
            "announcement": announcement,
            "directory": platform_directory(announcement.platform),
            "preview": preview,
        },
    )


def announcement(request, pk):
    """A published announcement; anything else is not found."""
    found = get_object_or_404(Announcement.objects.published().select_related("platform", "round"), pk=pk)
    return _announcement_page(request, found, preview=False)


@login_required
def announcement_preview(request, pk):
    """How the announcement will look once published, for those who may see the draft."""
    found = get_object_or_404(Announcement.objects.visible_to(request.user).select_related("platform", "round"), pk=pk)
    return _announcement_page(request, found, preview=True)
