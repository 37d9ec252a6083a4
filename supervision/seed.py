"""Facts of the registry (from portal/data) and the demonstration registry of Henan."""

from portal.accounts.models import Role, User
from portal.seeding import DEMO_MARK, Log, platform_name, read_csv, upsert
from supervision import seed_deadlines
from supervision.engine.sweep import run_sweep
from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region

BUSINESS_DOMAINS = [
    ("construction", "工程建设"),
    ("government-procurement", "政府采购"),
    ("land-and-mining-rights", "土地使用权和矿业权出让"),
    ("state-owned-property", "国有产权交易"),
]
HENAN = "410000"
# Bodies named in the source documents.
FACT_AUTHORITIES = [
    ("河南省公共资源交易管理委员会办公室", Authority.Kind.MANAGEMENT_OFFICE, HENAN),
    ("河南省公共资源交易中心", Authority.Kind.TRADING_CENTER, HENAN),
    ("濮阳市公共资源交易中心", Authority.Kind.TRADING_CENTER, "410900"),
]


def load_facts(log: Log) -> int:
    written = 0
    for row in read_csv("regions.csv"):  # parents come before children in the file
        _, changed = upsert(
            Region,
            {"code": row["code"]},
            {
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "province_governed": row["province_governed"] == "yes",
            },
        )
        written += changed
    for code, name in BUSINESS_DOMAINS:
        written += upsert(BusinessDomain, {"code": code}, {"name": name})[1]
    for row in read_csv("ca-vendors.csv"):
        written += upsert(CAVendor, {"name": row["name"]}, {"short_name": row["short_name"]})[1]
    for name, kind, region in FACT_AUTHORITIES:
        written += upsert(Authority, {"name": name}, {"kind": kind, "region_id": region})[1]
    all_domains = list(BusinessDomain.objects.all())
    for row in read_csv("trial-platforms.csv"):
        kind = row["kind"]
        values = {"kind": kind, "region_id": row["region_code"] or None}
        if kind == Platform.Kind.PUBLIC:
            authority, changed = upsert(
                Authority,
                {"name": row["operator"]},
                {"kind": Authority.Kind.TRADING_CENTER, "region_id": row["region_code"]},
            )
            written += changed
            values |= {"operator_authority_id": authority.pk, "operator_company": ""}
        else:
            values |= {"operator_authority_id": None, "operator_company": row["operator"]}
        platform, changed = upsert(Platform, {"name": platform_name(row["operator"], kind)}, values)
        if changed and not platform.domains.exists():
            platform.domains.set(all_domains)
        written += changed
    log(f"registry facts: {written} rows written")
    return written + seed_deadlines.load_facts(log)


def demo_regions():
    """Henan's cities and the counties governed directly by the province."""
    return Region.objects.filter(parent_id=HENAN, level=Region.Level.CITY) | Region.objects.filter(
        parent__parent_id=HENAN, province_governed=True
    )


def load_demo(log: Log, password: str) -> int:
    written = 0
    all_domains = list(BusinessDomain.objects.all())
    for region in demo_regions().order_by("code"):
        center, changed = upsert(
            Authority,
            {"name": f"{region.name}公共资源交易中心"},
            {"kind": Authority.Kind.TRADING_CENTER, "region_id": region.code},
        )
        if changed and center.name != "濮阳市公共资源交易中心":
            center.is_demo = True
            center.save(update_fields=["is_demo"])
        written += changed
        platform, changed = upsert(
            Platform,
            {"name": platform_name(center.name, Platform.Kind.PUBLIC)},
            {
                "kind": Platform.Kind.PUBLIC,
                "region_id": region.code,
                "operator_authority_id": center.pk,
                "is_demo": True,
            },
        )
        if changed:
            platform.domains.set(all_domains)
        written += changed
        written += upsert(
            Contact,
            {"authority_id": center.pk, "is_shared_mailbox": True},
            {
                "name": f"{region.name}交易中心公共邮箱（{DEMO_MARK}）",
                "email": f"ggzy-{region.code}@example.com",
                "is_demo": True,
            },
        )[1]
        written += upsert(
            Contact,
            {"authority_id": center.pk, "is_shared_mailbox": False},
            {
                "name": f"{region.name}联络员（{DEMO_MARK}）",
                "role": "信息科科长",
                "email": f"liaison-{region.code}@example.com",
                "phone": f"0393-{region.code[2:]}0",
                "is_demo": True,
            },
        )[1]
    for vendor in CAVendor.objects.all():
        slug = vendor.short_name.lower().replace("ca", "") or "ca"
        written += upsert(
            Contact,
            {"vendor_id": vendor.pk, "is_shared_mailbox": True},
            {
                "name": f"{vendor.short_name}客服邮箱（{DEMO_MARK}）",
                "email": f"service-{slug}@example.com",
                "is_demo": True,
            },
        )[1]
        written += upsert(
            Contact,
            {"vendor_id": vendor.pk, "is_shared_mailbox": False},
            {
                "name": f"{vendor.short_name}项目经理（{DEMO_MARK}）",
                "role": "项目经理",
                "email": f"pm-{slug}@example.com",
                "is_demo": True,
            },
        )[1]
    written += load_demo_users(password)
    log(f"registry demo data: {written} rows written")
    return written + seed_deadlines.load_demo(log, password)


DEMO_USERS = [
    ("province", "省公管办管理员（示例）", Role.PROVINCIAL_ADMIN, {"region_id": HENAN}),
    ("puyang", "濮阳市管理员（示例）", Role.CITY_ADMIN, {"region_id": "410900"}),
    ("zhengzhou", "郑州市管理员（示例）", Role.CITY_ADMIN, {"region_id": "410100"}),
    ("szca", "SZCA 用户（示例）", Role.VENDOR_USER, {"vendor_short_name": "SZCA"}),
    ("bjca", "BJCA 用户（示例）", Role.VENDOR_USER, {"vendor_short_name": "BJCA"}),
    (
        "platform-puyang",
        "濮阳平台运营（示例）",
        Role.PLATFORM_OPERATOR,
        {"platform_name": "濮阳市公共资源交易中心交易平台"},
    ),
]


def load_demo_users(password: str) -> int:
    written = 0
    for username, name, role, where in DEMO_USERS:
        values = {
            "name": name,
            "role": role,
            "region_id": where.get("region_id"),
            "vendor_id": CAVendor.objects.get(short_name=where["vendor_short_name"]).pk
            if "vendor_short_name" in where
            else None,
            "platform_id": Platform.objects.get(name=where["platform_name"]).pk if "platform_name" in where else None,
            "is_staff": role in Role.administrators(),
            "email": f"{username}@example.com",
        }
        user, changed = upsert(User, {"username": username}, values)
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            changed = True
        written += changed
    return written


def sweep_demo(log: Log) -> None:
    """Today's deadline sweep (beat: 07:30): overdue flips and findings, reminders written; the worker
    delivers the e-mails (``deliver_notifications``), so seeding sends none."""
    log(f"deadline sweep: {run_sweep(deliver=False)}")
