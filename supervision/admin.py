from django.contrib import admin

from portal.admin import ScopedAdmin
from supervision.models import (
    Authority,
    BusinessDomain,
    CaseEvent,
    CAVendor,
    Contact,
    Criticism,
    Directive,
    Finding,
    Notification,
    Obligation,
    Platform,
    ProgressReport,
    RectificationCase,
    Region,
    ReminderPolicy,
    SupervisionLetter,
)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "province_governed"]
    list_filter = ["level", "province_governed"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]


@admin.register(Authority)
class AuthorityAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["region"]


@admin.register(BusinessDomain)
class BusinessDomainAdmin(ScopedAdmin):
    list_display = ["code", "name"]


@admin.register(Platform)
class PlatformAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "operator_authority", "operator_company", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "operator_company"]
    list_select_related = ["region", "operator_authority"]
    filter_horizontal = ["domains"]


@admin.register(CAVendor)
class CAVendorAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "credit_code", "crypto_filing_status", "crypto_filing_expiry"]
    list_filter = ["crypto_filing_status"]
    search_fields = ["name", "short_name", "credit_code"]


@admin.register(Contact)
class ContactAdmin(ScopedAdmin):
    list_display = ["name", "authority", "platform", "vendor", "email", "phone", "is_shared_mailbox"]
    list_filter = ["is_shared_mailbox"]
    search_fields = ["name", "email"]
    list_select_related = ["authority", "platform", "vendor"]


# --- the deadlines engine ------------------------------------------------------------------------
@admin.register(Directive)
class DirectiveAdmin(ScopedAdmin):
    list_display = ["number", "title", "issuer", "year", "forwards"]
    search_fields = ["number", "title"]
    list_select_related = ["issuer", "forwards"]
    filter_horizontal = ["addressed_vendors"]


@admin.register(Obligation)
class ObligationAdmin(ScopedAdmin):
    list_display = ["title", "vendor", "platform", "authority", "kind", "due_date", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "dedup_key", "key"]
    list_select_related = ["vendor", "platform", "authority"]
    raw_id_fields = ["directive"]
    readonly_fields = ["dedup_key"]


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    list_display = ["summary", "vendor", "platform", "authority", "kind", "status", "created"]
    list_filter = ["status", "kind"]
    search_fields = ["summary", "dedup_key"]
    list_select_related = ["vendor", "platform", "authority"]
    raw_id_fields = ["obligation"]
    readonly_fields = ["dedup_key"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "actor", "text", "created"]
    can_delete = False


@admin.register(RectificationCase)
class RectificationCaseAdmin(ScopedAdmin):
    list_display = ["number", "title", "vendor", "platform", "authority", "status", "due_date"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    list_select_related = ["vendor", "platform", "authority"]
    filter_horizontal = ["findings"]
    readonly_fields = ["number", "status", "notified_at", "responded_at", "closed_at", "escalated_at", "rounds"]
    inlines = [CaseEventInline]


@admin.register(Criticism)
class CriticismAdmin(ScopedAdmin):
    list_display = ["title", "status", "region", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "approved_by", "approved_at", "published_at"]
    filter_horizontal = ["cases"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(ScopedAdmin):
    list_display = ["stages", "overdue_every_days", "case_due_days", "max_attempts"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The send log, read-only: rows are written by the engine only."""

    list_display = ["created", "subject", "recipient", "channel", "stage", "status", "attempts"]
    list_filter = ["status", "channel", "is_copy"]
    search_fields = ["subject", "recipient", "topic"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        return Notification.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ScopedAdmin):
    """Letters are issued from their duty's page; the admin shows them (and their history) only."""

    list_display = ["number", "obligation", "issuing_authority", "respond_by", "issued_at"]
    search_fields = ["number", "obligation__title"]
    list_select_related = ["obligation", "issuing_authority"]
    readonly_fields = [f.name for f in SupervisionLetter._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    """Reports are generated from the reports page; a report is a dated record, shown here only."""

    list_display = ["region", "as_of", "number", "status", "created_by", "created"]
    list_filter = ["status"]
    list_select_related = ["region", "created_by"]
    readonly_fields = [f.name for f in ProgressReport._meta.fields]

    def has_add_permission(self, request):
        return False
