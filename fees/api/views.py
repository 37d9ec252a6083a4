import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from fees import benchmarks, filters, workflow
from fees.api import serializers as s
from fees.models import FeeComplaint, FeeFiling, FeeFilingLine, FeeItem, ProductKind
from fees.regions import RegionTree
from fees.tariffs import tariff_in_force
from portal.api.base import ScopedModelViewSet, action_map, run


class ProductKindViewSet(ScopedModelViewSet):
    queryset = ProductKind.objects.all()
    serializer_class = s.ProductKindSerializer
    filterset_class = filters.ProductKindFilterSet


class FeeItemViewSet(ScopedModelViewSet):
    queryset = FeeItem.objects.all()
    serializer_class = s.FeeItemSerializer
    filterset_class = filters.FeeItemFilterSet


class FeeFilingViewSet(ScopedModelViewSet):
    queryset = FeeFiling.objects.select_related("vendor", "region").prefetch_related("lines")
    serializer_class = s.FeeFilingSerializer
    filterset_class = filters.FeeFilingFilterSet
    permission_type_map = action_map(submit="change", accept="review", return_="review")

    def perform_create(self, serializer):
        serializer.validated_data["created_by"] = self.request.user
        super().perform_create(serializer)

    @extend_schema(request=None, responses={200: s.BreachSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for review; the rules run and each breach is raised once as a finding."""
        breaches = run(lambda: workflow.submit(self.get_object(), request.user))
        return Response(s.BreachSerializer(breaches, many=True).data)

    @extend_schema(request=s.AcceptSerializer, responses={200: s.FeeFilingSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = s.AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filing = run(
            lambda: workflow.accept(self.get_object(), request.user, data.validated_data.get("override_reason", ""))
        )
        return Response(self.get_serializer(filing).data)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.FeeFilingSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filing = run(lambda: workflow.return_(self.get_object(), request.user, data.validated_data["reason"]))
        return Response(self.get_serializer(filing).data)


class FeeFilingLineViewSet(ScopedModelViewSet):
    """Lines of the filings the user may see: its own (a vendor's, a region's) and every accepted one,
    public as the tariffs are. By filing, then as entered: the order the (filing, …) index serves
    (the model's order by product and item would join both tables for every line)."""

    queryset = FeeFilingLine.objects.order_by("filing_id", "pk")
    serializer_class = s.FeeFilingLineSerializer
    filterset_class = filters.FeeFilingLineFilterSet

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if "filing" in fields:  # lines are added to filings the user may edit
            fields["filing"].queryset = FeeFiling.objects.visible_to(self.request.user).filter(
                status__in=["draft", "returned"]
            )
        return serializer


class TariffViewSet(viewsets.ViewSet):
    """What vendor V charged for item I of product P in region R on date D, and where it comes from."""

    @extend_schema(
        parameters=[
            OpenApiParameter("vendor", int, required=True),
            OpenApiParameter("item", int, required=True),
            OpenApiParameter("product", int, required=True),
            OpenApiParameter("region", str, required=True),
            OpenApiParameter("date", datetime.date, required=True),
        ],
        responses={200: s.TariffSerializer},
    )
    def list(self, request):
        query = s.TariffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        tree = RegionTree()
        if data["region"] not in tree.nodes:
            raise ValidationError({"region": ["Unknown region code."]})
        tariff = tariff_in_force(data["vendor"], data["item"], data["product"], data["region"], data["date"], tree)
        if tariff is None:
            return Response({"detail": "No accepted filing covers this."}, status=404)
        return Response(s.TariffSerializer(tariff).data)


class BenchmarkViewSet(viewsets.ViewSet):
    """The benchmark of a province: the frozen value where there is one, else the computed one."""

    @extend_schema(
        parameters=[OpenApiParameter("province", str, required=False)],
        responses={200: s.BenchmarkValueSerializer(many=True)},
    )
    def list(self, request):
        province = request.query_params.get("province", "410000")
        values = benchmarks.effective_benchmarks(province)
        ordered = [values[key] for key in sorted(values)]
        return Response(s.BenchmarkValueSerializer(ordered, many=True).data)


class FeeComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = FeeComplaint.objects.all()
    serializer_class = s.FeeComplaintSerializer
    filterset_class = filters.FeeComplaintFilterSet

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)
