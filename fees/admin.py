from django.contrib import admin

from fees.models import Benchmark, FeeComplaint, FeeFiling, FeeFilingLine, FeeItem, FeePolicy, ProductKind
from portal.admin import ScopedAdmin


@admin.register(ProductKind)
class ProductKindAdmin(ScopedAdmin):
    list_display = ["name", "code", "order"]


@admin.register(FeeItem)
class FeeItemAdmin(ScopedAdmin):
    list_display = ["name", "code", "prohibited", "forbidden_by", "one_off", "order"]
    list_filter = ["prohibited"]
    list_select_related = ["forbidden_by"]


@admin.register(FeePolicy)
class FeePolicyAdmin(ScopedAdmin):
    list_display = ["province", "reference_date", "directive_number"]


class FeeFilingLineInline(admin.TabularInline):
    model = FeeFilingLine
    extra = 0
    fields = ["product", "item", "amount", "per_platform", "note"]


@admin.register(FeeFiling)
class FeeFilingAdmin(ScopedAdmin):
    list_display = ["pk", "vendor", "region", "effective_date", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["vendor__name", "vendor__short_name", "region__name"]
    list_select_related = ["vendor", "region"]
    inlines = [FeeFilingLineInline]
    readonly_fields = ["submitted_at", "submitted_by", "reviewed_at", "reviewed_by", "created_by"]


@admin.register(Benchmark)
class BenchmarkAdmin(ScopedAdmin):
    list_display = ["province", "product", "item", "amount", "source_region", "frozen_by", "frozen_at"]
    list_select_related = ["province", "product", "item", "source_region", "frozen_by"]
    raw_id_fields = ["source_line"]


@admin.register(FeeComplaint)
class FeeComplaintAdmin(ScopedAdmin):
    list_display = ["tracking_number", "vendor", "platform", "item", "amount", "status", "created"]
    list_filter = ["status"]
    search_fields = ["tracking_number"]
    list_select_related = ["vendor", "platform", "item"]
