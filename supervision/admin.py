from django.contrib import admin

from portal.admin import ScopedAdmin
from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region


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
