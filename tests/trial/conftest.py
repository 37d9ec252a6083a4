"""Fixtures of the trial tests: a world of trial records on four platforms (Henan's provincial
platform, Puyang's, Zhengzhou's and Beijing's), operators of participating platforms, time travel."""

import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HENAN_PLATFORM = "河南省公共资源交易中心交易平台"
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"
ZHENGZHOU_PLATFORM = "郑州市公共资源交易中心交易平台"
BEIJING_PLATFORM = "北京市公共资源交易中心交易平台"
WORLD_PLATFORMS = {
    "henan": HENAN_PLATFORM,
    "puyang": PUYANG_PLATFORM,
    "zhengzhou": ZHENGZHOU_PLATFORM,
    "beijing": BEIJING_PLATFORM,
}


@pytest.fixture
def travel():
    """travel(date) → the clock stands at 09:00 of that day in Asia/Shanghai."""
    travellers = []

    def go(day: datetime.date, hour: int = 9):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def platforms(registry):
    from supervision.models import Platform

    return {key: Platform.objects.get(name=name) for key, name in WORLD_PLATFORMS.items()}


@pytest.fixture
def vendors(registry):
    from supervision.models import CAVendor

    return {v.short_name: v for v in CAVendor.objects.all()}


@pytest.fixture
def round2023(registry):
    from trial.models import TrialRound

    return TrialRound.objects.get(code="2023")


@pytest.fixture
def operator_of(registry):
    """operator_of(platform) → a platform operator user of that platform (created once per test)."""
    from portal.accounts.models import Role, User

    def make(platform):
        user, _ = User.objects.get_or_create(
            username=f"op-{platform.pk}",
            defaults={"role": Role.PLATFORM_OPERATOR, "platform": platform, "name": f"{platform.name}运营"},
        )
        return user

    return make


@pytest.fixture
def world(personas, platforms, vendors, round2023):
    """One record of every kind on each of the four platforms; Puyang and Zhengzhou join the 2023 round."""
    from supervision.models import BusinessDomain
    from trial.models import (
        Agreement,
        AgreementParty,
        Announcement,
        Coverage,
        DecryptionIncident,
        Feedback,
        RemedyPlan,
        TrialParticipant,
        UsageLine,
        UsageReport,
    )

    construction = BusinessDomain.objects.get(code="construction")
    for key in ("puyang", "zhengzhou"):
        TrialParticipant.objects.create(round=round2023, platform=platforms[key])
    period = round2023.periods.order_by("due_date").first()
    status = {"henan": "published", "puyang": "draft", "zhengzhou": "approved", "beijing": "draft"}
    now = datetime.datetime(2023, 2, 1, 9, tzinfo=SHANGHAI)
    line_vendors = {"henan": ["SZCA"], "puyang": ["SZCA", "BJCA"], "zhengzhou": ["HNCA"], "beijing": ["BJCA"]}
    party_vendor = {"puyang": "SZCA", "beijing": "BJCA"}
    incident_vendor = {"puyang": "SZCA", "zhengzhou": "BJCA"}
    objects = {}
    for key, platform in platforms.items():
        announcement = Announcement.objects.create(
            round=round2023,
            platform=platform,
            title=f"公告-{key}",
            scope=f"范围-{key}",
            procedure="流程",
            status=status[key],
            published_at=now if status[key] == "published" else None,
        )
        announcement.business_types.set([construction])
        coverage = Coverage.objects.create(
            platform=platform, domain=construction, level="city", accepted=True, since=datetime.date(2023, 1, 20)
        )
        agreement = Agreement.objects.create(kind="component", platform=platform, title=f"协议-{key}")
        if key in party_vendor:
            AgreementParty.objects.create(agreement=agreement, role="ca_vendor", vendor=vendors[party_vendor[key]])
        plan = RemedyPlan.objects.create(
            platform=platform, kind="own", description=f"方案-{key}", effective_from=datetime.date(2023, 1, 20)
        )
        incident = DecryptionIncident.objects.create(
            platform=platform,
            occurred_on=datetime.date(2023, 2, 1),
            project_code=f"P-{key}",
            project_name=f"项目-{key}",
            bidder="某公司",
            vendor=vendors[incident_vendor[key]] if key in incident_vendor else None,
            cause="bidder",
            outcome="recovered",
            responsible="bidder",
        )
        report = UsageReport.objects.create(
            platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on, submitted_at=now
        )
        for short in line_vendors[key]:
            UsageLine.objects.create(
                report=report,
                vendor=vendors[short],
                registered_entities=10,
                bids=5,
                cross_region_bids=2,
                decryption_failures=1,
                remedies_used=1,
            )
        feedback = Feedback.objects.create(category="suggestion", platform=platform, description=f"建议-{key}")
        objects[key] = {
            "announcement": announcement,
            "coverage": coverage,
            "agreement": agreement,
            "plan": plan,
            "incident": incident,
            "report": report,
            "feedback": feedback,
        }
    return objects
