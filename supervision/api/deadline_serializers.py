"""Serializers of the deadlines engine (validation through the models' own ``clean``)."""

import uuid

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from portal.api.base import ModelCleanSerializer
from portal.api.fields import IdField, ScopedFileField
from supervision.models import (
    CaseEvent,
    CaseResponse,
    Criticism,
    Directive,
    DirectiveAttachment,
    Finding,
    Notification,
    Obligation,
    ObligationFile,
    RectificationCase,
    ReminderPolicy,
    ResponseFile,
)

PARTY = ["vendor", "platform", "authority"]
DIRECTIVE_OF_ANOTHER_LEVEL = gettext_lazy(
    "The duties of this directive are its issuer's to record: cite a directive of your own region "
    "(one that forwards it, for instance)."
)


class PartyValidationMixin:
    def validate(self, attrs):
        from django.utils.translation import gettext as _

        merged = {name: attrs.get(name, getattr(self.instance, name, None)) for name in PARTY}
        if sum(1 for value in merged.values() if value) != 1:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("Choose exactly one responsible party: a CA vendor, a platform or an authority.")
                    ]
                }
            )
        return super().validate(attrs)


class DirectiveAttachmentSerializer(serializers.ModelSerializer):
    file = ScopedFileField(read_only=True)

    class Meta:
        model = DirectiveAttachment
        fields = ["id", "title", "file"]


class DirectiveSerializer(ModelCleanSerializer):
    attachments = DirectiveAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Directive
        fields = [
            "id",
            "number",
            "title",
            "issuer",
            "year",
            "issued_on",
            "forwards",
            "addressed_vendors",
            "text",
            "attachments",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = ["is_demo"]


class ObligationFileSerializer(serializers.ModelSerializer):
    file = ScopedFileField(read_only=True)

    class Meta:
        model = ObligationFile
        fields = ["id", "original_name", "size", "file"]


class ObligationSerializer(PartyValidationMixin, ModelCleanSerializer):
    files = ObligationFileSerializer(many=True, read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            *PARTY,
            "kind",
            "title",
            "description",
            "directive",
            "due_date",
            "status",
            "key",
            "campaign",
            "dedup_key",
            "fulfilled_at",
            "fulfilled_by",
            "evidence",
            "evidence_url",
            "files",
            "waived_reason",
            "created",
            "updated",
        ]
        read_only_fields = [
            "status",
            "campaign",
            "dedup_key",
            "fulfilled_at",
            "fulfilled_by",
            "evidence",
            "evidence_url",
            "waived_reason",
        ]

    def validate_directive(self, directive):
        request = self.context.get("request")
        if directive is not None and request is not None:
            if not Directive.objects.citable_by(request.user).filter(pk=directive.pk).exists():
                raise serializers.ValidationError(DIRECTIVE_OF_ANOTHER_LEVEL)
        return directive


class FulfilSerializer(serializers.Serializer):
    evidence = serializers.CharField()
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CampaignSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=["vendors", "platforms"])
    region = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Obligation.Kind.choices)
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(required=False, allow_blank=True)
    directive = IdField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class FindingSerializer(PartyValidationMixin, ModelCleanSerializer):
    class Meta:
        model = Finding
        fields = [
            "id",
            *PARTY,
            "kind",
            "status",
            "summary",
            "facts",
            "evidence",
            "dedup_key",
            "obligation",
            "raised_by",
            "is_demo",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "dedup_key", "obligation", "raised_by", "is_demo"]

    def validate(self, attrs):
        if self.instance is None:  # a finding recorded by a person: its own key, never a rule's
            attrs["dedup_key"] = f"manual:{uuid.uuid4().hex}"
        return super().validate(attrs)


class ResponseFileSerializer(serializers.ModelSerializer):
    file = ScopedFileField(read_only=True)

    class Meta:
        model = ResponseFile
        fields = ["id", "original_name", "size", "file"]


class CaseResponseSerializer(serializers.ModelSerializer):
    files = ResponseFileSerializer(many=True, read_only=True)

    class Meta:
        model = CaseResponse
        fields = ["id", "text", "submitted_by", "created", "files"]


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["kind", "actor", "text", "created"]


class CaseSerializer(serializers.ModelSerializer):
    responses = CaseResponseSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    notice_pdf = serializers.SerializerMethodField()

    class Meta:
        model = RectificationCase
        fields = [
            "id",
            "number",
            "title",
            "facts",
            *PARTY,
            "status",
            "due_date",
            "findings",
            "opened_by",
            "notice_pdf",
            "rounds",
            "notified_at",
            "closed_at",
            "escalated_at",
            "responses",
            "events",
            "created",
        ]
        read_only_fields = fields

    def get_notice_pdf(self, case) -> str | None:
        from django.urls import reverse

        return reverse("supervision:case_notice", args=[case.pk]) if case.notice_pdf else None


class CaseOpenSerializer(serializers.Serializer):
    findings = serializers.ListField(child=IdField(), allow_empty=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    facts = serializers.CharField(required=False, allow_blank=True, default="")


class CaseResponseInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class CaseDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True)


class CriticismSerializer(serializers.ModelSerializer):
    pdf = ScopedFileField(read_only=True)

    class Meta:
        model = Criticism
        fields = [
            "id",
            "number",
            "title",
            "body",
            "status",
            "cases",
            "region",
            "drafted_by",
            "approved_by",
            "approved_at",
            "published_at",
            "pdf",
            "created",
        ]
        read_only_fields = ["status", "cases", "region", "drafted_by", "approved_by", "approved_at", "published_at"]


class CriticismDraftSerializer(serializers.Serializer):
    cases = serializers.ListField(child=IdField(), allow_empty=False)


class InboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "link", "obligation", "case", "created", "read_at"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "topic",
            "stage",
            "channel",
            "recipient",
            "recipient_name",
            "is_copy",
            "subject",
            "obligation",
            "case",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "created",
        ]
        read_only_fields = fields


class ReminderPolicySerializer(ModelCleanSerializer):
    class Meta:
        model = ReminderPolicy
        fields = ["id", "stages", "overdue_every_days", "case_due_days", "max_attempts", "updated"]
