"""Pages of the vendors' certificates, products, shared APPs and the platforms' trust lists."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import FormView

from certificates import filters, forms, services
from certificates.models import CACertificate, CertificateClaim, Product, SharedApp, TrustListEntry
from portal.crud import Column, ModelViews, ObjectCreateView, ObjectDetailView, ObjectListView


# --- CA certificates -----------------------------------------------------------------------------
class CertificateViews(ModelViews):
    model = CACertificate
    filterset_class = filters.CACertificateFilterSet
    select_related = ("vendor",)
    columns = [
        Column("subject_cn", gettext_lazy("common name"), link=True),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("get_role_display", pgettext_lazy("certificate", "role")),
        Column("key_description", gettext_lazy("public key algorithm")),
        Column("signature_algorithm", gettext_lazy("signature algorithm")),
        Column("not_after", gettext_lazy("valid until")),
        Column("get_chain_status_display", gettext_lazy("chain status")),
    ]
    fields = [
        Column("vendor", gettext_lazy("CA vendor"), link=True),
        Column("get_role_display", pgettext_lazy("certificate", "role")),
        Column("subject", gettext_lazy("subject")),
        Column("issuer_name", pgettext_lazy("certificate", "issuer")),
        Column("serial_hex", gettext_lazy("serial number")),
        Column("not_before", gettext_lazy("valid from")),
        Column("not_after", gettext_lazy("valid until")),
        Column("key_description", gettext_lazy("public key algorithm")),
        Column("signature_algorithm", gettext_lazy("signature algorithm")),
        Column("signature_algorithm_oid", gettext_lazy("signature algorithm OID")),
        Column("sha256_fingerprint", gettext_lazy("SHA-256 fingerprint")),
        Column("sm3_fingerprint", gettext_lazy("SM3 fingerprint")),
        Column("is_ca", gettext_lazy("CA (basic constraints)")),
        Column("path_length", gettext_lazy("path length limit")),
        Column("key_usage", gettext_lazy("key usage")),
        Column("subject_key_identifier", gettext_lazy("subject key identifier")),
        Column("authority_key_identifier", gettext_lazy("authority key identifier")),
        Column("original_filename", gettext_lazy("file name")),
        Column("notes", gettext_lazy("notes")),
    ]

    @property
    def url_name(self) -> str:
        return "certificate"


class CertificateList(CertificateViews, ObjectListView):
    def get_queryset(self):
        return super().get_queryset().defer("der", "spki_der")


class CertificateDetail(CertificateViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chain"] = self.object.chain()
        context["trusted_by"] = (
            TrustListEntry.objects.visible_to(self.request.user)
            .filter(certificate=self.object)
            .select_related("platform")
        )
        context["can_change"] = False  # certificates are facts: upload a new one instead
        context["claims"] = (
            CertificateClaim.objects.visible_to(self.request.user)
            .filter(certificate=self.object)
            .select_related("vendor")
            .order_by("created", "pk")
        )
        return context


class UploadCertificates(LoginRequiredMixin, FormView):
    """Upload a certificate file: each CA certificate in it becomes the vendor's claim (a file of many
    certificates is processed in the background; the upload's page shows the progress)."""

    form_class = forms.CertificateUploadForm
    template_name = "certificates/certificate_upload.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(CACertificate.get_perm("add")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        try:
            vendor = services.upload_vendor(self.request.user, form.cleaned_data.get("vendor"))
            upload = services.receive_upload(
                form.cleaned_data["file"],
                form.parsed,
                vendor=vendor,
                user=self.request.user,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            form.add_error("file" if not hasattr(exc, "error_dict") else None, exc)
            return self.form_invalid(form)
        return redirect(upload)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"opts": CACertificate._meta}


# --- products and shared APPs -------------------------------------------------------------------
class ProductViews(ModelViews):
    model = Product
    form_class = forms.ProductForm
    filterset_class = filters.ProductFilterSet
    select_related = ("vendor",)
    columns = [
        Column("name", gettext_lazy("name"), link=True),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("get_carrier_display", gettext_lazy("carrier")),
        Column("active", gettext_lazy("on offer")),
    ]
    fields = [
        Column("vendor", gettext_lazy("CA vendor"), link=True),
        Column("name", gettext_lazy("name")),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("get_carrier_display", gettext_lazy("carrier")),
        Column("description", gettext_lazy("description")),
        Column("active", gettext_lazy("on offer")),
    ]


class SharedAppViews(ModelViews):
    model = SharedApp
    form_class = forms.SharedAppForm
    filterset_class = filters.SharedAppFilterSet
    select_related = ("vendor",)
    columns = [
        Column("name", gettext_lazy("name"), link=True),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("version", gettext_lazy("version")),
        Column("operating_systems", gettext_lazy("operating systems")),
        Column("active", gettext_lazy("on offer")),
    ]
    fields = [
        Column("vendor", gettext_lazy("CA vendor"), link=True),
        Column("name", gettext_lazy("name")),
        Column("version", gettext_lazy("version")),
        Column("operating_systems", gettext_lazy("operating systems")),
        Column("download_url", gettext_lazy("download address")),
        Column("description", gettext_lazy("description")),
        Column("active", gettext_lazy("on offer")),
    ]


# --- trust lists ---------------------------------------------------------------------------------
class TrustListViews(ModelViews):
    model = TrustListEntry
    form_class = forms.TrustListEntryForm
    filterset_class = filters.TrustListEntryFilterSet
    select_related = ("platform", "certificate", "certificate__vendor")
    columns = [
        Column("platform.name", gettext_lazy("platform")),
        Column("certificate", gettext_lazy("CA certificate"), link=True),
        Column("certificate.vendor.short_name", gettext_lazy("CA vendor")),
        Column("certificate.get_chain_status_display", gettext_lazy("chain status")),
        Column("note", gettext_lazy("notes")),
    ]
    fields = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("certificate", gettext_lazy("CA certificate"), link=True),
        Column("certificate.vendor", gettext_lazy("CA vendor")),
        Column("certificate.get_chain_status_display", gettext_lazy("chain status")),
        Column("note", gettext_lazy("notes")),
        Column("added_by", gettext_lazy("added by")),
    ]


class TrustListList(TrustListViews, ObjectListView):
    def get_queryset(self):
        return super().get_queryset().defer("certificate__der", "certificate__spki_der")


class TrustListDetail(TrustListViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_delete"] = self.request.user.has_perm(TrustListEntry.get_perm("delete"), self.object)
        return context


class TrustListCreate(TrustListViews, ObjectCreateView):
    def form_valid(self, form):
        form.instance.added_by = self.request.user
        response = super().form_valid(form)
        if self.object is not None and self.object.pk:
            services.trust_list_changed(self.object.platform, self.request.user)
        return response


class TrustListDelete(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(TrustListEntry.objects.visible_to(request.user).select_related("platform"), pk=pk)
        if not request.user.has_perm(TrustListEntry.get_perm("delete"), entry):
            raise PermissionDenied
        platform = entry.platform
        with transaction.atomic():
            entry._history_user = request.user
            entry.delete()
            services.trust_list_changed(platform, request.user)
        messages.success(request, _("Removed from the trust list of %(platform)s.") % {"platform": platform})
        return redirect(reverse("certificates:trustlistentry_list") + f"?platform={platform.pk}")
