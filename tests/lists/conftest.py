"""Fixtures of the list tests: the seeded registry plus a row or two in every list the demo leaves
empty, spread over Puyang, Zhengzhou and two CA vendors so that each persona sees a different part."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"
ZHENGZHOU_PLATFORM = "郑州市公共资源交易中心交易平台"


@pytest.fixture
def filled(personas):
    from fees.models import FeeComplaint, FeeItem, ProductKind
    from supervision.engine import cases as case_flow
    from supervision.models import BusinessDomain, CAVendor, Criticism, Finding, Notification, Obligation, Platform
    from supervision.services import raise_finding
    from trial.models import (
        Agreement,
        Announcement,
        Coverage,
        DecryptionIncident,
        Feedback,
        RemedyPlan,
        TrialRound,
        UsageReport,
    )

    vendors = {v.short_name: v for v in CAVendor.objects.all()}
    platforms = {
        "puyang": Platform.objects.get(name=PUYANG_PLATFORM),
        "zhengzhou": Platform.objects.get(name=ZHENGZHOU_PLATFORM),
    }
    province = personas["province"]
    today = datetime.date.today()

    # Cases: one about a vendor, one about Puyang's platform (opened without sending their notices).
    cases = []
    for key, party in (("szca", vendors["SZCA"]), ("puyang", platforms["puyang"])):
        finding, _ = raise_finding(
            kind=Finding.Kind.OVERCHARGE, party=party, dedup_key=f"lists:{key}", summary=f"收费问题-{key}"
        )
        cases.append(case_flow.open_case(findings=[finding], by=province, due_date=today + datetime.timedelta(days=15)))

    # Criticism: a published notice (everyone) and a draft of Puyang's (Puyang and the province).
    Criticism.objects.create(
        title="通报批评-已发布",
        body="正文",
        region_id="410000",
        status="published",
        published_at=timezone.now(),
        drafted_by=province,
    )
    Criticism.objects.create(title="通报批评-濮阳草稿", body="正文", region_id="410900", drafted_by=personas["puyang"])

    # The send log: a reminder about each case, and about a duty of SZCA's and one of Puyang's platform.
    duties = [
        Obligation.objects.filter(vendor=vendors["SZCA"]).first(),
        Obligation.objects.filter(platform=platforms["puyang"]).first()
        or Obligation.objects.filter(authority__region_id="410900").first(),
    ]
    for n, duty in enumerate(d for d in duties if d is not None):
        Notification.objects.create(
            topic=f"obligation:{duty.pk}",
            stage="d7",
            channel="email",
            recipient=f"r{n}@example.cn",
            recipient_name=f"联系人{n}",
            subject=f"提醒-{duty.title}"[:300],
            body="请按期完成",
            obligation=duty,
            status="sent" if n else "failed",
            attempts=1,
            last_error="" if n else "550 mailbox unavailable",
        )
    for case in cases:
        Notification.objects.create(
            topic=f"case:{case.pk}",
            stage="notice",
            channel="inbox",
            recipient=str(province.pk),
            recipient_name=str(province),
            user=province,
            subject=f"整改通知-{case.number}",
            body="整改通知",
            case=case,
            status="sent",
        )

    # Fee complaints about SZCA in Puyang and BJCA in Zhengzhou.
    product, item = ProductKind.objects.order_by("order").first(), FeeItem.objects.order_by("order").first()
    for vendor, platform in ((vendors["SZCA"], platforms["puyang"]), (vendors["BJCA"], platforms["zhengzhou"])):
        FeeComplaint.objects.create(
            vendor=vendor,
            platform=platform,
            product=product,
            item=item,
            charged_on=today,
            amount=Decimal("300.00"),
            description="多收费",
        )

    # The 2023 trial on Puyang's and Zhengzhou's platforms: one record of every kind on each.
    round2023 = TrialRound.objects.get(code="2023")
    period = round2023.periods.order_by("due_date").first()
    construction = BusinessDomain.objects.get(code="construction")
    status = {"puyang": "draft", "zhengzhou": "published"}
    for key, platform in platforms.items():
        Announcement.objects.create(
            round=round2023,
            platform=platform,
            title=f"公告-{key}",
            scope="范围",
            procedure="流程",
            status=status[key],
            published_at=timezone.now() if status[key] == "published" else None,
        )
        Coverage.objects.create(
            platform=platform,
            domain=construction,
            level="city",
            accepted=key == "puyang",
            since=datetime.date(2023, 1, 20),
        )
        Agreement.objects.create(kind="component", platform=platform, title=f"协议-{key}")
        RemedyPlan.objects.create(
            platform=platform, kind="own", description=f"方案-{key}", effective_from=datetime.date(2023, 1, 20)
        )
        DecryptionIncident.objects.create(
            platform=platform,
            occurred_on=datetime.date(2023, 2, 1),
            project_code=f"P-{key}",
            project_name=f"项目-{key}",
            bidder="某公司",
            vendor=vendors["SZCA"] if key == "puyang" else None,
            cause="bidder",
            outcome="recovered" if key == "puyang" else "withdrawn",
            responsible="bidder",
        )
        UsageReport.objects.create(platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on)
        Feedback.objects.create(
            category="suggestion" if key == "puyang" else "decryption", platform=platform, description=f"建议-{key}"
        )
    # Written reports (书面报送): Henan's lead department, one late and one on time; Beijing's.
    from supervision.models import Authority
    from trial.models import WrittenReport

    bodies = {
        "henan": Authority.objects.get(name="河南省公共资源交易平台整合工作牵头部门"),
        "beijing": Authority.objects.get(name="北京市公共资源交易平台整合工作牵头部门"),
    }
    for n, (body, report_period, late) in enumerate(
        (
            ("henan", period, True),
            ("henan", round2023.periods.order_by("due_date").last(), False),
            ("beijing", period, False),
        )
    ):
        WrittenReport.objects.create(
            period=report_period,
            reporter=bodies[body],
            number=f"测试〔2023〕{n + 1}号",
            title="报告",
            letter="函",
            is_late=late,
        )
    return personas


@pytest.fixture
def ids(filled):
    """The ids the lists' filters name: {"SZCA": …, "BJCA": …, "PUYANG": …, "ZHENGZHOU": …}."""
    from supervision.models import CAVendor, Platform

    return {
        "SZCA": CAVendor.objects.get(short_name="SZCA").pk,
        "BJCA": CAVendor.objects.get(short_name="BJCA").pk,
        "PUYANG": Platform.objects.get(name=PUYANG_PLATFORM).pk,
        "ZHENGZHOU": Platform.objects.get(name=ZHENGZHOU_PLATFORM).pk,
    }
