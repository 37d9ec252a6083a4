"""Public pages of the 2023 trial (no login): each platform's published announcement and the national
directory of participants with their announcements, CA vendors and shared APPs.

They live in the portal because the directory of vendors and APPs is drawn from the certificates app
(recognition records, trust lists, shared APPs), which ``supervision`` may not import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from certificates.models import RecognitionRecord, RecognitionStatus, SharedApp, TrustListEntry
from supervision.models import CAVendor, Platform
from trial.models import Announcement, TrialRound


@dataclass
class DirectoryEntry:
    """One CA vendor whose network-shared certificates the platform accepts, with its shared APPs."""

    vendor: CAVendor
    apps: list = field(default_factory=list)


# What the platform itself stands behind: recognition it confirmed (or that was verified), and the
# vendors whose CA certificates are on its trust list. A vendor's own claim ("done", not confirmed)
# is not published.
ACCEPTED = Q(status=RecognitionStatus.VERIFIED) | Q(status=RecognitionStatus.DONE, confirmed_by_platform=True)


def directories(platforms) -> dict[int, list[DirectoryEntry]]:
    """platform id → the CA vendors it accepts with their shared APPs on offer (a few queries for all)."""
    ids = [platform.pk for platform in platforms]
    pairs = set(RecognitionRecord.objects.filter(ACCEPTED, platform_id__in=ids).values_list("platform_id", "vendor_id"))
    pairs |= set(
        TrustListEntry.objects.filter(platform_id__in=ids).values_list("platform_id", "certificate__vendor_id")
    )
    vendors = CAVendor.objects.in_bulk({vendor_id for _platform, vendor_id in pairs})
    apps = defaultdict(list)
    for app in SharedApp.objects.filter(vendor_id__in=vendors, active=True).order_by("name", "pk"):
        apps[app.vendor_id].append(app)
    result: dict[int, list[DirectoryEntry]] = {pk: [] for pk in ids}
    for platform_id, vendor_id in sorted(pairs, key=lambda pair: (vendors[pair[1]].name, pair[0])):
        result[platform_id].append(DirectoryEntry(vendors[vendor_id], apps[vendor_id]))
    return result


def platform_directory(platform: Platform) -> list[DirectoryEntry]:
    """The CA vendors (and their shared APPs) the platform accepts, from the certificates app."""
    return directories([platform])[platform.pk]


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
        participants = list(trial_round.participants.select_related("platform", "platform__region"))
        found = directories([participant.platform for participant in participants])
        for participant in participants:
            rows.append(
                {
                    "participant": participant,
                    "announcement": published.get(participant.platform_id),
                    "directory": found[participant.platform_id],
                }
            )
    return render(
        request,
        "trial/public/directory.html",
        {"round": trial_round, "rounds": TrialRound.objects.all(), "rows": rows},
    )


def _announcement_page(request, announcement: Announcement, preview: bool):
    return render(
        request,
        "trial/public/announcement.html",
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
