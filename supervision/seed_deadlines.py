"""Facts of the deadlines engine: the 2019 Henan directives and the duties they create."""

import datetime

from portal.seeding import DATA_DIR, DEMO_MARK, Log, ensure_schedules, read_csv, upsert
from supervision.models import Authority, CAVendor, Contact, Directive, Finding, Obligation, ReminderPolicy
from supervision.services import raise_finding

PROVINCIAL_NOTICE = "豫公管办〔2019〕23号"
PUYANG_NOTICE = "濮公共交易〔2019〕3号"
FEE_REDUCTION_FROM = datetime.date(2019, 8, 15)

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
    """The 2019 rules for one vendor (rules 1–4 of the domain notes)."""
    short = vendor.short_name
    return [
        {
            "dedup_key": f"2019-23:same_vendor_recognition:{short}",
            "kind": Obligation.Kind.SAME_VENDOR_RECOGNITION,
            "title": f"{vendor.name}：全省公共资源交易平台同一机构数字证书（含签章）互认",
            "description": "同一电子认证服务机构发放的公共资源交易平台数字证书（含签章）在全省各公共资源交易平台实现互认。",
            "due_date": same_vendor_due,
        },
        {
            "dedup_key": f"2019-23:fee_reduction:{short}",
            "kind": Obligation.Kind.FEE_REDUCTION,
            "title": f"{vendor.name}：数字证书收费降至全省最低收费标准以下",
            "description": (
                "自2019年8月15日起，接入公共资源交易平台的数字证书收费降至全省最低收费标准以下，"
                "不得重复办理和收费、不得收取异地用户开通费、变更名称费等费用。"
            ),
            "due_date": FEE_REDUCTION_FROM,
        },
        {
            "dedup_key": f"2019-23:cross_vendor_recognition:{short}",
            "kind": Obligation.Kind.CROSS_VENDOR_RECOGNITION,
            "title": f"{vendor.name}：与不同机构发放的数字证书（含签章）互认",
            "description": "积极推进不同电子认证服务机构发放的数字证书（含签章）互认，尽快实现。",
            "due_date": None,
        },
        {
            "dedup_key": f"2019-23:crypto_filing:{short}",
            "kind": Obligation.Kind.CRYPTO_FILING,
            "title": f"{vendor.name}：向省密码管理局备案",
            "description": "对省密码管理局认定未备案的违规行为及时整改，确保接入公共资源交易平台的数字证书服务合规。",
            "due_date": None,
        },
    ]


def load_obligations() -> int:
    written = 0
    directive = Directive.objects.get(number=PROVINCIAL_NOTICE)
    for row in read_csv("ca-vendors.csv"):
        vendor = CAVendor.objects.get(name=row["name"])
        due = datetime.date.fromisoformat(row["same_vendor_recognition_due"])
        for duty in vendor_obligations(vendor, due):
            lookup = {"dedup_key": duty.pop("dedup_key")}
            obligation = Obligation.objects.filter(**lookup).first()
            if obligation is not None and obligation.status != Obligation.Status.OPEN:
                continue  # the engine or a user has moved it on: facts never undo that
            values = duty | {"vendor_id": vendor.pk, "directive_id": directive.pk, "key": ""}
            written += upsert(Obligation, lookup, values)[1]
    return written


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
