"""Admin pages of the trial: scoped like every admin page, and read-only for everyone but superusers,
because the trial's records change through their workflows (pages and API), which tell the deadline
engine what was done."""

from django.contrib import admin

from portal.admin import ScopedAdmin
from trial.models import (
    Agreement,
    Announcement,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
    UsageReport,
)


class TrialAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class PeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0


@admin.register(TrialRound)
class TrialRoundAdmin(TrialAdmin):
    list_display = ["code", "name", "directive", "starts_on", "announcement_due", "coverage_due"]
    inlines = [PeriodInline]
    filter_horizontal = ["coverage_domains"]


@admin.register(TrialParticipant)
class TrialParticipantAdmin(TrialAdmin):
    list_display = ["platform", "round", "is_pilot_city"]
    list_filter = ["round", "is_pilot_city"]
    list_select_related = ["platform", "round"]


@admin.register(Announcement)
class AnnouncementAdmin(TrialAdmin):
    list_display = ["title", "platform", "round", "status", "published_at"]
    list_filter = ["status", "round"]
    list_select_related = ["platform", "round"]


@admin.register(Coverage)
class CoverageAdmin(TrialAdmin):
    list_display = ["platform", "domain", "level", "accepted", "since"]
    list_filter = ["level", "accepted", "domain"]
    list_select_related = ["platform", "domain"]


@admin.register(Agreement)
class AgreementAdmin(TrialAdmin):
    list_display = ["title", "kind", "platform", "signed_on", "term_end"]
    list_filter = ["kind"]
    list_select_related = ["platform"]


@admin.register(RemedyPlan)
class RemedyPlanAdmin(TrialAdmin):
    list_display = ["platform", "kind", "effective_from"]
    list_select_related = ["platform"]


@admin.register(DecryptionIncident)
class DecryptionIncidentAdmin(TrialAdmin):
    list_display = ["occurred_on", "platform", "project_name", "vendor", "cause", "outcome"]
    list_filter = ["cause", "outcome", "responsible"]
    list_select_related = ["platform", "vendor"]


class UsageLineInline(admin.TabularInline):
    model = UsageLine
    extra = 0


@admin.register(UsageReport)
class UsageReportAdmin(TrialAdmin):
    list_display = ["platform", "period", "submitted_at", "via", "is_late"]
    list_filter = ["is_late", "via", "period"]
    list_select_related = ["platform", "period"]
    inlines = [UsageLineInline]


@admin.register(Feedback)
class FeedbackAdmin(TrialAdmin):
    list_display = ["tracking_number", "category", "platform", "status", "national_attention", "created"]
    list_filter = ["category", "status", "national_attention"]
    list_select_related = ["platform"]
    search_fields = ["tracking_number"]
