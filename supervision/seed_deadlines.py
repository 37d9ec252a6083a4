"""Facts of the deadlines engine: the 2019 Henan directives and the duties they create."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from portal.seeding import DATA_DIR, DEMO_MARK, Log, ensure_schedules, read_csv, upsert
from supervision import clauses as rules
from supervision import conf
from supervision.models import Authority, CAVendor, Contact, Directive, Finding, Obligation, ReminderPolicy
from supervision.services import dismiss_wrong_basis, raise_finding

PROVINCIAL_NOTICE = rules.PROVINCIAL_NOTICE
PUYANG_NOTICE = rules.PUYANG_NOTICE
FEE_REDUCTION_FROM = rules.FEE_REDUCTION_FROM
# Rows an earlier version created on a wrong reading: 23号 has no cross-vendor clause.
# Duties an earlier version seeded on a wrong reading, by the start of their key: each is waived with
# its reason, never deleted (a duty already settled keeps its history).
WRONG_DUTIES = {
    "2019-23:cross_vendor_recognition:": (
        "依据有误：豫公管办〔2019〕23号没有不同机构之间互认的条款；该项任务仅由濮公共交易〔2019〕3号第四项"
        "向深圳市电子商务安全证书管理有限公司提出，已按该文件另行生成。"
    ),
    "2019-23:crypto_filing:": (
        "依据有误：豫公管办〔2019〕23号第四项针对“省密码管理局认定未备案的违规行为”，并未要求每家机构另行备案；"
        "备案情况待核实不等于未备案。经认定未备案（或备案已过期、被撤销）且仍服务交易平台的，由规则登记为问题并督促整改。"
    ),
}

DIRECTIVES = [
    {
        "number": PROVINCIAL_NOTICE,
        "title": "关于切实做好全省公共资源交易平台数字证书互认和降费工作的通知",
        "issuer": "河南省公共资源交易管理委员会办公室",
        "year": 2019,
        "file": "yu-gongguanban-2019-23.txt",
        "forwards": None,
        "addressed": [],
    },
    {
        "number": PUYANG_NOTICE,
        "title": "濮阳市公共资源交易中心关于切实做好河南省公共资源交易平台数字证书互认和降费工作的通知",
        "issuer": "濮阳市公共资源交易中心",
        "year": 2019,
        "file": "pu-gonggongjiaoyi-2019-3.txt",
        "forwards": PROVINCIAL_NOTICE,
        "addressed": ["SZCA"],
    },
]


def directive_text(name: str) -> str:
    return (DATA_DIR / "directives" / name).read_text(encoding="utf-8")


def load_directives() -> int:
    written = 0
    for row in DIRECTIVES:
        values = {
            "title": row["title"],
            "issuer_id": Authority.objects.get(name=row["issuer"]).pk,
            "year": row["year"],
            "text": directive_text(row["file"]),
            "forwards_id": Directive.objects.get(number=row["forwards"]).pk if row["forwards"] else None,
        }
        directive, changed = upsert(Directive, {"number": row["number"]}, values)
        wanted = set(CAVendor.objects.filter(short_name__in=row["addressed"]).values_list("pk", flat=True))
        if set(directive.addressed_vendors.values_list("pk", flat=True)) != wanted:
            directive.addressed_vendors.set(wanted)
            changed = True
        written += changed
    return written


def vendor_obligations(vendor: CAVendor, same_vendor_due: datetime.date) -> list[dict]:
    """The duties 豫公管办〔2019〕23号 gives one vendor (rules 1 and 3 of the domain notes), each with its
    basis (``supervision.clauses``). Rule 4 gives none: clause 四 acts on a determination of the
    cryptography administration, which the certificates' rule raises as a finding (unknown is not unfiled)."""
    short = vendor.short_name
    return [
        {
            "dedup_key": f"2019-23:same_vendor_recognition:{short}",
            "kind": Obligation.Kind.SAME_VENDOR_RECOGNITION,
            "title": f"{vendor.name}：全省公共资源交易平台同一机构数字证书（含签章）互认",
            "description": "同一电子认证服务机构发放的公共资源交易平台数字证书（含签章）在全省各公共资源交易平台实现互认。",
            "due_date": same_vendor_due,
            "directive": PROVINCIAL_NOTICE,
        },
        {
            "dedup_key": f"2019-23:fee_reduction:{short}",
            "kind": Obligation.Kind.FEE_REDUCTION,
            "title": f"{vendor.name}：数字证书收费降至全省最低收费标准以下",
            "description": "数字证书收费降至全省最低收费标准以下，不得重复办理和收费、不得收取异地用户开通费、变更名称费等费用。",
            "due_date": FEE_REDUCTION_FROM,
            "directive": PROVINCIAL_NOTICE,
        },
    ]


def cross_vendor_obligations(vendor: CAVendor) -> list[dict]:
    """濮公共交易〔2019〕3号 四: only the vendors it addresses (SZCA) hold the cross-vendor duty, "尽快"."""
    if vendor.short_name not in rules.CROSS_VENDOR_HOLDERS:
        return []
    return [
        {
            "dedup_key": f"2019-3:cross_vendor_recognition:{vendor.short_name}",
            "kind": Obligation.Kind.CROSS_VENDOR_RECOGNITION,
            "title": f"{vendor.name}：与不同机构发放的数字证书（含签章）互认",
            "description": "与不同电子认证服务机构发放的数字证书（含签章）实现互认。",
            "due_date": None,
            "directive": PUYANG_NOTICE,
        }
    ]


def centre_obligations(centre: Authority, recognition_due: datetime.date) -> list[dict]:
    """豫公管办〔2019〕23号 二 and 三: the duties of a trading centre of the province towards the vendors."""
    return [
        {
            "dedup_key": f"2019-23:urge_recognition:{centre.pk}",
            "kind": Obligation.Kind.URGE_RECOGNITION,
            "title": f"{centre.name}：通知、督促和推进电子认证服务机构实施数字证书（含签章）互认",
            "description": "确保辖区内接入公共资源交易平台的同一电子认证服务机构发放的数字证书（含签章）按时实现全部互认。",
            "due_date": recognition_due,
            "directive": PROVINCIAL_NOTICE,
        },
        {
            "dedup_key": f"2019-23:urge_fee_reduction:{centre.pk}",
            "kind": Obligation.Kind.URGE_FEE_REDUCTION,
            "title": f"{centre.name}：通知、督促和推进电子认证服务机构降费，并监督降费实施情况",
            "description": "自2019年8月15日起，接入公共资源交易平台的数字证书收费降至全省最低收费标准以下。",
            "due_date": FEE_REDUCTION_FROM,
            "directive": PROVINCIAL_NOTICE,
        },
    ]


def waive_wrong_duties() -> int:
    """Converge a database seeded by an earlier version: its duties of ``WRONG_DUTIES`` not yet fulfilled
    (pending, to be confirmed or reported) are waived with the reason, never deleted, and the open
    findings that their lateness raised are dismissed with it; a duty fulfilled keeps its history."""
    waived = 0
    unsettled = [*Obligation.UNSETTLED, Obligation.Status.REPORTED]
    for prefix, reason in WRONG_DUTIES.items():
        duties = Obligation.objects.filter(dedup_key__startswith=prefix)
        for obligation in duties.filter(status__in=unsettled):
            obligation.status = Obligation.Status.WAIVED
            obligation.waived_reason = reason
            obligation._change_reason = gettext_noop("wrong basis: waived with its reason")
            obligation.save(update_fields=["status", "waived_reason", "updated"])
            waived += 1
        waived += dismiss_wrong_basis(
            Finding.objects.filter(obligation__in=duties.filter(status=Obligation.Status.WAIVED)), reason=reason
        )
    return waived


def load_obligations() -> int:
    written = waive_wrong_duties()
    directives = {d.number: d for d in Directive.objects.filter(number__in=[PROVINCIAL_NOTICE, PUYANG_NOTICE])}
    today = timezone.localdate()
    for row in read_csv("ca-vendors.csv"):
        vendor = CAVendor.objects.get(name=row["name"])
        due = datetime.date.fromisoformat(row["same_vendor_recognition_due"])
        for duty in [*vendor_obligations(vendor, due), *cross_vendor_obligations(vendor)]:
            written += _load(duty, {"vendor_id": vendor.pk}, directives, today)
    last_recognition_due = max(
        datetime.date.fromisoformat(row["same_vendor_recognition_due"]) for row in read_csv("ca-vendors.csv")
    )
    centres = Authority.objects.filter(
        conf.supervising_province_q("region__code"), kind=Authority.Kind.TRADING_CENTER, is_demo=False
    )
    for centre in centres.order_by("pk"):
        for duty in centre_obligations(centre, last_recognition_due):
            written += _load(duty, {"authority_id": centre.pk}, directives, today)
    return written


def _load(duty: dict, party: dict, directives: dict, today: datetime.date) -> int:
    """One seeded duty, written only if new or still open (facts never undo the engine's progress); one
    whose date had passed when it was loaded is to be confirmed (rule 6)."""
    lookup = {"dedup_key": duty.pop("dedup_key")}
    directive = directives[duty.pop("directive")]
    obligation = Obligation.objects.filter(**lookup).first()
    if obligation is not None and obligation.status != Obligation.Status.OPEN:
        return 0
    values = duty | party | {"directive_id": directive.pk, "key": ""}
    if obligation is None and duty["due_date"] is not None and duty["due_date"] < today:
        values["status"] = Obligation.Status.TO_CONFIRM
    return upsert(Obligation, lookup, values)[1]


def load_facts(log: Log) -> int:
    written = load_directives() + load_obligations() + load_schedules() + load_policy()
    log(f"deadlines facts: {written} rows written")
    return written


# name → (task, crontab: minute, hour, day of week)
SCHEDULES = {
    "supervision: daily sweep (reminders, overdue, escalation)": ("supervision.daily_sweep", "30", "7", "*"),
    "supervision: retry failed notifications": ("supervision.deliver_notifications", "*/15", "*", "*"),
    "supervision: weekly digest for authorities": ("supervision.weekly_digest", "0", "8", "1"),
}


def load_schedules() -> int:
    return ensure_schedules(SCHEDULES)


def load_policy() -> int:
    """The reminder policy with its defaults (14, 7, 1, 0 days; every 7 days overdue; 15 days to rectify)."""
    if ReminderPolicy.objects.exists():
        return 0
    ReminderPolicy.objects.create(stages=[14, 7, 1, 0], overdue_every_days=7, case_due_days=15)
    return 1


def load_demo(log: Log, password: str) -> int:
    """Contacts of the provincial office (they receive the copies) and two findings, all marked 示例."""

    written = 0
    office = Authority.objects.get(name="河南省公共资源交易管理委员会办公室")
    written += upsert(
        Contact,
        {"authority_id": office.pk, "is_shared_mailbox": True},
        {"name": f"省公管办公共邮箱（{DEMO_MARK}）", "email": "ggglb-410000@example.com", "is_demo": True},
    )[1]
    written += upsert(
        Contact,
        {"authority_id": office.pk, "is_shared_mailbox": False},
        {
            "name": f"省公管办督导科（{DEMO_MARK}）",
            "role": "督导科",
            "email": "duban-410000@example.com",
            "is_demo": True,
        },
    )[1]
    demo_findings = [
        (
            "华测CA",
            Finding.Kind.PROHIBITED_FEE,
            "demo:finding:prohibited-fee:华测CA",
            f"（{DEMO_MARK}）向异地用户收取开通费",
            {"fee_item": "异地用户开通费", "amount": "100.00"},
        ),
        (
            "HNCA",
            Finding.Kind.OVERCHARGE,
            "demo:finding:overcharge:HNCA",
            f"（{DEMO_MARK}）机构证书新办收费高于全省最低收费标准",
            {"product": "机构证书", "amount": "380.00", "benchmark": "300.00"},
        ),
    ]
    for short_name, kind, key, summary, facts in demo_findings:
        vendor = CAVendor.objects.get(short_name=short_name)
        written += raise_finding(kind=kind, party=vendor, dedup_key=key, summary=summary, facts=facts, is_demo=True)[1]
    log(f"deadlines demo data: {written} rows written")
    return written
