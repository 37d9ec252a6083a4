"""Duties "as soon as possible" (尽快) have no date (issue 9, point 9): they remind on a ladder by age,
appear in the digest with their age, and become overdue after the province's watched age — counted
from the day the portal started watching the duty, so a 2019 duty loaded today accuses nobody today."""

import datetime

import pytest
from django.utils import timezone

from supervision.engine.digest import digest_context
from supervision.engine.sweep import run_sweep
from supervision.models import Authority, Finding, Notification, Obligation, ReminderPolicy

pytestmark = pytest.mark.django_db
KEY = "2019-3:cross_vendor_recognition:SZCA"


@pytest.fixture
def duty(registry):
    duty = Obligation.objects.get(dedup_key=KEY)
    assert duty.due_date is None and duty.status == Obligation.Status.OPEN
    return duty


def test_the_ladder_by_age_reminds_once_per_rung(duty):
    today = timezone.localdate()
    age = duty.age_days(today)
    assert age > 2500  # open since 濮公共交易〔2019〕3号 (2019)
    run_sweep(today)
    run_sweep(today)  # the same day again: nothing new
    sent = Notification.objects.filter(obligation=duty)
    rung = f"a{age // 30 * 30}"
    assert set(sent.values_list("stage", flat=True)) == {rung}
    assert sent.filter(channel="inbox").count() == sent.filter(channel="inbox").values("user").distinct().count()
    body = sent.first().body
    assert "尽快（无具体期限）" in body and f"已持续 {age} 天" in body
    assert "依据：濮公共交易〔2019〕3号 四" in body  # the basis, quoted, in every reminder
    # 3号 bears no day of issue: the reminder says where the age counts from, as the duty's page does.
    assert "濮公共交易〔2019〕3号 未载明印发日期" in body and "2019年1月1日" in body
    run_sweep(today + datetime.timedelta(days=29 - age % 30))  # before the next rung
    assert set(sent.values_list("stage", flat=True)) == {rung}
    run_sweep(today + datetime.timedelta(days=30 - age % 30))
    assert set(sent.values_list("stage", flat=True)) == {rung, f"a{age // 30 * 30 + 30}"}
    assert not Finding.objects.filter(obligation=duty).exists()  # watched for weeks only


def test_overdue_only_after_the_watched_age_and_once(duty):
    today = timezone.localdate()
    policy = ReminderPolicy.current()
    assert policy.asap_escalate_days == 180
    run_sweep(today + datetime.timedelta(days=179))
    assert not Finding.objects.filter(obligation=duty).exists()
    run_sweep(today + datetime.timedelta(days=180))
    run_sweep(today + datetime.timedelta(days=181))
    (finding,) = Finding.objects.filter(obligation=duty)
    duty.refresh_from_db()
    assert duty.status == Obligation.Status.OVERDUE and finding.kind == Finding.Kind.OVERDUE
    assert finding.facts["as_soon_as_possible"] is True and finding.facts["watched_days"] == 180
    assert finding.basis.directive == "濮公共交易〔2019〕3号" and "尽快" in finding.summary


def test_the_province_can_turn_the_ladder_and_the_escalation_off(duty):
    policy = ReminderPolicy.current()
    policy.asap_every_days, policy.asap_escalate_days = 0, 0
    policy.save()
    reminded = Notification.objects.filter(obligation=duty).count()  # by the sweep that seeding the demo ran
    run_sweep(timezone.localdate() + datetime.timedelta(days=400))
    assert Notification.objects.filter(obligation=duty).count() == reminded
    assert not Finding.objects.filter(obligation=duty).exists()


def test_the_digest_lists_duties_with_no_date_and_their_age(duty):
    today = timezone.localdate()
    province = Authority.objects.get(region_id="410000", kind=Authority.Kind.MANAGEMENT_OFFICE)
    context = digest_context(province, today)
    assert context["asap_count"] >= 1
    assert (duty, duty.age_days(today)) in context["asap"]


def test_the_policy_page_lets_the_province_set_them_and_shows_a_city_read_only(client_for):
    html = client_for("province").get("/registry/reminder-policy/").content.decode()
    assert 'name="asap_every_days"' in html and 'name="asap_escalate_days"' in html
    assert 'name="asap_every_days" value="30" min="0" class="form-control" required disabled' not in html
    city = client_for("puyang").get("/registry/reminder-policy/").content.decode()
    assert 'name="asap_escalate_days" value="180" min="0" class="form-control" required disabled' in city
