"""A vendor's CA certificate (root or intermediate): the DER as uploaded, the parsed facts and the
chain computed among all stored certificates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from certificates import predicates as cp
from certificates.x509 import ParsedCertificate, verify
from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class ChainStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    BROKEN_SIGNATURE = "broken_signature", _("Broken signature")
    ISSUER_MISSING = "issuer_missing", _("Issuer missing")


# The sentence of each reason a chain is not valid (``verify.REASONS``), translated when shown.
CHAIN_REASONS = {
    verify.SIGNATURE: gettext_noop("The signature of %(certificate)s does not verify with the key of %(issuer)s."),
    verify.SELF_SIGNATURE: gettext_noop("The self-signature of %(certificate)s does not verify."),
    verify.LOOP: gettext_noop("The issuer links of %(certificate)s form a loop that reaches no root certificate."),
    verify.NO_ISSUER: gettext_noop(
        "The issuer of %(certificate)s (%(issuer)s) is not registered: upload its certificate."
    ),
    verify.TOO_LONG: gettext_noop("The chain is longer than %(max)s certificates."),
    verify.EXPIRED: gettext_noop("%(certificate)s expired on %(not_after)s."),
    verify.NOT_YET_VALID: gettext_noop("%(certificate)s is valid only from %(not_before)s."),
}


class SignatureWarning(models.TextChoices):
    NONE = "", _("None")
    SM2_EMPTY_SIGNER_ID = "sm2_empty_signer_id", _("Non-standard signer ID (empty)")


class CACertificate(BaseModel):
    class Role(models.TextChoices):
        ROOT = "root", _("Root")
        INTERMEDIATE = "intermediate", _("Intermediate")

    # The vendor whose claim of the certificate is accepted (``CertificateClaim``); empty while none is.
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("CA vendor"),
    )
    role = models.CharField(pgettext_lazy("certificate", "role"), max_length=20, choices=Role.choices)
    der = models.BinaryField(_("certificate (DER)"), editable=False)
    spki_der = models.BinaryField(_("public key info (DER)"), editable=False)
    subject = models.CharField(_("subject"), max_length=1000)
    issuer_name = models.CharField(pgettext_lazy("certificate", "issuer"), max_length=1000, db_index=True)
    subject_cn = models.CharField(_("common name"), max_length=300, blank=True)
    serial_hex = models.CharField(_("serial number"), max_length=100)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"), db_index=True)
    key_algorithm = models.CharField(_("public key algorithm"), max_length=40)
    key_size = models.PositiveIntegerField(_("key size (bits)"), default=0)
    curve = models.CharField(_("curve"), max_length=40, blank=True)
    signature_algorithm = models.CharField(_("signature algorithm"), max_length=60)
    signature_algorithm_oid = models.CharField(_("signature algorithm OID"), max_length=60)
    sha256_fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    sm3_fingerprint = models.CharField(_("SM3 fingerprint"), max_length=64)
    is_ca = models.BooleanField(_("CA (basic constraints)"), default=True)
    path_length = models.PositiveSmallIntegerField(_("path length limit"), null=True, blank=True)
    key_usage = models.CharField(_("key usage"), max_length=300, blank=True)
    subject_key_identifier = models.CharField(_("subject key identifier"), max_length=128, blank=True, db_index=True)
    authority_key_identifier = models.CharField(_("authority key identifier"), max_length=128, blank=True)
    is_self_issued = models.BooleanField(_("self-issued"), default=False)
    version = models.PositiveSmallIntegerField(_("version"), default=3)
    # --- the chain, recomputed whenever certificates are added (see certificates.chains) ---
    issuer = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued",
        verbose_name=_("issuing certificate"),
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("root of the chain"),
    )
    chain_ids = models.JSONField(_("chain"), default=list, blank=True, editable=False)
    chain_status = models.CharField(
        _("chain status"), max_length=20, choices=ChainStatus.choices, default=ChainStatus.UNCHECKED
    )
    chain_problem_index = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    chain_reason = models.CharField(
        _("what is wrong with the chain"),
        max_length=20,
        blank=True,
        help_text=_("A code (certificates.x509.verify.REASONS); pages and the API show chain_detail, its sentence."),
    )
    signature_warning = models.CharField(
        _("signature warning"),
        max_length=30,
        choices=SignatureWarning.choices,
        blank=True,
        default=SignatureWarning.NONE,
        help_text=_("The signature verifies, with a reservation (an SM2 signature made with the empty signer ID)."),
    )
    chain_not_before = models.DateTimeField(null=True, blank=True, editable=False)
    chain_not_after = models.DateTimeField(null=True, blank=True, editable=False)
    chain_checked_at = models.DateTimeField(_("chain checked at"), null=True, blank=True)
    # --- where it came from ---
    original_filename = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            # Certificates are public technical facts; a vendor's users see only their own.
            return Q(vendor_id=scope.vendor_id) if scope.vendor_id else None

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("CA certificate")
        verbose_name_plural = _("CA certificates")
        ordering = ["vendor__name", "role", "subject"]
        constraints = [
            models.CheckConstraint(name="cacertificate_role_valid", condition=Q(role__in=["root", "intermediate"])),
            models.CheckConstraint(
                name="cacertificate_chain_status_valid",
                condition=Q(chain_status__in=[choice.value for choice in ChainStatus]),
            ),
            models.CheckConstraint(
                name="cacertificate_validity_ordered", condition=Q(not_after__gte=models.F("not_before"))
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "role"], name="cacert_vendor_role"),
            # issuer candidates are looked up by name and by key identifier when chains are built
            models.Index(fields=["subject"], name="cacert_subject"),
            models.Index(fields=["authority_key_identifier"], name="cacert_aki"),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": cp.vendor_editors,
            "delete": p.is_superuser | p.is_provincial_admin,
        }

    def __str__(self) -> str:
        return self.subject_cn or self.subject

    def get_absolute_url(self) -> str:
        return reverse("certificates:certificate_detail", args=[self.pk])

    @property
    def is_sm2(self) -> bool:
        return self.key_algorithm == "SM2"

    @property
    def key_description(self) -> str:
        if self.key_algorithm == "EC" and self.curve:
            return f"EC {self.curve} ({self.key_size})"
        return f"{self.key_algorithm} {self.key_size}" if self.key_size else self.key_algorithm

    def to_parsed(self) -> ParsedCertificate:
        """The library's record of this certificate, from the stored fields (no re-parsing)."""
        return ParsedCertificate(
            der=bytes(self.der),
            subject=self.subject,
            issuer=self.issuer_name,
            subject_cn=self.subject_cn,
            serial_hex=self.serial_hex,
            not_before=self.not_before,
            not_after=self.not_after,
            key_algorithm=self.key_algorithm,
            key_size=self.key_size,
            curve=self.curve,
            signature_algorithm=self.signature_algorithm,
            signature_algorithm_oid=self.signature_algorithm_oid,
            sha256_fingerprint=self.sha256_fingerprint,
            sm3_fingerprint=self.sm3_fingerprint,
            is_ca=self.is_ca,
            path_length=self.path_length,
            key_usage=tuple(part for part in self.key_usage.split(", ") if part),
            subject_key_identifier=self.subject_key_identifier,
            authority_key_identifier=self.authority_key_identifier,
            is_self_issued=self.is_self_issued,
            role=self.role,
            version=self.version,
            spki_der=bytes(self.spki_der),
        )

    @classmethod
    def fields_from(cls, parsed: ParsedCertificate) -> dict:
        """Model field values of a parsed certificate (role decided by the caller)."""
        return {
            "der": parsed.der,
            "spki_der": parsed.spki_der,
            "subject": parsed.subject[:1000],
            "issuer_name": parsed.issuer[:1000],
            "subject_cn": parsed.subject_cn[:300],
            "serial_hex": parsed.serial_hex[:100],
            "not_before": parsed.not_before,
            "not_after": parsed.not_after,
            "key_algorithm": parsed.key_algorithm[:40],
            "key_size": parsed.key_size,
            "curve": parsed.curve[:40],
            "signature_algorithm": parsed.signature_algorithm[:60],
            "signature_algorithm_oid": parsed.signature_algorithm_oid[:60],
            "sha256_fingerprint": parsed.sha256_fingerprint,
            "sm3_fingerprint": parsed.sm3_fingerprint,
            "is_ca": parsed.is_ca,
            "path_length": parsed.path_length,
            "key_usage": ", ".join(parsed.key_usage)[:300],
            "subject_key_identifier": parsed.subject_key_identifier[:128],
            "authority_key_identifier": parsed.authority_key_identifier[:128],
            "is_self_issued": parsed.is_self_issued,
            "version": parsed.version,
        }

    @property
    def chain_detail(self) -> str:
        """What is wrong with the chain, in the user's language ("" when nothing is): the stored reason
        about the chain's certificate at ``chain_problem_index``."""
        if not self.chain_reason:
            return ""
        chain = self.chain()
        index = self.chain_problem_index or 0
        member = chain[index] if index < len(chain) else self
        above = chain[index + 1] if index + 1 < len(chain) else None
        values = {
            "certificate": str(member),
            "issuer": str(above) if above else member.issuer_name,
            "max": verify.MAX_CHAIN_LENGTH,
            "not_after": timezone.localtime(member.not_after).date().isoformat(),
            "not_before": timezone.localtime(member.not_before).date().isoformat(),
        }
        template = CHAIN_REASONS.get(self.chain_reason)
        return gettext(template) % values if template else ""

    def chain(self) -> list["CACertificate"]:
        """The stored chain, leaf first (one query)."""
        if not self.chain_ids:
            return [self]
        found = {c.pk: c for c in CACertificate.objects.filter(pk__in=self.chain_ids).select_related("vendor")}
        return [found[pk] for pk in self.chain_ids if pk in found]
