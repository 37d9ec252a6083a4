from rest_framework import serializers

from fees.models import FeeComplaint, FeeFiling, FeeFilingLine, FeeItem, ProductKind
from portal.api.base import ModelCleanSerializer
from portal.api.fields import IdField
from supervision.models import Directive, Region


class ProductKindSerializer(ModelCleanSerializer):
    class Meta:
        model = ProductKind
        fields = ["id", "code", "name", "order"]


class FeeItemSerializer(ModelCleanSerializer):
    forbidden_by = serializers.SlugRelatedField(
        slug_field="number", queryset=Directive.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = FeeItem
        fields = ["id", "code", "name", "prohibited", "forbidden_by", "one_off", "description", "order"]


class FeeFilingLineSerializer(ModelCleanSerializer):
    """Amounts are decimal strings ("199.90"); more than two decimal places is refused."""

    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = FeeFilingLine
        fields = ["id", "filing", "product", "item", "amount", "per_platform", "note", "created", "updated"]
        validators = []  # the model's clean() says "this filing already has a line for …"

    def validate_filing(self, filing):
        request = self.context.get("request")
        if request is not None and not request.user.has_perm("fees.change_feefiling", filing):
            raise serializers.ValidationError("Lines can only be changed while the filing is a draft or returned.")
        return filing


class NestedLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeFilingLine
        fields = ["id", "product", "item", "amount", "per_platform", "note"]


class FeeFilingSerializer(ModelCleanSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    lines = NestedLineSerializer(many=True, read_only=True)

    class Meta:
        model = FeeFiling
        fields = [
            "id",
            "vendor",
            "region",
            "effective_date",
            "note",
            "status",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "override_reason",
            "lines",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "submitted_at", "reviewed_at", "return_reason", "override_reason"]
        validators = []  # uniqueness is checked by the model's clean(), after the vendor is known

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and getattr(request.user, "vendor_id", None):
            fields["vendor"].required = False
        return fields

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None and getattr(request.user, "vendor_id", None):
            attrs["vendor"] = request.user.vendor
        return super().validate(attrs)


class AcceptSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BreachSerializer(serializers.Serializer):
    kind = serializers.CharField()
    line_id = serializers.IntegerField()
    filing_id = serializers.IntegerField()
    vendor_id = serializers.IntegerField()
    region = serializers.CharField()
    product_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    benchmark = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    benchmark_source = serializers.CharField()
    excess = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    dedup_key = serializers.CharField()


class TariffQuerySerializer(serializers.Serializer):
    vendor = IdField()
    item = IdField()
    product = IdField()
    region = serializers.CharField(max_length=6)
    date = serializers.DateField()


class TariffSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    line_id = serializers.IntegerField()
    filing_id = serializers.IntegerField()
    vendor_id = serializers.IntegerField()
    filing_region = serializers.CharField()
    effective_date = serializers.DateField()
    product_id = serializers.IntegerField()
    item_id = serializers.IntegerField()


class BenchmarkValueSerializer(serializers.Serializer):
    province = serializers.CharField()
    product_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    source = serializers.CharField()
    line_id = serializers.IntegerField()
    filing_id = serializers.IntegerField()
    vendor_id = serializers.IntegerField()
    region = serializers.CharField()
    reference_date = serializers.DateField()
    ties = serializers.IntegerField()


class FeeComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeComplaint
        fields = [
            "id",
            "tracking_number",
            "vendor",
            "platform",
            "product",
            "item",
            "charged_on",
            "amount",
            "held_elsewhere",
            "description",
            "status",
            "outcome",
            "breaches",
            "created",
        ]
        read_only_fields = fields
