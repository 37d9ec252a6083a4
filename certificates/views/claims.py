"""Certificate claims: an upload's page (with its progress while a worker runs it), the claims list, a
claim's page with the provincial office's decision, and the conflicts the province decides."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from certificates import claims, filters, forms, uploading
from certificates.models import CACertificate, CertificateClaim, CertificateUpload
from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectDetailView
from portal.jobs import progress_block

CONFLICTS_SHOWN = 200  # certificates per page of the conflict list


class ClaimViews(ModelViews):
    model = CertificateClaim
    filterset_class = filters.CertificateClaimFilterSet
    select_related = ("certificate", "vendor", "claimed_by", "decided_by")
    columns = [
        Column("certificate.subject_cn", gettext_lazy("common name"), link=True),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("get_status_display", gettext_lazy("status")),
        Column("basis_text", gettext_lazy("basis")),
        Column("created", gettext_lazy("claimed at")),
        Column("decided_at", gettext_lazy("decided at")),
    ]
    # What the claimant uploaded and what was decided; never who else claims the certificate.
    fields = [
        Column("vendor", gettext_lazy("CA vendor")),
        Column("get_status_display", gettext_lazy("status")),
        Column("basis_text", gettext_lazy("basis")),
        Column("reason", gettext_lazy("reason for the decision")),
        Column("claimed_by", gettext_lazy("claimed by")),
        Column("created", gettext_lazy("claimed at")),
        Column("decided_by", gettext_lazy("decided by")),
        Column("decided_at", gettext_lazy("decided at")),
        Column("certificate.subject", gettext_lazy("subject")),
        Column("certificate.issuer_name", pgettext_lazy("certificate", "issuer")),
        Column("certificate.serial_hex", gettext_lazy("serial number")),
        Column("certificate.get_role_display", pgettext_lazy("certificate", "role")),
        Column("certificate.not_before", gettext_lazy("valid from")),
        Column("certificate.not_after", gettext_lazy("valid until")),
        Column("certificate.key_description", gettext_lazy("public key algorithm")),
        Column("certificate.signature_algorithm", gettext_lazy("signature algorithm")),
        Column("certificate.sha256_fingerprint", gettext_lazy("SHA-256 fingerprint")),
        Column("certificate.sm3_fingerprint", gettext_lazy("SM3 fingerprint")),
    ]

    @property
    def url_name(self) -> str:
        return "claim"

    def get_queryset(self):
        return super().get_queryset().defer("certificate__der", "certificate__spki_der")


class ClaimDetail(ClaimViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, item = self.request.user, self.object
        context["can_change"] = False  # a claim changes only by the provincial office's decision
        context["can_decide"] = user.has_perm(CertificateClaim.get_perm("decide"), item)
        context["decision_form"] = forms.ClaimDecisionForm()
        context["certificate_visible"] = CACertificate.objects.visible_to(user).filter(pk=item.certificate_id).exists()
        if user.is_administrator:  # a vendor's visible claims are its own: it sees no other claim
            context["other_claims"] = (
                CertificateClaim.objects.visible_to(user)
                .filter(certificate_id=item.certificate_id)
                .exclude(pk=item.pk)
                .select_related("vendor")
            )
            context["subject_names_vendor"] = bool(claims.subject_names(item.certificate, item.vendor))
        return context


class ClaimDecision(ObjectActionView):
    """The provincial office confirms (``decision = "confirm"``) or rejects a claim, with its reason."""

    model = CertificateClaim
    permission = "decide"
    form_class = forms.ClaimDecisionForm
    select_related = ("certificate", "vendor")
    decision = "confirm"

    def act(self, item, data):
        step = claims.confirm if self.decision == "confirm" else claims.reject
        return step(item, by=self.request.user, reason=data["reason"])

    def succeeded(self, item) -> None:
        text = _("Confirmed: the certificate is %(vendor)s's.") if self.decision == "confirm" else _("Claim rejected.")
        messages.success(self.request, text % {"vendor": item.vendor})

    def redirect_to(self, item):
        if self.request.POST.get("next") == "conflicts":
            return reverse("certificates:claim_conflicts")
        return item.get_absolute_url()


@login_required
def conflicts(request):
    """Certificates that two or more vendors claim, each with its claims; the province decides them."""
    user = request.user
    if not user.is_administrator:
        raise PermissionDenied  # who else claims a certificate is no vendor's or platform's business
    rows = (
        CertificateClaim.objects.visible_to(user)
        .in_conflict()
        .select_related("certificate", "vendor", "claimed_by")
        .defer("certificate__der", "certificate__spki_der")
        .order_by("certificate__subject", "certificate_id", "created", "pk")
    )
    groups = []
    for _certificate_id, items in groupby(rows, key=lambda item: item.certificate_id):
        items = list(items)
        groups.append({"certificate": items[0].certificate, "claims": items})
        if len(groups) >= CONFLICTS_SHOWN:
            break
    for group in groups:
        certificate = CACertificate.objects.only("der").get(pk=group["certificate"].pk)
        for item in group["claims"]:
            item.names_vendor = bool(claims.subject_names(certificate, item.vendor))
    context = {
        "groups": groups,
        "can_decide": user.has_perm(CertificateClaim.get_perm("decide")),
        "decision_form": forms.ClaimDecisionForm(),
    }
    return render(request, "certificates/claim_conflicts.html", context)


# --- uploads -------------------------------------------------------------------------------------
def _upload(request, pk: int) -> CertificateUpload:
    return get_object_or_404(CertificateUpload.objects.visible_to(request.user).select_related("vendor"), pk=pk)


@login_required
def upload_detail(request, pk: int):
    upload = _upload(request, pk)
    ids = upload.summary.get("claim_ids", [])
    rows = (
        CertificateClaim.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("certificate")
        .defer("certificate__der", "certificate__spki_der")
        .order_by("pk")
    )
    context = {"upload": upload, "progress": uploading.progress_of(upload), "claims": rows[:500]}
    return render(request, "certificates/upload_detail.html", context)


@login_required
def upload_progress(request, pk: int):
    """The progress block, polled by HTMX while a worker runs the upload; a finished one asks for a reload."""
    upload = _upload(request, pk)
    context = {"upload": upload, "progress": uploading.progress_of(upload)}
    return progress_block(request, "certificates/includes/upload_progress.html", context, upload)
