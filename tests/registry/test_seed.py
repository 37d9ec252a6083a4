"""``manage.py seed``: the facts and the demo data are there, a second run writes nothing, and demo
data is refused in production mode. The session's database was seeded once (tests/conftest.py);
these tests run the command again on top of it."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from portal.accounts.models import Role, User
from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD
from portal.seeding import platform_name, read_csv
from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region

pytestmark = pytest.mark.django_db

REGISTRY = [Region, BusinessDomain, Authority, Platform, CAVendor, Contact, User]


def row_counts() -> dict[str, int]:
    """Rows of every registry table and of every history table."""
    history = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    return {model._meta.label: model.objects.count() for model in [*REGISTRY, *history]}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def test_a_second_run_writes_nothing(registry, settings):
    before = row_counts()
    settings.DEBUG = True
    assert "seed: 0 rows written" in seed("--demo", "--password", DEMO_PASSWORD)
    assert "seed: 0 rows written" in seed()
    assert row_counts() == before  # no new rows, no new history rows


def test_a_run_repairs_only_what_differs(registry, settings):
    Region.objects.filter(code="410900").update(name="濮阳")
    before = row_counts()
    assert "seed: 1 rows written" in seed()
    assert Region.objects.get(code="410900").name == "濮阳市"
    after = row_counts()
    assert after.pop("supervision.HistoricalRegion") == before.pop("supervision.HistoricalRegion") + 1
    assert after == before


def test_facts(registry):
    assert Region.objects.count() == len(read_csv("regions.csv"))
    for row in read_csv("regions.csv"):
        region = Region.objects.get(code=row["code"])
        assert (region.name, region.level, region.parent_id or "") == (row["name"], row["level"], row["parent_code"])
        assert region.province_governed == (row["province_governed"] == "yes")
    assert sorted(CAVendor.objects.values_list("name", flat=True)) == sorted(
        row["name"] for row in read_csv("ca-vendors.csv")
    )
    trial = read_csv("trial-platforms.csv")
    assert len(trial) == 12
    for row in trial:
        platform = Platform.objects.get(name=platform_name(row["operator"], row["kind"]))
        assert (platform.kind, platform.region_id or "", platform.is_demo) == (row["kind"], row["region_code"], False)
        assert platform.operator_name == row["operator"]
        assert platform.domains.count() == BusinessDomain.objects.count() == 4
    assert Platform.objects.filter(is_demo=False).count() == 12


def test_demo_registry_covers_every_city_and_province_governed_county(registry):
    cities = Region.objects.filter(parent_id="410000", level=Region.Level.CITY)
    counties = Region.objects.filter(level=Region.Level.COUNTY, province_governed=True, parent__parent_id="410000")
    assert (cities.count(), counties.count()) == (18, 10)
    for region in [*cities, *counties]:
        center = Authority.objects.get(region=region, kind=Authority.Kind.TRADING_CENTER)
        platform = Platform.objects.get(region=region, is_demo=True)
        assert platform.operator_authority == center
        assert center.is_demo == (region.code != "410900")  # Puyang's center is named in the notice
        assert center.contacts.filter(is_shared_mailbox=True).exclude(email="").exists()
        assert center.contacts.filter(is_demo=True, name__contains="示例").count() == 2
    for vendor in CAVendor.objects.all():
        assert vendor.contacts.filter(is_shared_mailbox=True).exists()


def test_demo_users_have_their_roles(registry):
    expected = {
        "province": (Role.PROVINCIAL_ADMIN, "410000", None, None, True),
        "puyang": (Role.CITY_ADMIN, "410900", None, None, True),
        "zhengzhou": (Role.CITY_ADMIN, "410100", None, None, True),
        "szca": (Role.VENDOR_USER, None, "SZCA", None, False),
        "bjca": (Role.VENDOR_USER, None, "BJCA", None, False),
        "platform-puyang": (Role.PLATFORM_OPERATOR, None, None, "濮阳市公共资源交易中心交易平台", False),
    }
    users = User.objects.select_related("vendor", "platform").filter(username__in=expected)
    assert len(users) == 6
    for user in users:
        actual = (
            user.role,
            user.region_id,
            user.vendor and user.vendor.short_name,
            user.platform and user.platform.name,
            user.is_staff,
        )
        assert actual == expected[user.username], user.username
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser
        assert "示例" in user.name
        user.full_clean()


def test_demo_is_refused_when_debug_is_off(registry, settings):
    settings.DEBUG = False
    before = row_counts()
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed("--demo", "--password", "another-password")
    assert row_counts() == before
    assert User.objects.get(username="province").check_password(DEMO_PASSWORD)


def test_a_second_demo_run_keeps_the_review_times_of_the_demo_filings(registry, settings):
    """审核时间 is stamped once, when the demo's accepted filings are first loaded (they have no history
    of a review to take it from); a second run leaves every filing as it was."""
    from fees.models import FeeFiling

    accepted = FeeFiling.objects.filter(is_demo=True, status=FeeFiling.Status.ACCEPTED)
    before = dict(accepted.values_list("pk", "reviewed_at"))
    assert before and all(before.values())
    settings.DEBUG = True
    seed("--demo", "--password", DEMO_PASSWORD)
    assert dict(accepted.values_list("pk", "reviewed_at")) == before


def test_seeding_the_demo_runs_the_morning_sweeps(registry):
    """Right after ``seed --demo`` the counts are those of the next morning: the duties with no date and
    the expiring CA certificate were reminded (written, for the worker to send), and the fee findings of
    the filings awaiting review are still open, so no vendor with one has fulfilled its fee duty."""
    from supervision.models import Finding, Notification, Obligation

    assert Notification.objects.filter(obligation__due_date__isnull=True).exists()
    assert Notification.objects.filter(obligation__kind=Obligation.Kind.CERTIFICATE_EXPIRY).exists()
    assert not Notification.objects.filter(channel="email", status=Notification.Status.SENT).exists()
    open_fee_findings = Finding.objects.filter(kind__in=["overcharge", "prohibited_fee"], status=Finding.Status.OPEN)
    assert open_fee_findings.filter(vendor__short_name__in=["SZCA", "BJCA"]).count() == 2
    assert not Obligation.objects.filter(
        kind=Obligation.Kind.FEE_REDUCTION,
        status=Obligation.Status.FULFILLED,
        vendor__in=open_fee_findings.values("vendor"),
    ).exists()
