"""What the send log and a finding say about themselves, in words: a message's stage, an inbox message's
address, who raised a finding."""

import pytest
from django.utils import translation

from supervision.models import CAVendor, Finding, Notification
from supervision.models.reminders import stage_label
from supervision.services import raise_finding

pytestmark = pytest.mark.django_db


def test_a_stage_reads_as_words():
    with translation.override("zh-hans"):
        labels = [
            stage_label(s)
            for s in ("d7", "d0", "o3", "a90", "notice", "response2", "closed", "2026-W48", "issued", "sent")
        ]
    assert labels == [
        "到期前7天",
        "到期当日",
        "逾期第3天",
        "已持续 90 天",
        "整改通知书",
        "整改回复待核查（第 2 轮）",
        "核查通过并结案",
        "每周汇总（2026 年第 48 周）",
        "督办函",
        "报送法规司的通知",
    ]
    assert stage_label("something-else") == "something-else"


def test_an_inbox_message_is_addressed_to_a_person_not_an_id(personas):
    province = personas["province"]
    message = Notification(channel="inbox", recipient=str(province.pk), user=province, stage="notice")
    assert message.address == str(province) != message.recipient
    assert Notification(channel="email", recipient="a@example.cn", stage="d7").address == "a@example.cn"


def test_a_finding_raised_by_a_rule_says_so_and_links_the_rule(personas):
    vendor = CAVendor.objects.get(short_name="SZCA")
    by_rule, _ = raise_finding(kind=Finding.Kind.PROHIBITED_FEE, party=vendor, dedup_key="t:rule", summary="规则发现")
    by_person, _ = raise_finding(
        kind=Finding.Kind.OTHER, party=vendor, dedup_key="manual:t", summary="人工发现", raised_by=personas["province"]
    )
    with translation.override("zh-hans"):
        rule = str(by_rule.finder)
    assert rule == '<a href="/registry/rules/#rule-prohibited_fee">系统规则：违规收费项目</a>'
    assert by_person.finder == personas["province"]
