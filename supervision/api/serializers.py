from rest_framework import serializers

from portal.api.base import ModelCleanSerializer
from supervision import services
from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region


class RegionSerializer(ModelCleanSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "province_governed", "created", "updated"]


class AuthoritySerializer(ModelCleanSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Authority
        fields = ["id", "name", "kind", "region", "website", "notes", "is_demo", "created", "updated"]
        read_only_fields = ["is_demo"]


class BusinessDomainSerializer(ModelCleanSerializer):
    class Meta:
        model = BusinessDomain
        fields = ["id", "code", "name"]


class PlatformSerializer(ModelCleanSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )
    domains = serializers.SlugRelatedField(
        slug_field="code", queryset=BusinessDomain.objects.all(), many=True, required=False
    )

    class Meta:
        model = Platform
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "operator_authority",
            "operator_company",
            "domains",
            "url",
            "active",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = ["is_demo"]


class CAVendorSerializer(ModelCleanSerializer):
    ADMIN_ONLY_FIELDS = (
        "crypto_filing_number",
        "crypto_filing_date",
        "crypto_filing_status",
        "crypto_filing_expiry",
        "crypto_determination_number",
        "crypto_determination_date",
        "crypto_determination_evidence",
    )

    class Meta:
        model = CAVendor
        fields = [
            "id",
            "name",
            "short_name",
            "credit_code",
            "licence_number",
            "crypto_filing_status",
            "crypto_filing_number",
            "crypto_filing_date",
            "crypto_filing_expiry",
            "crypto_determination_number",
            "crypto_determination_date",
            "crypto_determination_evidence",
            "website",
            "notes",
            "created",
            "updated",
        ]

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated and not user.is_administrator:
            # The cryptography filing is attested by administrators, not by the vendor.
            for name in self.ADMIN_ONLY_FIELDS:
                fields[name].read_only = True
        return fields

    def validate_credit_code(self, value: str) -> str:
        return value.strip().upper()

    def save(self, **kwargs):
        vendor = super().save(**kwargs)  # inside the viewset's transaction
        services.record_crypto_filing(vendor, by=getattr(self.context.get("request"), "user", None))
        return vendor


class ContactSerializer(ModelCleanSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "authority",
            "platform",
            "vendor",
            "name",
            "role",
            "email",
            "phone",
            "is_shared_mailbox",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = ["is_demo"]
