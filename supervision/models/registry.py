"""The registry: regions, authorities, platforms, CA vendors and their contacts."""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.accounts.scope import resolved
from portal.models import BaseModel, ScopedQuerySet
from supervision.validators import validate_credit_code, validate_region_code


class Region(BaseModel):
    """A unit of the GB/T 2260 administrative division tree (行政区划)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}

    code = models.CharField(_("code"), max_length=6, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    province_governed = models.BooleanField(
        _("governed by the province"),
        default=False,
        help_text=_("Reports to the province although it lies inside a city (省直管县): its own supervision region."),
    )
    shares_with_national = models.BooleanField(
        _("shares its supervision data with the national office"),
        default=False,
        help_text=_(
            "For provinces: the national administrators (法规司) may read (not change) its supervision records."
        ),
    )

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None  # GB/T 2260 regions are public reference data.

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="region_code_six_digits", condition=Q(code__regex=r"^[0-9]{6}$")),
            models.CheckConstraint(name="region_level_valid", condition=Q(level__in=["province", "city", "county"])),
            models.CheckConstraint(
                name="region_province_has_no_parent",
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
            ),
            # A child's code always sorts after its parent's (GB/T 2260 codes extend their parent's
            # prefix), so the parent relation can never loop back on itself.
            models.CheckConstraint(name="region_parent_code_before_child", condition=Q(code__gt=F("parent"))),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | (p.is_provincial_admin & p.region_in_scope),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:region_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.level == self.Level.PROVINCE:
            if self.parent_id:
                raise ValidationError({"parent": _("A province has no parent region.")})
            return
        if not self.parent_id:
            raise ValidationError({"parent": _("A city or county needs its parent region.")})
        parent = Region.objects.filter(code=self.parent_id).first()
        if parent is None:
            raise ValidationError({"parent": _("The parent region does not exist.")})
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.code not in seen:
            if ancestor.code == self.code:
                raise ValidationError({"parent": _("A region cannot be its own ancestor (this would make a cycle).")})
            seen.add(ancestor.code)
            ancestor = ancestor.parent
        if self.code and self.code <= parent.code:
            raise ValidationError({"parent": _("A region's code must come after its parent's code.")})
        if self.LEVEL_RANK.get(parent.level, 9) >= self.LEVEL_RANK.get(self.level, -1):
            raise ValidationError(
                {"parent": _("The parent region must be of a higher level (province > city > county).")}
            )

    @property
    def supervision_region(self) -> "Region":
        """The region whose administrators supervise this one."""
        if self.level == self.Level.COUNTY and not self.province_governed and self.parent is not None:
            return self.parent
        return self


class Authority(BaseModel):
    """A management office (公管办) or trading center (交易中心) of a region."""

    # What a searchable select matches as the user types (portal.autocomplete).
    autocomplete_fields = ("name",)

    class Kind(models.TextChoices):
        MANAGEMENT_OFFICE = "management_office", _("Management office (公管办)")
        TRADING_CENTER = "trading_center", _("Trading center (交易中心)")
        # 发改办法规〔2023〕54号: the locality's 牵头部门, and a participating enterprise, report to 法规司.
        LEAD_DEPARTMENT = "lead_department", _("Lead department (牵头部门)")
        ENTERPRISE = "enterprise", _("Participating enterprise (参与企业)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, to_field="code", on_delete=models.PROTECT, related_name="authorities", verbose_name=_("region")
    )
    website = models.URLField(_("website"), blank=True)
    document_prefix = models.CharField(
        _("document number prefix"),
        max_length=30,
        blank=True,
        help_text=_(
            "The start of the numbers of the documents it issues, e.g. 豫公管办 for 豫公管办〔2026〕3号. "
            "Empty: taken from the number of its latest directive, else its name."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            # Administrators see their region's offices; the other roles see all public bodies.
            return scope.regions_q("region") if scope.is_admin else None

        def supervised_by(self, scope):
            """The authorities of the administrator's regions (none for other roles)."""
            return self.filter(scope.regions_q("region"))

        def offices_of(self, region_code: str | None):
            """A region's authorities, the one its administrators act for first (``office_of``)."""
            management_office_first = Case(When(kind=Authority.Kind.MANAGEMENT_OFFICE, then=Value(0)), default=1)
            return self.filter(region_id=region_code).order_by(management_office_first, "kind", "pk")

        def office_of(self, region_code: str | None) -> "Authority | None":
            """The body a region's administrators act for, in whose name its documents go out: its
            management office (公管办), else its first authority."""
            return self.offices_of(region_code).first()

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["region__code", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="authority_kind_valid",
                condition=Q(kind__in=["management_office", "trading_center", "lead_department", "enterprise"]),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser | (p.is_admin & p.object_region_in_scope),
            "delete": p.is_superuser | (p.is_provincial_admin & p.object_region_in_scope),
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:authority_detail", args=[self.pk])


class BusinessDomain(BaseModel):
    """A field of public-resource trading (工程建设, 政府采购 …); administrators may add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("business domain")
        verbose_name_plural = _("business domains")
        ordering = ["pk"]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.name


class Platform(BaseModel):
    """A public-resource trading platform of a region, or an enterprise bidding platform."""

    identity_fields = ("name", "kind", "region", "operator_authority", "operator_company", "active")
    # What a searchable select matches as the user types (portal.autocomplete).
    autocomplete_fields = ("name", "operator_company")

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public-resource trading platform")
        ENTERPRISE = "enterprise", _("Enterprise bidding platform")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PUBLIC)
    region = models.ForeignKey(
        Region,
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms",
        verbose_name=_("region"),
    )
    operator_authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms",
        verbose_name=_("operating authority"),
    )
    operator_company = models.CharField(
        _("operating company"), max_length=100, blank=True, help_text=_("For enterprise platforms.")
    )
    domains = models.ManyToManyField(
        BusinessDomain, blank=True, related_name="platforms", verbose_name=_("business domains")
    )
    url = models.URLField(_("address (URL)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            if scope.is_admin:
                return scope.regions_q("region")
            if scope.platform_id:
                return Q(pk=scope.platform_id)
            return Q(active=True)  # Vendors see the platforms they may serve.

        def supervised_by(self, scope):
            """The platforms of the administrator's regions (none for other roles)."""
            return self.filter(scope.regions_q("region"))

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["region__code", "name"]
        constraints = [
            models.CheckConstraint(name="platform_kind_valid", condition=Q(kind__in=["public", "enterprise"])),
            models.CheckConstraint(
                name="platform_public_has_region", condition=Q(kind="enterprise") | Q(region__isnull=False)
            ),
            models.CheckConstraint(
                name="platform_has_operator",
                condition=Q(operator_authority__isnull=False) | ~Q(operator_company=""),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser | (p.is_admin & p.object_region_in_scope) | p.is_own_platform,
            # An operator keeps its platform's address and fields up to date; what it is, who runs it,
            # where it is supervised and whether it is active are its region's administrators' to say.
            "change_identity": p.is_superuser | (p.is_admin & p.object_region_in_scope),
            "delete": p.is_superuser | (p.is_provincial_admin & p.object_region_in_scope),
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:platform_detail", args=[self.pk])

    @property
    def operator_name(self) -> str:
        return str(self.operator_authority) if self.operator_authority_id else self.operator_company

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.kind == self.Kind.PUBLIC and not self.region_id:
            errors["region"] = _("A public-resource trading platform belongs to a region.")
        if not self.operator_authority_id and not self.operator_company.strip():
            errors["operator_company"] = _("Name the operating authority or the operating company.")
        if errors:
            raise ValidationError(errors)


class CAVendor(BaseModel):
    """An electronic certification service provider (电子认证服务机构)."""

    identity_fields = ("name", "short_name", "credit_code", "licence_number")
    # What a searchable select matches as the user types (portal.autocomplete).
    autocomplete_fields = ("name", "short_name", "credit_code")

    class FilingStatus(models.TextChoices):
        UNKNOWN = "unknown", _("To be confirmed")
        NOT_FILED = "not_filed", _("Not filed (determined by the cryptography administration)")
        FILED = "filed", _("Filed")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100 (统一社会信用代码)."),
    )
    licence_number = models.CharField(_("electronic certification service licence number"), max_length=50, blank=True)
    crypto_filing_number = models.CharField(_("cryptography filing number"), max_length=50, blank=True)
    crypto_filing_date = models.DateField(_("cryptography filing date"), null=True, blank=True)
    crypto_filing_status = models.CharField(
        _("cryptography filing status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.UNKNOWN
    )
    crypto_filing_expiry = models.DateField(_("cryptography filing expiry"), null=True, blank=True)
    # 豫公管办〔2019〕23号 四: "省密码管理局认定未备案" - "not filed" is a determination, with its record.
    crypto_determination_number = models.CharField(
        _("determination document number"),
        max_length=100,
        blank=True,
        help_text=_("The cryptography administration's document determining that the vendor is not filed."),
    )
    crypto_determination_date = models.DateField(_("determination date"), null=True, blank=True)
    crypto_determination_evidence = models.TextField(_("determination evidence"), blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return Q(pk=scope.vendor_id) if scope.vendor_id else None

    objects = QuerySet.as_manager()

    @classmethod
    def filing_valid_q(cls, today) -> Q:
        """Vendors with a valid filing on record: filed, not expired."""
        return Q(crypto_filing_status=cls.FilingStatus.FILED) & (
            Q(crypto_filing_expiry__isnull=True) | Q(crypto_filing_expiry__gte=today)
        )

    @classmethod
    def unfiled_q(cls, today) -> Q:
        """Vendors known to be without a valid filing, as the registry records it: determined not filed,
        expired or revoked, or filed with an expiry in the past (the registry's lists and cards). Only
        ``determined_unfiled_q`` is what 23号 四 acts on (a finding); an expiry is to be confirmed. A filing
        that is ``unknown`` (待核实) is not among them: unknown is not unfiled."""
        Status = cls.FilingStatus
        return Q(crypto_filing_status__in=[Status.NOT_FILED, Status.EXPIRED, Status.REVOKED]) | (
            Q(crypto_filing_status=Status.FILED) & Q(crypto_filing_expiry__lt=today)
        )

    @classmethod
    def determined_unfiled_q(cls) -> Q:
        """Vendors the cryptography administration has acted on: determined not filed (the constraint
        ``vendor_not_filed_is_determined`` guarantees the determination is recorded) or its filing
        revoked. What 23号 四 acts on ("对省密码管理局认定未备案的违规行为"): a filing that merely expired, or
        whose recorded expiry date passed, is to be confirmed with the administration, not a finding."""
        Status = cls.FilingStatus
        return Q(crypto_filing_status__in=[Status.NOT_FILED, Status.REVOKED])

    class Meta:
        verbose_name = _("CA vendor")
        verbose_name_plural = _("CA vendors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="vendor_credit_code_unique"
            ),
            models.CheckConstraint(
                name="vendor_filing_status_valid",
                condition=Q(crypto_filing_status__in=["unknown", "not_filed", "filed", "expired", "revoked"]),
            ),
            models.CheckConstraint(
                name="vendor_not_filed_is_determined",
                condition=~Q(crypto_filing_status="not_filed")
                | (~Q(crypto_determination_number="") & Q(crypto_determination_date__isnull=False)),
            ),
            models.CheckConstraint(
                name="vendor_filed_has_number_and_date",
                condition=~Q(crypto_filing_status="filed")
                | (~Q(crypto_filing_number="") & Q(crypto_filing_date__isnull=False)),
            ),
            models.CheckConstraint(
                name="vendor_filing_expiry_after_date",
                condition=Q(crypto_filing_expiry__isnull=True)
                | Q(crypto_filing_date__isnull=True)
                | Q(crypto_filing_expiry__gt=F("crypto_filing_date")),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | p.is_provincial_admin | p.is_own_vendor,
            # A vendor keeps its details up to date; its name, credit code and licence are the
            # province's record of who it is (its public pages show them).
            "change_identity": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:vendor_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.credit_code = self.credit_code.strip().upper()
        errors = {}
        if self.crypto_filing_status == self.FilingStatus.NOT_FILED:
            if not self.crypto_determination_number.strip():
                errors["crypto_determination_number"] = _(
                    "“Not filed” is a determination of the cryptography administration: give its document number."
                )
            if not self.crypto_determination_date:
                errors["crypto_determination_date"] = _("Give the date of the determination.")
        if self.crypto_filing_status == self.FilingStatus.FILED:
            if not self.crypto_filing_number.strip():
                errors["crypto_filing_number"] = _("A filed vendor needs its filing number.")
            if not self.crypto_filing_date:
                errors["crypto_filing_date"] = _("A filed vendor needs its filing date.")
        if (
            self.crypto_filing_date
            and self.crypto_filing_expiry
            and self.crypto_filing_expiry <= self.crypto_filing_date
        ):
            errors["crypto_filing_expiry"] = _("The filing expires after the date it was filed.")
        if self.credit_code and CAVendor.objects.exclude(pk=self.pk).filter(credit_code=self.credit_code).exists():
            # Mirrors vendor_credit_code_unique, whose own message would only name the constraint.
            errors["credit_code"] = _("Another CA vendor already has this unified social credit code.")
        if errors:
            raise ValidationError(errors)


class PartyIds(NamedTuple):
    platforms: object  # a list of ids, or a subquery
    authorities: object


def supervised_party_ids(scope) -> PartyIds:
    """The ids of the platforms and of the authorities of the administrator's regions: within a read-only
    request (``portal.accounts.scope.resolving``) two lists, read once in one query; else two subqueries."""

    def subqueries() -> PartyIds:
        return PartyIds(
            Platform.objects.supervised_by(scope).order_by().values_list("pk", flat=True),
            Authority.objects.supervised_by(scope).order_by().values_list("pk", flat=True),
        )

    def read() -> PartyIds:
        platforms, authorities = subqueries()
        tagged = platforms.annotate(kind=Value("p")).values_list("kind", "pk")
        rows = list(tagged.union(authorities.annotate(kind=Value("a")).values_list("kind", "pk"), all=True))
        return PartyIds([pk for kind, pk in rows if kind == "p"], [pk for kind, pk in rows if kind == "a"])

    return resolved(("parties", scope), read, subqueries)


class Contact(BaseModel):
    """A person or shared mailbox of one organisation (authority, platform or CA vendor)."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts", verbose_name=_("authority")
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts", verbose_name=_("platform")
    )
    vendor = models.ForeignKey(
        CAVendor, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts", verbose_name=_("CA vendor")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_shared_mailbox = models.BooleanField(_("shared mailbox"), default=False)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    ORGANISATION_FIELDS = ("authority", "platform", "vendor")

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            if scope.is_admin:
                return (
                    Q(authority__in=supervised_party_ids(scope).authorities)
                    | Q(platform__in=supervised_party_ids(scope).platforms)
                    | Q(vendor__isnull=False)
                )
            if scope.vendor_id:
                return Q(vendor_id=scope.vendor_id)
            if scope.platform_id:
                return Q(platform_id=scope.platform_id)
            if scope.authority_id:  # a reporting body or the national office: its own people
                return Q(authority_id=scope.authority_id)
            return Q(pk__in=[])

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="contact_exactly_one_organisation",
                condition=Q(authority__isnull=False, platform__isnull=True, vendor__isnull=True)
                | Q(authority__isnull=True, platform__isnull=False, vendor__isnull=True)
                | Q(authority__isnull=True, platform__isnull=True, vendor__isnull=False),
            ),
            models.CheckConstraint(
                name="contact_shared_mailbox_has_email", condition=Q(is_shared_mailbox=False) | ~Q(email="")
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.has_organisation,
            "change": p.rules.predicate(
                lambda user, contact: contact is not None and contact.organisation_editable_by(user)
            ),
            "delete": p.rules.predicate(
                lambda user, contact: contact is not None and contact.organisation_editable_by(user)
            ),
        }

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:contact_detail", args=[self.pk])

    @property
    def organisation(self):
        return self.authority or self.platform or self.vendor

    def organisation_editable_by(self, user) -> bool:
        organisation = self.organisation
        return organisation is not None and user.has_perm(organisation.get_perm("change"), organisation)

    def has_one_organisation(self) -> bool:
        return sum(1 for f in self.ORGANISATION_FIELDS if getattr(self, f"{f}_id")) == 1

    def clean(self) -> None:
        super().clean()
        if not self.has_one_organisation():
            raise ValidationError(
                _("A contact belongs to exactly one organisation: an authority, a platform or a CA vendor.")
            )
        if self.is_shared_mailbox and not self.email:
            raise ValidationError({"email": _("A shared mailbox needs its e-mail address.")})

    def validate_constraints(self, exclude=None):
        # clean() explains a missing or second organisation in words; the constraint's own message
        # would repeat it as a bare constraint name.
        if not self.has_one_organisation():
            exclude = {*(exclude or ()), *self.ORGANISATION_FIELDS}
        super().validate_constraints(exclude=exclude)
