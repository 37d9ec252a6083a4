"""Seeded facts (directives, 2019 obligations, beat schedule), the weekly digest, the dashboard cards."""

import datetime

import pytest

from supervision.engine.delivery import deliver_due
from supervision.engine.digest import send_digests
from supervision.models import Directive, Notification, Obligation
from supervision.services import ensure_obligation, raise_finding

pytestmark = pytest.mark.django_db


def test_directives_and_their_forwarding_chain(registry):
    provincial = Directive.objects.get(number="豫公管办〔2019〕23号")
    puyang = Directive.objects.get(number="濮公共交易〔2019〕3号")
    assert provincial.issuer.name == "河南省公共资源交易管理委员会办公室" and provincial.year == 2019
    assert puyang.issuer.name == "濮阳市公共资源交易中心" and puyang.forwards == provincial
    assert list(puyang.addressed_vendors.values_list("short_name", flat=True)) == ["SZCA"]
    assert "2019年9月底前" in provincial.text and "通报批评" in provincial.text
    assert "深圳市电子商务安全证书管理有限公司要高度重视" in puyang.text
    assert [d.number for d in puyang.chain] == ["濮公共交易〔2019〕3号", "豫公管办〔2019〕23号"]


def test_obligations_of_the_2019_rules(registry):
    same = dict(
        Obligation.objects.filter(
            kind=Obligation.Kind.SAME_VENDOR_RECOGNITION, dedup_key__startswith="2019-23:", vendor__isnull=False
        ).values_list("vendor__short_name", "due_date")
    )
    assert same == {
        "华测CA": datetime.date(2019, 9, 30),
        "BJCA": datetime.date(2019, 9, 30),
        "SZCA": datetime.date(2019, 9, 30),
        "HNCA": datetime.date(2019, 11, 30),
    }
    seeded = Obligation.objects.filter(dedup_key__startswith="2019-23:", vendor__isnull=False)
    assert set(seeded.filter(kind="fee_reduction").values_list("due_date", flat=True)) == {datetime.date(2019, 8, 15)}
    assert not seeded.filter(kind="cross_vendor_recognition").exists()  # 23号 has no cross-vendor clause
    (cross,) = Obligation.objects.filter(kind="cross_vendor_recognition")  # 濮公共交易〔2019〕3号 四, SZCA only
    assert (cross.vendor.short_name, cross.directive.number, cross.due_date) == ("SZCA", "濮公共交易〔2019〕3号", None)
    # 23号 四 acts on a determination of the cryptography administration: no vendor is given a filing duty
    # (SZCA's filing is unknown in the demo, and unknown is not unfiled).
    assert not Obligation.objects.filter(kind="crypto_filing").exists()
    assert all(o.directive.number == "豫公管办〔2019〕23号" for o in seeded)
    # The basis comes from the rule register, once, not copied into each description.
    assert {(o.kind, o.basis.directive, o.basis.clause) for o in seeded} == {
        ("same_vendor_recognition", "豫公管办〔2019〕23号", "二"),
        ("fee_reduction", "豫公管办〔2019〕23号", "三"),
    }
    assert cross.basis.directive == "濮公共交易〔2019〕3号" and "尽快" in cross.basis.quote
    assert not any("依据" in o.description for o in seeded)


def confirm_overdue(obligation):
    """The overdue finding the sweep raises for ``obligation`` (the same key and party)."""
    from supervision.services import raise_finding

    return raise_finding(
        kind="overdue",
        party=obligation.party,
        dedup_key=f"overdue:obligation:{obligation.pk}",
        summary=f"{obligation.title}（尽快，已 2888 天）",
        obligation=obligation,
    )


def test_a_database_seeded_with_filing_duties_for_every_vendor_converges(registry):
    """An earlier version gave every vendor an undated duty "向省密码管理局备案" from 23号 四 and reminded
    SZCA, whose filing is only unknown, of its age since 2019. Seeding again waives the pending ones with
    the reason (never deletes them); one already fulfilled keeps its history."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone

    from supervision.models import CAVendor, Directive

    directive = Directive.objects.get(number="豫公管办〔2019〕23号")
    duties = {
        short: Obligation.objects.create(
            vendor=CAVendor.objects.get(short_name=short),
            kind="crypto_filing",
            title="向省密码管理局备案",
            directive=directive,
            dedup_key=f"2019-23:crypto_filing:{short}",
            status=status,
            fulfilled_at=timezone.now() if status == "fulfilled" else None,
        )
        for short, status in (("SZCA", "overdue"), ("BJCA", "fulfilled"), ("HNCA", "reported"))
    }
    # SZCA's duty had become overdue by its watched age: the sweep's finding accused it.
    overdue, _new = confirm_overdue(duties["SZCA"])
    with override_settings(DEBUG=True):
        call_command("seed", "--demo", "--password", "demo-pass-2026", verbosity=0)
    szca, bjca, hnca = (Obligation.objects.get(pk=duties[short].pk) for short in ("SZCA", "BJCA", "HNCA"))
    assert szca.status == "waived" and "省密码管理局认定未备案的违规行为" in szca.waived_reason
    assert "待核实不等于未备案" in szca.waived_reason
    assert szca.history.first().history_change_reason == "wrong basis: waived with its reason"
    assert (bjca.status, hnca.status) == ("fulfilled", "waived")
    overdue.refresh_from_db()
    assert overdue.status == "dismissed" and "省密码管理局认定未备案的违规行为" in overdue.evidence
    assert overdue.history.first().history_change_reason == "wrong basis: dismissed with its reason"


def test_seed_is_idempotent_and_keeps_the_engine_s_progress(registry):
    from django.core.management import call_command
    from django.test import override_settings

    obligation = Obligation.objects.get(dedup_key="2019-23:fee_reduction:SZCA")
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.OVERDUE)
    with override_settings(DEBUG=True):
        call_command("seed", "--demo", "--password", "demo-pass-2026", verbosity=0)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OVERDUE


def test_beat_schedule_in_shanghai_time(registry):
    from django_celery_beat.models import PeriodicTask

    tasks = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
    sweep = tasks["supervision.daily_sweep"]
    assert str(sweep.crontab.timezone) == "Asia/Shanghai" and sweep.crontab.hour == "7"
    assert tasks["supervision.weekly_digest"].crontab.day_of_week == "1"
    assert "supervision.deliver_notifications" in tasks
    # Administrators may edit it; the seed does not overwrite their changes.
    sweep.crontab.hour = "6"
    sweep.crontab.save()
    from supervision.seed_deadlines import load_schedules

    assert load_schedules() == 0
    sweep.crontab.refresh_from_db()
    assert sweep.crontab.hour == "6"


def test_weekly_digest_once_per_authority_and_week(travel, mailbox, szca, puyang_platform):
    travel(datetime.date(2030, 4, 1))
    deliver_due()  # the reminders the demo's sweep wrote when it was seeded, which the worker sends
    mailbox.clear()
    ensure_obligation(
        party=puyang_platform,
        kind=Obligation.Kind.ANNOUNCEMENT,
        title="濮阳平台发布公告",
        due_date=datetime.date(2030, 4, 5),
        dedup_key="digest:1",
    )
    raise_finding(kind="other", party=szca, dedup_key="digest:f", summary="本周新问题")
    written = send_digests()
    assert written > 0
    deliver_due()
    province = [m for m in mailbox if m.to == ["ggglb-410000@example.com"]]
    assert len(province) == 1 and "2030-W14" in province[0].subject
    assert "本周新问题" in province[0].body and "濮阳平台发布公告" in province[0].body
    puyang = [m for m in mailbox if m.to == ["ggzy-410900@example.com"]]
    assert len(puyang) == 1 and "濮阳平台发布公告" in puyang[0].body
    zhengzhou = [m for m in mailbox if m.to == ["ggzy-410100@example.com"]]
    assert all("濮阳平台发布公告" not in m.body for m in zhengzhou)
    assert send_digests() == 0  # the same week: nothing new
    travel(datetime.date(2030, 4, 8))
    assert send_digests() > 0
    assert Notification.objects.filter(topic__startswith="digest:", stage="2030-W15").exists()


def test_dashboard_cards(travel, client_for, puyang_platform):
    travel(datetime.date(2030, 4, 1))
    ensure_obligation(
        party=puyang_platform,
        kind=Obligation.Kind.ANNOUNCEMENT,
        title="x",
        due_date=datetime.date(2030, 4, 3),
        dedup_key="cards:1",
    )
    page = client_for("platform-puyang").get("/dashboard/").content.decode()
    assert "本周到期" in page and "逾期任务" in page and "进行中的整改" in page


def test_the_trading_centres_hold_their_duties_to_urge_the_vendors(registry):
    """23号 二 and 三: "各级公共资源交易中心负责通知、督促和推进……": each centre of the province, loaded
    after the dates, waits for the province's confirmation."""
    duties = Obligation.objects.filter(kind__in=["urge_recognition", "urge_fee_reduction"])
    centres = set(duties.values_list("authority__name", flat=True))
    assert {"河南省公共资源交易中心", "濮阳市公共资源交易中心"} <= centres
    assert all(d.authority.kind == "trading_center" for d in duties)
    assert {(d.kind, d.due_date, d.basis.clause) for d in duties} == {
        ("urge_recognition", datetime.date(2019, 11, 30), "二"),
        ("urge_fee_reduction", datetime.date(2019, 8, 15), "三"),
    }
    assert set(duties.values_list("status", flat=True)) == {"to_confirm"}
