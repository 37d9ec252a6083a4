"""The world of the access matrices: the seeded registry plus one row of every kind the seed leaves
empty (cases, criticism, messages, uploads, complaints, the trial's records …) on each side of each
line the matrices test: Puyang and Zhengzhou, SZCA and BJCA, Puyang's platform and Zhengzhou's,
Henan and Beijing.

The persona scopes are written out here as a person would state them, independently of the portal's
``Scope``: a city administrator supervises the city and its ordinary counties (a county governed by
the province is not the city's), the province every Henan region ("41…").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from certificates.models import CertificateUpload
from fees.models import FeeComplaint, FeeFiling, FeeFilingLine, FeeImport, FeeItem, ProductKind
from portal.accounts.models import User
from portal.models import ExportJob
from supervision.models import (
    Authority,
    BusinessDomain,
    CaseResponse,
    CAVendor,
    Contact,
    Criticism,
    Directive,
    Finding,
    Notification,
    Obligation,
    Platform,
    ProgressReport,
    RectificationCase,
    ResponseFile,
    SupervisionLetter,
)
from trial.models import (
    Agreement,
    AgreementParty,
    Announcement,
    AnnouncementDisplay,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    TrialParticipant,
    TrialRound,
    UsageLine,
    UsageReport,
    WrittenReport,
)

PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"]
ADMINS = frozenset({"province", "puyang", "zhengzhou"})
VENDORS = frozenset({"szca", "bjca"})
OPERATOR = "platform-puyang"
EVERYONE = frozenset(PERSONAS) - {"anonymous"}

PUYANG, ZHENGZHOU, BEIJING = "410900", "410100", "110000"
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"
ZHENGZHOU_PLATFORM = "郑州市公共资源交易中心交易平台"
BEIJING_PLATFORM = "北京市公共资源交易中心交易平台"
HENAN_PLATFORM = "河南省公共资源交易中心交易平台"
VENDOR_OF = {"szca": "SZCA", "bjca": "BJCA"}
# Whose rows a persona must not see: the other city, the other vendor, another platform; the province
# sees all of Henan and none of Beijing. A row "of a user" is out of scope when it is the counterpart's.
COUNTERPART = {
    "province": "puyang",
    "puyang": "zhengzhou",
    "zhengzhou": "puyang",
    "szca": "bjca",
    "bjca": "szca",
    "platform-puyang": "szca",
}


def kind_of(persona: str) -> str:
    if persona in ADMINS:
        return "admin"
    if persona in VENDORS:
        return "vendor"
    return "platform" if persona == OPERATOR else "anonymous"


def _at(path: str, lookup: str) -> str:
    return f"{path}__{lookup}" if path else lookup


def city_tree(path: str, code: str) -> Q:
    """Rows whose region (through ``path``) is the city ``code`` or one of its ordinary counties."""
    return Q(**{_at(path, "code"): code}) | Q(**{_at(path, "parent_id"): code, _at(path, "province_governed"): False})


def henan(path: str) -> Q:
    return Q(**{_at(path, "code__startswith"): "41"})


def outside_henan(path: str) -> Q:
    return Q(**{_at(path, "code__isnull"): False}) & ~henan(path)


def region_scope(path: str, persona: str) -> tuple[Q, Q]:
    """(rows the administrator supervises, rows it does not) for rows placed by a region."""
    if persona == "province":
        return henan(path), outside_henan(path)
    own, other = (PUYANG, ZHENGZHOU) if persona == "puyang" else (ZHENGZHOU, PUYANG)
    return city_tree(path, own), city_tree(path, other)


def vendor_scope(path: str, persona: str) -> tuple[Q, Q]:
    other = COUNTERPART[persona]
    return (
        Q(**{_at(path, "short_name"): VENDOR_OF[persona]}),
        Q(**{_at(path, "short_name"): VENDOR_OF[other]}),
    )


def platform_scope(path: str, persona: str) -> tuple[Q, Q]:
    return Q(**{_at(path, "name"): PUYANG_PLATFORM}), Q(**{_at(path, "name"): ZHENGZHOU_PLATFORM})


def user_scope(path: str, persona: str) -> tuple[Q, Q]:
    return Q(**{_at(path, "username"): persona}), Q(**{_at(path, "username"): COUNTERPART[persona]})


@dataclass(frozen=True)
class All:
    """Every row is the persona's to see (public reference data): none is out of its scope. With ``path``,
    the sample in scope is one the persona's scope places by that path (one it may also change)."""

    path: str | None = None


class No:
    """No row is the persona's to see."""

    def __repr__(self) -> str:
        return "NONE"


ALL, NONE = All(), No()


@dataclass(frozen=True)
class Rows:
    """Which rows of a model are whose: for each kind of persona the lookup from the row to what places it
    (its region for administrators, its vendor, its platform, or the user it belongs to), or ``ALL`` /
    ``NONE``, or an explicit ``(in scope, out of scope)`` pair of ``Q`` (or a function of the persona
    returning one). ``where`` narrows the samples
    (e.g. to a draft, which the owner may still change)."""

    admin: object = NONE
    vendor: object = NONE
    platform: object = NONE
    anonymous: object = NONE  # public rows (published criticism …) have samples for anonymous too
    user: str | None = None  # rows that belong to one user: every persona sees its own only
    where: Q = Q()

    def scope(self, persona: str) -> tuple[Q | None, Q | None]:
        """(a filter of the rows in the persona's scope, of rows out of it); None where there are none."""
        if persona == "anonymous":
            return self.anonymous if isinstance(self.anonymous, tuple) else (None, Q())
        if self.user is not None:
            return user_scope(self.user, persona)
        kind = kind_of(persona)
        spec = getattr(self, kind)
        if spec is NONE:
            return None, Q()
        if isinstance(spec, tuple):
            return spec
        if callable(spec):
            return spec(persona)
        by = {"admin": region_scope, "vendor": vendor_scope, "platform": platform_scope}[kind]
        if isinstance(spec, All):
            return (Q() if spec.path is None else by(spec.path, persona)[0]), None
        return by(spec, persona)

    def samples(self, model, persona: str):
        """One row in the persona's scope and one out of it (the newest of each), or None."""
        inside, outside = self.scope(persona)
        rows = model._default_manager.filter(self.where).order_by("-pk")
        return (
            None if inside is None else rows.filter(inside).first(),
            None if outside is None else rows.filter(outside).first(),
        )


def published(status: str = "published") -> tuple[Q, Q]:
    return Q(status=status), ~Q(status=status)


def or_published(by, path: str):
    """The rows of a scope (``by`` through ``path``) and every published row: the row out of scope is an
    unpublished one."""

    def scope(persona: str) -> tuple[Q, Q]:
        inside, outside = by(path, persona)
        return inside, outside & ~Q(status="published")

    return scope


# Whose rows are whose, per model (``app_label.Model``): shared by the API and the web matrices.
ROWS: dict[str, Rows] = {
    # the registry: reference data, and offices and platforms by region
    "supervision.Region": Rows(admin=All(""), vendor=ALL, platform=ALL),
    "supervision.Authority": Rows(admin="region", vendor=ALL, platform=ALL),
    "supervision.BusinessDomain": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "supervision.Platform": Rows(admin="region", vendor=ALL, platform=""),
    "supervision.CAVendor": Rows(admin=ALL, vendor="", platform=ALL),
    "supervision.Contact": Rows(admin="authority__region", vendor="vendor", platform="platform"),
    # the deadlines engine: directives are public, duties, findings and cases are their party's
    "supervision.Directive": Rows(admin=All("issuer__region"), vendor=ALL, platform=ALL),
    "supervision.Obligation": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    "supervision.Finding": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    "supervision.RectificationCase": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    "supervision.Criticism": Rows(admin=or_published(region_scope, "region"), vendor=published(), platform=published()),
    "supervision.Notification": Rows(admin="obligation__platform__region"),  # the send log
    "supervision.ReminderPolicy": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "supervision.SupervisionLetter": Rows(
        admin="obligation__platform__region", vendor="obligation__vendor", platform="obligation__platform"
    ),
    "supervision.ProgressReport": Rows(admin="region"),
    # certificates and recognition
    "certificates.CACertificate": Rows(admin=ALL, vendor="vendor", platform=ALL),
    "certificates.CertificateClaim": Rows(admin=ALL, vendor="vendor"),
    "certificates.CertificateUpload": Rows(user="created_by"),
    "certificates.Product": Rows(admin=ALL, vendor="vendor", platform=ALL),
    "certificates.SharedApp": Rows(admin=ALL, vendor="vendor", platform=ALL),
    "certificates.TrustListEntry": Rows(admin="platform__region", vendor="certificate__vendor", platform="platform"),
    "certificates.RecognitionRecord": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    # fees: the catalogue is public; accepted filings are public tariffs, so the samples are drafts
    "fees.ProductKind": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "fees.FeeItem": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "fees.FeeFiling": Rows(admin="region", vendor="vendor", where=~Q(status="accepted")),
    "fees.FeeFilingLine": Rows(admin="filing__region", vendor="filing__vendor", where=~Q(filing__status="accepted")),
    "fees.FeeComplaint": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    # the 2023 trial: records of a platform, rounds and Attachment 1 public
    "trial.TrialRound": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "trial.ReportingPeriod": Rows(admin=ALL, vendor=ALL, platform=ALL),
    "trial.TrialParticipant": Rows(admin=All("platform__region"), vendor=ALL, platform=All("platform")),
    "trial.Announcement": Rows(
        admin=or_published(region_scope, "platform__region"),
        vendor=published(),
        platform=or_published(platform_scope, "platform"),
    ),
    "trial.Coverage": Rows(admin="platform__region", vendor=ALL, platform="platform"),
    "trial.AnnouncementDisplay": Rows(admin="announcement__platform__region", platform="announcement__platform"),
    "trial.WrittenReport": Rows(admin="reporter__region"),
    "trial.Agreement": Rows(admin="platform__region", vendor="parties__vendor", platform="platform"),
    "trial.AgreementParty": Rows(admin="agreement__platform__region", vendor="vendor", platform="agreement__platform"),
    "trial.RemedyPlan": Rows(admin="platform__region", platform="platform"),
    "trial.DecryptionIncident": Rows(admin="platform__region", vendor="vendor", platform="platform"),
    "trial.UsageReport": Rows(admin="platform__region", platform="platform"),
    "trial.UsageLine": Rows(admin="report__platform__region", vendor="vendor", platform="report__platform"),
    "trial.Feedback": Rows(admin="platform__region"),
}
INBOX = Rows(user="user")  # a user's own messages (the same rows as the send log)
ROWS.update(
    {
        # rows of the user who made them
        "portal.ExportJob": Rows(user="created_by"),
        "fees.FeeImport": Rows(user="created_by"),
        # files of a case's responses: the case's
        "supervision.ResponseFile": Rows(
            admin="response__case__platform__region",
            vendor="response__case__vendor",
            platform="response__case__platform",
        ),
    }
)


# --- the rows the seed does not have ------------------------------------------------------------


def build() -> dict:
    """Add the rows the matrices need to the seeded registry; return the named ones."""
    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    vendors = {vendor.short_name: vendor for vendor in CAVendor.objects.all()}
    platforms = {
        "puyang": Platform.objects.get(name=PUYANG_PLATFORM),
        "zhengzhou": Platform.objects.get(name=ZHENGZHOU_PLATFORM),
        "beijing": Platform.objects.get(name=BEIJING_PLATFORM),
    }
    city_vendor = {"puyang": vendors["SZCA"], "zhengzhou": vendors["BJCA"], "beijing": vendors["HNCA"]}
    city_admin = {"puyang": users["puyang"], "zhengzhou": users["zhengzhou"], "beijing": None}
    rows: dict = {}

    zhengzhou_centre = Authority.objects.filter(region_id=ZHENGZHOU).order_by("pk").first()
    Directive.objects.create(number="郑公共交易〔2019〕7号", title="郑州市转发文件", issuer=zhengzhou_centre, year=2019)
    directives = {
        "puyang": Directive.objects.get(number="濮公共交易〔2019〕3号"),
        "zhengzhou": Directive.objects.get(number="郑公共交易〔2019〕7号"),
        "beijing": Directive.objects.get(number="发改办法规〔2023〕54号"),
    }
    for short in ("SZCA", "BJCA"):
        Contact.objects.create(authority=None, vendor=vendors[short], name=f"{short}联系人（矩阵）")
    round_ = TrialRound.objects.order_by("-starts_on").first()
    period = round_.periods.order_by("due_date").first()
    domain = BusinessDomain.objects.order_by("pk").first()
    product, item = ProductKind.objects.order_by("pk").first(), FeeItem.objects.order_by("pk").first()
    now = datetime.datetime(2023, 2, 1, 9, tzinfo=datetime.UTC)

    # Published rows, older than the drafts below (the samples are the newest rows of a scope).
    Criticism.objects.create(
        title="已发布的通报（矩阵）", body="正文", region_id=PUYANG, status="published", published_at=now
    )
    Announcement.objects.create(
        round=round_,
        platform=Platform.objects.get(name=HENAN_PLATFORM),
        title="已发布的公告（矩阵）",
        scope="范围",
        procedure="流程",
        status="published",
        published_at=now,
    )
    for key, platform in platforms.items():
        vendor, admin = city_vendor[key], city_admin[key]
        Contact.objects.create(authority=None, platform=platform, name=f"{platform.name}联系人（矩阵）")
        obligation = Obligation.objects.create(
            platform=platform, title=f"{key}的任务（矩阵）", directive=directives[key], created_by=admin
        )
        finding = Finding.objects.create(
            platform=platform, kind="other", summary=f"{key}的问题（矩阵）", dedup_key=f"matrix:{key}", raised_by=admin
        )
        case = RectificationCase.objects.create(
            platform=platform, number=f"MATRIX-{key}", title=f"{key}的整改（矩阵）", facts="事实", due_date="2030-01-01"
        )
        case.findings.set([finding])
        if key != "beijing":
            region = PUYANG if key == "puyang" else ZHENGZHOU
            Criticism.objects.create(title=f"{key}的通报（矩阵）", body="正文", region_id=region, drafted_by=admin)
            filing = FeeFiling.objects.create(
                vendor=vendor, region_id=region, effective_date="2030-01-01", status="draft", created_by=admin
            )
            FeeFilingLine.objects.create(filing=filing, product=product, item=item, amount="100.00")
            FeeComplaint.objects.create(
                vendor=vendor, platform=platform, product=product, item=item, charged_on="2023-01-01", amount="100.00"
            )
            TrialParticipant.objects.get_or_create(round=round_, platform=platform)
        announcement = Announcement.objects.create(
            round=round_, platform=platform, title=f"{key}的公告（矩阵）", scope="范围", procedure="流程"
        )
        announcement.business_types.set([domain])
        Coverage.objects.create(platform=platform, domain=domain, level="city", accepted=True, since="2023-01-20")
        agreement = Agreement.objects.create(kind="component", platform=platform, title=f"{key}的协议（矩阵）")
        AgreementParty.objects.create(agreement=agreement, role="ca_vendor", vendor=vendor)
        RemedyPlan.objects.create(platform=platform, kind="own", description="方案", effective_from="2023-01-20")
        DecryptionIncident.objects.create(
            platform=platform,
            occurred_on="2023-02-01",
            project_code=f"P-{key}",
            project_name=f"{key}的项目（矩阵）",
            bidder="某公司",
            vendor=vendor,
            cause="bidder",
            outcome="recovered",
            responsible="bidder",
        )
        report = UsageReport.objects.create(
            platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on, submitted_at=now
        )
        UsageLine.objects.create(
            report=report,
            vendor=vendor,
            registered_entities=10,
            bids=5,
            cross_region_bids=2,
            decryption_failures=1,
            remedies_used=1,
        )
        Feedback.objects.create(category="suggestion", platform=platform, vendor=vendor, description=f"{key}的建议")
        SupervisionLetter.objects.create(
            obligation=obligation, number=f"MATRIX-L-{key}", respond_by="2030-01-01", issued_by=admin
        )
        ProgressReport.objects.create(region_id=platform.region_id, as_of="2030-01-01", created_by=admin)
        AnnouncementDisplay.objects.create(
            announcement=announcement, place="website", shown_from="2023-01-20", evidence_url="https://example.com/a"
        )
        WrittenReport.objects.create(
            period=period,
            reporter=Authority.objects.filter(region_id=platform.region_id).order_by("pk").first(),
            number=f"MATRIX-W-{key}",
            title=f"{key}的书面报送（矩阵）",
            letter="正文",
        )
        rows[key] = {"obligation": obligation, "finding": finding, "case": case}
        respond(case, admin)
    for short in ("SZCA", "BJCA"):  # a 督办函 about a vendor's duty
        duty = Obligation.objects.filter(vendor=vendors[short]).order_by("pk").first()
        SupervisionLetter.objects.create(obligation=duty, number=f"MATRIX-L-{short}", respond_by="2030-01-01")
    for short in ("SZCA", "BJCA"):
        case = RectificationCase.objects.create(
            vendor=vendors[short],
            number=f"MATRIX-{short}",
            title=f"{short}的整改（矩阵）",
            facts="事实",
            due_date="2030-01-01",
        )
        respond(case, users[short.lower()])
    # One message in each persona's inbox, about a duty in its scope.
    duty_of = {
        "province": rows["puyang"]["obligation"],
        "puyang": rows["puyang"]["obligation"],
        "zhengzhou": rows["zhengzhou"]["obligation"],
        "szca": Obligation.objects.filter(vendor=vendors["SZCA"]).first(),
        "bjca": Obligation.objects.filter(vendor=vendors["BJCA"]).first(),
        "platform-puyang": rows["puyang"]["obligation"],
    }
    for persona, obligation in duty_of.items():
        user = users[persona]
        Notification.objects.create(
            topic=f"obligation:{obligation.pk}",
            stage="d7",
            channel="inbox",
            recipient=str(user.pk),
            user=user,
            obligation=obligation,
            subject=f"{persona}的提醒（矩阵）",
            body="正文",
            status="sent",
        )
    for persona in EVERYONE:
        user = users[persona]
        ExportJob.objects.create(
            created_by=user,
            title=f"{persona}的导出（矩阵）",
            path="/registry/platforms/",
            language="zh-hans",
            time_zone="Asia/Shanghai",
            status="done",
        )
        FeeImport.objects.create(created_by=user, original_name=f"{persona}.xlsx", file="fees/imports/matrix.xlsx")
    for persona in ("province", "puyang", "zhengzhou", "szca", "bjca"):
        user = users[persona]
        CertificateUpload.objects.create(
            original_name=f"{persona}.pem",
            vendor=user.vendor or vendors["HNCA"],
            created_by=user,
            status="done",
            file="certificates/uploads/matrix.pem",
        )
    return rows


def respond(case, user) -> None:
    """A response of the case's party, with a file (its name only: a test that downloads it stores it)."""
    response = CaseResponse.objects.create(case=case, text="已整改", submitted_by=user)
    # bulk_create: save() would measure the file, which is not there
    ResponseFile.objects.bulk_create(
        [ResponseFile(response=response, file="supervision/matrix.pdf", original_name="整改.pdf", size=1)]
    )
