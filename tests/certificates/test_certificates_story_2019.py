"""The whole 2019 Henan story, through the workflow, on the real calendar.

豫公管办〔2019〕23号: same-vendor recognition (with seals) on every platform of the province —
华测CA, BJCA and SZCA by 2019-09-30, HNCA by 2019-11-30. Here 华测CA and BJCA finish in September,
SZCA is late (its obligation goes overdue and one finding is raised, however often the sweeps
run), and HNCA finishes in November while 开封's trust list does not hold its root: a trust-list
discrepancy, raised once.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db.models import Q

from certificates import findings, workflow
from certificates.models import RecognitionRecord, TrustListEntry
from certificates.tasks import sweep_recognition
from portal.accounts.models import Role, User
from supervision.engine.sweep import run_sweep
from supervision.models import Finding, Obligation

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
KAIFENG = "开封市公共资源交易中心交易平台"
LATE_ON = ("濮阳市公共资源交易中心交易平台", "洛阳市公共资源交易中心交易平台")
HNCA_LATE_ON = "新乡市公共资源交易中心交易平台"


@pytest.fixture
def clock():
    travellers = []

    def go(day: str):
        if travellers:
            travellers.pop().stop()
        moment = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10), SHANGHAI)
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def fresh_2019(vendors, henan_platforms, personas):
    """The registry as it was in July 2019: no recognition rows, open obligations, no findings."""
    RecognitionRecord.objects.all().delete()
    Finding.objects.filter(kind__in=["overdue", "trust_list_discrepancy", "unfiled_vendor"]).delete()
    Obligation.objects.filter(kind="same_vendor_recognition").update(
        status="open", fulfilled_at=None, fulfilled_by=None, evidence=""
    )
    users = {"SZCA": personas["szca"], "BJCA": personas["bjca"]}
    for short in ("华测CA", "HNCA"):
        users[short] = User.objects.create(username=f"user-{short}", role=Role.VENDOR_USER, vendor=vendors[short])
    operators = {}
    for platform in henan_platforms:
        operators[platform.pk] = User.objects.filter(platform=platform).first() or User.objects.create(
            username=f"operator-{platform.pk}", role=Role.PLATFORM_OPERATOR, platform=platform
        )
    return users, operators


def run(records, to, user_for, **kwargs):
    for record in records:
        record.refresh_from_db()
        workflow.transition(record, to, user=user_for(record), **kwargs)


def test_the_2019_story(fresh_2019, vendors, henan_platforms, personas, clock):
    users, operators = fresh_2019
    province = personas["province"]
    clock("2019-07-20")
    rows = {short: [] for short in ("华测CA", "BJCA", "SZCA", "HNCA")}
    for short, records in rows.items():
        for platform in henan_platforms:
            records.append(
                workflow.create_record(
                    user=users[short],
                    vendor=vendors[short],
                    platform=platform,
                    scope="same_vendor",
                    seals_included=True,
                )
            )
    vendor_user = lambda record: users[record.vendor.short_name]  # noqa: E731
    operator = lambda record: operators[record.platform_id]  # noqa: E731

    def finish(short, done, confirmed, verified, only=None):
        records = [r for r in rows[short] if only is None or only(r)]
        clock(done)
        run(records, "done", vendor_user, note="登录、投标、签章、解密测试通过")
        clock(confirmed)
        for record in records:
            record.refresh_from_db()
            workflow.confirm(record, user=operator(record))
        clock(verified)
        run(records, "verified", lambda r: province)

    clock("2019-08-01")
    for records in rows.values():
        run(records, "in_progress", vendor_user)
    clock("2019-08-20")
    for records in rows.values():
        run(records, "testing", vendor_user)

    finish("华测CA", "2019-09-05", "2019-09-10", "2019-09-16")
    finish("BJCA", "2019-09-12", "2019-09-18", "2019-09-26")
    finish("SZCA", "2019-09-25", "2019-09-27", "2019-09-29", only=lambda r: r.platform.name not in LATE_ON)

    def obligation(short):
        return Obligation.objects.get(vendor=vendors[short], kind="same_vendor_recognition")

    # Two vendors verified before the deadline: their obligations are fulfilled, in September.
    for short in ("华测CA", "BJCA"):
        assert obligation(short).status == "fulfilled"
        assert obligation(short).fulfilled_at.astimezone(SHANGHAI).date() < datetime.date(2019, 9, 30)
    assert obligation("SZCA").status == "open"

    # 1 October: the deadline engine's sweep finds SZCA late — one finding, however often it runs.
    clock("2019-10-01")
    run_sweep(today=datetime.date(2019, 10, 1), deliver=False)
    run_sweep(today=datetime.date(2019, 10, 1), deliver=False)
    clock("2019-10-02")
    run_sweep(today=datetime.date(2019, 10, 2), deliver=False)
    assert obligation("SZCA").status == "overdue"
    late = Finding.objects.filter(kind="overdue", obligation__kind="same_vendor_recognition", vendor=vendors["SZCA"])
    assert late.count() == 1
    # 23号 二 binds the platforms using each vendor's certificates: the two platforms where SZCA's are not
    # yet recognised are late too, one finding per duty; 华测's and BJCA's platforms are not, nor HNCA's
    # (due 30 November).
    overdue = Finding.objects.filter(kind="overdue", obligation__kind="same_vendor_recognition")
    assert sorted(overdue.filter(platform__isnull=False).values_list("platform__name", "obligation__key")) == sorted(
        (name, "vendor:SZCA") for name in LATE_ON
    )
    assert not overdue.filter(vendor__isnull=False).exclude(vendor=vendors["SZCA"]).exists()
    platform_duties = Obligation.objects.filter(kind="same_vendor_recognition", platform__isnull=False)
    assert platform_duties.count() == 4 * len(henan_platforms)  # every platform × the four vendors it uses
    assert set(platform_duties.filter(key__in=["vendor:华测CA", "vendor:BJCA"]).values_list("status", flat=True)) == {
        "fulfilled"
    }
    assert set(platform_duties.filter(key="vendor:HNCA").values_list("status", flat=True)) == {"open"}

    # The matrix shows SZCA's two open platforms as late.
    from certificates.matrix import Filters, province_matrix

    matrix = province_matrix(province, Filters(region="410000"), today=datetime.date(2019, 10, 2))
    szca = next(row for row in matrix.rows if row.vendor.short_name == "SZCA")
    late_cells = [cell for cell in szca.cells if cell.days_left is not None and cell.days_left < 0]
    assert len(late_cells) == 2 and all(cell.days_late == 2 for cell in late_cells)

    # HNCA (due 30 November): 开封's trust list does not hold HNCA's root.
    kaifeng = next(p for p in henan_platforms if p.name == KAIFENG)
    TrustListEntry.objects.filter(platform=kaifeng, certificate__vendor=vendors["HNCA"]).delete()
    # HNCA finishes in November everywhere but on 新乡's platform.
    finish("HNCA", "2019-11-01", "2019-11-08", "2019-11-20", only=lambda r: r.platform.name != HNCA_LATE_ON)
    discrepancies = Finding.objects.filter(kind="trust_list_discrepancy")
    assert list(discrepancies.values_list("platform__name", flat=True)) == [KAIFENG]
    assert discrepancies.get().facts["vendor_name"] == "河南省信息化发展有限公司"
    assert obligation("HNCA").status == "open"

    # SZCA finishes late, in October: its obligation is fulfilled then, the finding stays (once).
    finish("SZCA", "2019-10-09", "2019-10-14", "2019-10-21", only=lambda r: r.platform.name in LATE_ON)
    assert obligation("SZCA").status == "fulfilled"

    clock("2019-12-01")
    for _ in range(2):  # the daily task, twice: nothing new
        sweep_recognition("2019-12-01")
        run_sweep(today=datetime.date(2019, 12, 1), deliver=False)
    assert late.count() == 1
    assert discrepancies.count() == 1
    # 1 December: HNCA and the platform that has not recognised its certificates are late, once each.
    hnca_late = overdue.filter(Q(vendor=vendors["HNCA"]) | Q(obligation__key="vendor:HNCA"))
    assert sorted(str(f.party) for f in hnca_late) == sorted([vendors["HNCA"].name, HNCA_LATE_ON])
    # SZCA's filing is not recorded (the demo files the other three): to be confirmed, not unfiled.
    assert not Finding.objects.filter(kind="unfiled_vendor").exists()

    # Putting HNCA's root back on 开封's trust list leaves no discrepancy to find.
    root = vendors["HNCA"].certificates.get(role="root", is_demo=True)
    TrustListEntry.objects.create(platform=kaifeng, certificate=root)
    assert findings.discrepant_pairs() == []
