from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rules.contrib.rest_framework import AutoPermissionViewSetMixin

from certificates import claims, filters, matrix, services, workflow
from certificates.api import serializers
from certificates.models import (
    CACertificate,
    CertificateClaim,
    CertificateUpload,
    Product,
    RecognitionRecord,
    SharedApp,
    TrustListEntry,
)
from certificates.uploads import read_certificate_upload
from portal.api.base import ScopedModelViewSet, action_map, run
from supervision.models import CAVendor


def _errors(exc: DjangoValidationError) -> list[str]:
    return list(exc.messages)


class CACertificateViewSet(ScopedModelViewSet):
    """Vendors' root and intermediate certificates. POST a file (multipart) to upload it: each CA
    certificate in it becomes the vendor's claim (``certificate-claims``). A file of more than 50
    certificates is processed in the background: the answer is 202 with the upload to follow
    (``certificate-uploads/<id>/``, its ``status`` and ``percent``)."""

    queryset = CACertificate.objects.select_related("vendor")
    serializer_class = serializers.CACertificateSerializer
    filterset_class = filters.CACertificateFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=serializers.CertificateUploadSerializer,
        responses={
            201: serializers.CertificateUploadResultSerializer,
            202: serializers.CertificateUploadResultSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        upload = serializers.CertificateUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        vendor = run(lambda: services.upload_vendor(request.user, upload.validated_data.get("vendor")))
        file = upload.validated_data["file"]
        try:
            parsed = read_certificate_upload(file)
            received = services.receive_upload(
                file, parsed, vendor=vendor, user=request.user, notes=upload.validated_data.get("notes", "")
            )
        except DjangoValidationError as exc:
            raise ValidationError({"file": _errors(exc), "code": exc.code}) from exc
        context = self.get_serializer_context()
        if received.failed:
            raise ValidationError({"file": [received.error], "code": "failed"})
        rows = CertificateClaim.objects.visible_to(request.user).filter(pk__in=received.summary.get("claim_ids", []))
        body = {
            "upload": serializers.CertificateUploadStateSerializer(received, context=context).data,
            "claims": serializers.CertificateClaimSerializer(
                rows.select_related("certificate").order_by("pk"), many=True, context=context
            ).data,
        }
        return Response(body, status=http.HTTP_202_ACCEPTED if received.running else http.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        try:
            services.delete_certificate(instance)
        except ProtectedError as exc:
            raise ValidationError(
                {"detail": [_("This certificate is on trust lists; remove it from them first.")]}
            ) from exc


class _ScopedReadOnlyViewSet(AutoPermissionViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Reads through ``visible_to`` and the model's rules; writes only through the named actions."""

    permission_type_map = {**AutoPermissionViewSetMixin.permission_type_map, "metadata": None}

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class CertificateClaimViewSet(_ScopedReadOnlyViewSet):
    """Certificate claims: a vendor reads its own, administrators all of them (``?conflict=true``: the
    certificates two vendors claim). The provincial office confirms or rejects a claim with its reason."""

    queryset = CertificateClaim.objects.select_related("certificate", "vendor").defer(
        "certificate__der", "certificate__spki_der"
    )
    serializer_class = serializers.CertificateClaimSerializer
    filterset_class = filters.CertificateClaimFilterSet
    permission_type_map = {**_ScopedReadOnlyViewSet.permission_type_map, "confirm": "decide", "reject": "decide"}

    def _decide(self, request, step):
        item = self.get_object()
        payload = serializers.ClaimDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = run(lambda: step(item, by=request.user, reason=payload.validated_data["reason"]))
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data)

    @extend_schema(request=serializers.ClaimDecisionSerializer, responses=serializers.CertificateClaimSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The certificate is this claim's vendor's; every other vendor's claim of it is rejected."""
        return self._decide(request, claims.confirm)

    @extend_schema(request=serializers.ClaimDecisionSerializer, responses=serializers.CertificateClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, claims.reject)


class CertificateUploadViewSet(_ScopedReadOnlyViewSet):
    """The user's own certificate uploads, with the progress of those a worker is processing."""

    queryset = CertificateUpload.objects.all()
    serializer_class = serializers.CertificateUploadStateSerializer


class ProductViewSet(ScopedModelViewSet):
    queryset = Product.objects.select_related("vendor")
    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilterSet


class SharedAppViewSet(ScopedModelViewSet):
    queryset = SharedApp.objects.select_related("vendor")
    serializer_class = serializers.SharedAppSerializer
    filterset_class = filters.SharedAppFilterSet


class TrustListEntryViewSet(ScopedModelViewSet):
    queryset = TrustListEntry.objects.select_related("certificate", "platform")
    serializer_class = serializers.TrustListEntrySerializer
    filterset_class = filters.TrustListEntryFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        with transaction.atomic():
            super().perform_create(serializer)
            services.trust_list_changed(serializer.instance.platform, self.request.user)

    def perform_destroy(self, instance):
        with transaction.atomic():
            platform = instance.platform
            instance.delete()
            services.trust_list_changed(platform, self.request.user)


class RecognitionRecordViewSet(ScopedModelViewSet):
    """Recognition records. Create one (status "not started"); move it with POST …/transition/
    ({"to": "<next status>", "note": …, files}) and …/confirm/ (the platform operator)."""

    queryset = RecognitionRecord.objects.select_related("vendor", "platform", "platform__region", "other_vendor")
    serializer_class = serializers.RecognitionRecordSerializer
    filterset_class = filters.RecognitionRecordFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # the workflow decides on transitions and confirmations, with a reason
    permission_type_map = action_map(transition=None, confirm=None, events="view")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if "other_vendor" in fields:
            fields["other_vendor"].queryset = CAVendor.objects.all()  # naming another vendor discloses nothing
        return serializer

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.RecognitionRecordUpdateSerializer
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        context = self.get_serializer_context()
        context["due_dates"] = matrix.due_map({item.vendor_id for item in items})
        data = serializers.RecognitionRecordSerializer(items, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        candidate = RecognitionRecord(**data)
        if not self.request.user.has_perm(RecognitionRecord.get_perm("change"), candidate):
            raise PermissionDenied(_("You may only record this for an organisation or region in your own scope."))
        serializer.instance = run(lambda: workflow.create_record(user=self.request.user, via="api", **data))

    def _record(self):
        return self.get_object()

    @extend_schema(request=serializers.TransitionSerializer, responses=serializers.RecognitionRecordSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        record = self._record()
        payload = serializers.TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        evidence = [
            (kind, data[name])
            for name, kind in (("test_report", "test_report"), ("sample_signed", "sample_signed"))
            if data.get(name)
        ]
        try:
            record = workflow.transition(
                record, data["to"], user=request.user, note=data["note"], evidence=evidence, via="api"
            )
        except workflow.TransitionRefused as exc:
            raise ValidationError({"detail": _errors(exc)}) from exc
        except DjangoValidationError as exc:
            raise ValidationError(drf_serializers.as_serializer_error(exc)) from exc
        return Response(serializers.RecognitionRecordSerializer(record, context=self.get_serializer_context()).data)

    @extend_schema(request=serializers.ConfirmSerializer, responses=serializers.RecognitionRecordSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        record = self._record()
        payload = serializers.ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            record = workflow.confirm(record, user=request.user, note=payload.validated_data["note"], via="api")
        except workflow.TransitionRefused as exc:
            raise ValidationError({"detail": _errors(exc)}) from exc
        return Response(serializers.RecognitionRecordSerializer(record, context=self.get_serializer_context()).data)

    @extend_schema(responses=serializers.RecognitionEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        record = self._record()
        return Response(serializers.RecognitionEventSerializer(record.events.select_related("by"), many=True).data)


MATRIX_PARAMETERS = [
    OpenApiParameter("region", str, description="GB/T 2260 code of the region (default: the supervising province)"),
    OpenApiParameter("scope", str, enum=["same_vendor", "cross_vendor"]),
    OpenApiParameter("status", str, enum=["not_started", "in_progress", "testing", "done", "verified"]),
    OpenApiParameter("q", str, description="vendor name contains"),
    OpenApiParameter("page", int),
]

_cell = inline_serializer(
    "MatrixCell",
    {
        "platform": drf_serializers.IntegerField(),
        "status": drf_serializers.CharField(),
        "total": drf_serializers.IntegerField(),
        "verified": drf_serializers.IntegerField(),
        "days_left": drf_serializers.IntegerField(allow_null=True),
    },
)


class RecognitionMatrixViewSet(viewsets.ViewSet):
    """The recognition matrix as figures: the same numbers as the matrix pages."""

    @extend_schema(
        parameters=MATRIX_PARAMETERS,
        responses=inline_serializer(
            "ProvinceMatrix",
            {
                "region": drf_serializers.CharField(),
                "platforms": drf_serializers.ListField(child=drf_serializers.DictField()),
                "vendors": drf_serializers.ListField(child=drf_serializers.DictField()),
                "page": drf_serializers.IntegerField(),
                "pages": drf_serializers.IntegerField(),
            },
        ),
    )
    def list(self, request):
        filters_ = matrix.Filters.from_query(request.query_params)
        result = matrix.province_matrix(request.user, filters_, page=request.query_params.get("page") or 1)
        return Response(services.province_figures(result))

    @extend_schema(
        parameters=MATRIX_PARAMETERS,
        responses=inline_serializer(
            "NationalMatrix",
            {
                "columns": drf_serializers.ListField(child=drf_serializers.DictField()),
                "vendors": drf_serializers.ListField(child=drf_serializers.DictField()),
                "page": drf_serializers.IntegerField(),
                "pages": drf_serializers.IntegerField(),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def national(self, request):
        filters_ = matrix.Filters.from_query(request.query_params)
        result = matrix.national_matrix(request.user, filters_, page=request.query_params.get("page") or 1)
        return Response(services.national_figures(result))
