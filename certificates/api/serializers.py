from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from certificates import uploading
from certificates.matrix import due_dates
from certificates.models import (
    CACertificate,
    CertificateClaim,
    CertificateUpload,
    Product,
    RecognitionEvent,
    RecognitionEvidence,
    RecognitionRecord,
    RecognitionStatus,
    SharedApp,
    TrustListEntry,
)
from portal.api.base import ModelCleanSerializer
from portal.api.fields import ScopedFileField
from supervision.models import CAVendor


class CACertificateSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    key_usage = serializers.SerializerMethodField()

    class Meta:
        model = CACertificate
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "role",
            "subject",
            "issuer_name",
            "subject_cn",
            "serial_hex",
            "not_before",
            "not_after",
            "key_algorithm",
            "key_size",
            "curve",
            "signature_algorithm",
            "signature_algorithm_oid",
            "sha256_fingerprint",
            "sm3_fingerprint",
            "is_ca",
            "path_length",
            "key_usage",
            "subject_key_identifier",
            "authority_key_identifier",
            "issuer",
            "root",
            "chain_ids",
            "chain_status",
            "chain_reason",
            "chain_detail",
            "chain_checked_at",
            "original_filename",
            "notes",
            "is_demo",
            "created",
        ]
        read_only_fields = fields

    def get_key_usage(self, obj) -> list[str]:
        return [part for part in obj.key_usage.split(", ") if part]


class CertificateUploadSerializer(serializers.Serializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=CAVendor.objects.all(), required=False)
    file = serializers.FileField(
        allow_empty_file=True, help_text=_("PEM (one or a bundle), DER (.cer/.crt) or PKCS#7 (.p7b); at most 1 MB.")
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class ClaimedCertificateSerializer(serializers.ModelSerializer):
    """What a claimant uploaded: the certificate's facts, not whose it is or who else claims it."""

    class Meta:
        model = CACertificate
        fields = [
            "id",
            "role",
            "subject",
            "subject_cn",
            "issuer_name",
            "serial_hex",
            "not_before",
            "not_after",
            "key_algorithm",
            "signature_algorithm",
            "sha256_fingerprint",
            "sm3_fingerprint",
        ]
        read_only_fields = fields


class CertificateClaimSerializer(serializers.ModelSerializer):
    certificate = ClaimedCertificateSerializer(read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)

    class Meta:
        model = CertificateClaim
        fields = [
            "id",
            "certificate",
            "vendor",
            "vendor_name",
            "status",
            "basis",
            "reason",
            "upload",
            "claimed_by",
            "created",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ClaimDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the claim is confirmed or rejected."))


class CertificateUploadStateSerializer(serializers.ModelSerializer):
    file = ScopedFileField(read_only=True)
    percent = serializers.SerializerMethodField()

    class Meta:
        model = CertificateUpload
        fields = [
            "id",
            "file",
            "original_name",
            "vendor",
            "status",
            "percent",
            "total",
            "summary",
            "error",
            "created",
            "finished_at",
        ]
        read_only_fields = fields

    def get_percent(self, obj) -> int:
        return uploading.progress_of(obj)["percent"]


class CertificateUploadResultSerializer(serializers.Serializer):
    upload = CertificateUploadStateSerializer()
    claims = CertificateClaimSerializer(many=True)


class ProductSerializer(ModelCleanSerializer):
    class Meta:
        model = Product
        fields = ["id", "vendor", "name", "kind", "carrier", "description", "active", "is_demo", "created", "updated"]
        read_only_fields = ["is_demo"]


class SharedAppSerializer(ModelCleanSerializer):
    class Meta:
        model = SharedApp
        fields = [
            "id",
            "vendor",
            "name",
            "version",
            "operating_systems",
            "download_url",
            "description",
            "active",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = ["is_demo"]


class TrustListEntrySerializer(ModelCleanSerializer):
    certificate_subject = serializers.CharField(source="certificate.subject", read_only=True)
    certificate_sha256 = serializers.CharField(source="certificate.sha256_fingerprint", read_only=True)
    certificate_chain_status = serializers.CharField(source="certificate.chain_status", read_only=True)

    class Meta:
        model = TrustListEntry
        fields = [
            "id",
            "platform",
            "certificate",
            "certificate_subject",
            "certificate_sha256",
            "certificate_chain_status",
            "note",
            "is_demo",
            "created",
        ]
        read_only_fields = ["is_demo"]


class RecognitionEventSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = RecognitionEvent
        fields = ["id", "action", "from_status", "to_status", "by", "at", "note", "via"]


class RecognitionEvidenceSerializer(serializers.ModelSerializer):
    file = ScopedFileField(read_only=True)

    class Meta:
        model = RecognitionEvidence
        fields = ["id", "kind", "file", "original_name", "size", "created"]


class RecognitionRecordSerializer(ModelCleanSerializer):
    vendor_short_name = serializers.CharField(source="vendor.short_name", read_only=True)
    platform_name = serializers.CharField(source="platform.name", read_only=True)
    region = serializers.CharField(source="platform.region_id", read_only=True)
    due_date = serializers.SerializerMethodField()

    class Meta:
        model = RecognitionRecord
        fields = [
            "id",
            "vendor",
            "vendor_short_name",
            "platform",
            "platform_name",
            "region",
            "scope",
            "other_vendor",
            "seals_included",
            "status",
            "status_changed_at",
            "done_at",
            "confirmed_by_platform",
            "confirmed_at",
            "verified_at",
            "due_date",
            "notes",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = [
            "status",
            "status_changed_at",
            "done_at",
            "confirmed_by_platform",
            "confirmed_at",
            "verified_at",
            "notes",
            "is_demo",
        ]

    def get_due_date(self, obj) -> str | None:
        dues = self.context.get("due_dates")
        if dues is None:
            dues = {(obj.vendor_id, obj.scope): due_dates([obj.vendor_id], obj.scope).get(obj.vendor_id)}
        due = dues.get((obj.vendor_id, obj.scope))
        return due.isoformat() if due else None


class RecognitionRecordUpdateSerializer(RecognitionRecordSerializer):
    """After creation a record's identity is fixed; only the workflow changes it."""

    class Meta(RecognitionRecordSerializer.Meta):
        read_only_fields = RecognitionRecordSerializer.Meta.fields


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=RecognitionStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    test_report = serializers.FileField(required=False)
    sample_signed = serializers.FileField(required=False)


class ConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
